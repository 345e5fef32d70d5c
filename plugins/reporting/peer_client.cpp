#include "peer_client.hpp"

#include <thread>

namespace reporting {
namespace {

std::string status_name(agent_host::Status status) {
  switch (status) {
    case agent_host::Status::not_found:
      return "not reachable (no such agent here and no peer URL configured)";
    case agent_host::Status::unavailable:
      return "unavailable";
    case agent_host::Status::timeout:
      return "timed out";
    default:
      return "failed";
  }
}

std::string snippet(const std::string& body) {
  constexpr size_t kMax = 300;
  return body.size() <= kMax ? body : body.substr(0, kMax) + "...";
}

bool worth_retrying(int status) {
  return status >= 500 || status == 429;
}

}  // namespace

PeerClient::PeerClient(agent_host::Host& host, RetryPolicy policy,
                       std::function<void(const std::string&)> on_failure)
    : host_(host), policy_(policy), on_failure_(std::move(on_failure)) {}

PeerAnswer PeerClient::get(const std::string& agent, const std::string& path) const {
  agent_host::Call call = agent_host::Call::get(path);
  call.timeout = std::chrono::milliseconds(policy_.timeout_ms);
  call.headers.emplace_back("accept", "application/json");
  const int attempts = policy_.retries + 1;
  std::string last_error;
  int last_status = 0;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1)
      std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int64_t>(policy_.backoff_ms)
                                                            << std::min(attempt - 2, 10)));
    try {
      const agent_host::HttpResult result = host_.call_agent(agent, call);
      last_status = result.status;
      if (result.ok()) {
        try {
          return PeerAnswer{true, result.json(), {}, result.status};
        } catch (const agent_host::InvalidJson& e) {
          last_error = agent + " GET " + path + " answered " + std::to_string(result.status) +
                       " with a body that is not JSON: " + e.what();
          break;  // a broken payload does not improve by asking again
        }
      }
      last_error = agent + " GET " + path + " answered " + std::to_string(result.status) + ": " +
                   snippet(result.body);
      if (!worth_retrying(result.status)) break;
    } catch (const agent_host::Error& e) {
      last_error = agent + " GET " + path + " " + status_name(e.status()) + ": " + e.what();
    }
    if (attempt == attempts) last_error += " (after " + std::to_string(attempts) + " attempts)";
  }
  if (on_failure_) on_failure_(agent);
  return PeerAnswer{false, nullptr, last_error, last_status};
}

std::string url_encode(const std::string& value) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace reporting
