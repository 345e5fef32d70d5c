// The host's own view of one HTTP exchange, independent of the HTTP library,
// so the same dispatch serves the network, in-process agent calls and the fake
// host. The wire layer reads requests into it; the runtime answers with it
// (runtime/http_types.hpp names these types there).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace agent_host::metrics {
class RouteSeries;
}

namespace agent_host::http_wire {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;
  std::string path;    // without the query
  std::string query;   // raw, without '?'
  HeaderList headers;  // names lower-case
  std::string body;
  std::string request_id;  // empty: the host assigns one
  bool in_process = false;
  std::string remote;  // peer address, for logs

  const std::string* header(const std::string& lower_name) const {
    for (const auto& [name, value] : headers)
      if (name == lower_name) return &value;
    return nullptr;
  }
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  std::string content_type = "application/json";
  // For metrics and logs: who answered and which route pattern matched.
  std::string plugin = "host";
  std::string route;
  // The matched route's metric series, resolved once at registration so the
  // request path takes no lock; null when no plugin route matched.
  metrics::RouteSeries* series = nullptr;
};

// The one JSON error shape every host-made error uses (the SDK's HttpError
// writes the same): {"error":{"status","code","message",["field"]},"request_id"}.
inline HttpResponse json_error(int status, const std::string& code, const std::string& message,
                               const std::string& request_id, const std::string& field = {},
                               const nlohmann::json& extra = nullptr) {
  nlohmann::json error = {{"status", status}, {"code", code}, {"message", message}};
  if (!field.empty()) error["field"] = field;
  if (extra.is_object()) error.update(extra);
  HttpResponse response;
  response.status = status;
  response.body = nlohmann::json{{"error", error}, {"request_id", request_id}}.dump();
  return response;
}

inline HttpResponse json_response(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

}  // namespace agent_host::http_wire
