// GETs from another agent with retries; failures become an answer with an
// error text instead of an exception, so one peer cannot sink a report.
#pragma once

#include <agent_host/sdk.hpp>
#include <functional>
#include <string>

namespace reporting {

struct PeerAnswer {
  bool ok = false;
  nlohmann::json body;  // the parsed JSON answer when ok
  std::string error;    // why not, when !ok
  int status = 0;       // HTTP status of the last answer (0: none came)
};

struct RetryPolicy {
  int retries = 2;         // extra attempts after the first
  int backoff_ms = 250;    // doubled after each failed attempt
  int timeout_ms = 10000;  // per attempt
};

class PeerClient {
 public:
  // `on_failure(agent)` runs once per call that failed after all attempts.
  PeerClient(agent_host::Host& host, RetryPolicy policy,
             std::function<void(const std::string& agent)> on_failure);

  // GET `path` (relative to the agent's prefix, with query). Retries when no
  // answer came, on 5xx and 429; a 4xx other than 429 is final.
  PeerAnswer get(const std::string& agent, const std::string& path) const;

 private:
  agent_host::Host& host_;
  RetryPolicy policy_;
  std::function<void(const std::string&)> on_failure_;
};

// Percent-encodes a query parameter value.
std::string url_encode(const std::string& value);

}  // namespace reporting
