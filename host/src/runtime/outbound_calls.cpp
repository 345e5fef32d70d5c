#include "runtime/outbound_calls.hpp"

namespace agent_host::runtime {
namespace {

void split_target(const std::string& target, std::string& path, std::string& query) {
  const auto question = target.find('?');
  path = target.substr(0, question);
  query = question == std::string::npos ? std::string() : target.substr(question + 1);
}

HeaderList lower_headers(const ah_http_call& call) {
  HeaderList headers;
  for (size_t i = 0; i < call.header_count; ++i) {
    std::string name = to_string(call.headers[i].name);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    headers.emplace_back(std::move(name), to_string(call.headers[i].value));
  }
  return headers;
}

}  // namespace

ah_status OutboundCalls::agent_call(PluginSlot& caller, const ah_http_call& call,
                                    HttpResponse& response, std::string& error) {
  const std::string agent = to_string(call.agent);
  const std::string target = to_string(call.path);
  if (target.empty() || target.front() != '/') {
    error = "agent call to \"" + agent + "\": path \"" + target + "\" must start with '/'";
    return AH_ERR_INVALID_ARGUMENT;
  }
  HttpRequest request;
  request.method = to_string(call.method);
  if (request.method.empty()) request.method = "GET";
  split_target(target, request.path, request.query);
  request.headers = lower_headers(call);
  request.headers.emplace_back("x-agent-caller", caller.name());
  request.body = to_string(call.body);
  request.in_process = true;

  // While the host is starting, the agent (or the peer list) is not served
  // yet: wait for it, within the call's own time, rather than fail a run
  // that a plugin resumed from its start().
  const std::chrono::milliseconds patience(call.timeout_ms ? call.timeout_ms
                                                           : config_.peer_timeout_ms);
  auto snap = plugins_.served(patience);
  std::string base;
  if (snap) {
    if (auto slot = snap->find(agent)) {
      request.path = slot->prefix() + (request.path == "/" ? "" : request.path);
      response = dispatcher_.dispatch(request);
      return AH_OK;
    }
    if (auto peer = snap->peers.find(agent); peer != snap->peers.end()) base = peer->second;
  }
  if (base.empty()) return network_.call_agent(request, agent, response, error);
  return call_peer(agent, base, call, std::move(request), response, error);
}

ah_status OutboundCalls::call_peer(const std::string& agent, const std::string& base,
                                   const ah_http_call& call, HttpRequest request,
                                   HttpResponse& response, std::string& error) {
  http::Request outbound;
  outbound.method = std::move(request.method);
  outbound.url = base + to_string(call.path);
  outbound.headers = std::move(request.headers);
  if (api_keys_.enabled())
    outbound.headers.emplace_back("authorization", "Bearer " + api_keys_.own_key());
  outbound.body = std::move(request.body);
  outbound.timeout =
      std::chrono::milliseconds(call.timeout_ms ? call.timeout_ms : config_.peer_timeout_ms);
  const ah_status status = send_http(peers_, std::move(outbound), response, error);
  if (status != AH_OK) error = "agent \"" + agent + "\" at " + base + " did not answer: " + error;
  return status;
}

ah_status OutboundCalls::http_request(const ah_http_call& call, HttpResponse& response,
                                      std::string& error) {
  http::Request request;
  request.method = to_string(call.method);
  if (request.method.empty()) request.method = "GET";
  request.url = to_string(call.url);
  request.headers = lower_headers(call);
  request.body = to_string(call.body);
  if (call.timeout_ms) request.timeout = std::chrono::milliseconds(call.timeout_ms);
  return network_.send(std::move(request), response, error);
}

}  // namespace agent_host::runtime
