// Who may call a plugin route or trigger a job: in-process callers, anyone when
// no API keys are configured, else a client presenting one of the keys.
#pragma once

#include "runtime/api_keys.hpp"
#include "runtime/http_types.hpp"

namespace agent_host::runtime {

inline bool authorized(const ApiKeys& keys, const HttpRequest& request) {
  if (request.in_process || !keys.enabled()) return true;
  const std::string* authorization = request.header("authorization");
  return authorization && keys.accepts(*authorization);
}

// The 401 for a request authorized() refuses.
inline HttpResponse unauthorized(const HttpRequest& request) {
  return json_error(401, "unauthorized", "send a valid API key as 'Authorization: Bearer <key>'",
                    request.request_id);
}

}  // namespace agent_host::runtime
