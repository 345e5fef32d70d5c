// Answers for requests the HTTP server refused before they could be
// dispatched: the same JSON shape, request id and metrics as any other answer.
#include <array>
#include <string_view>

#include "metrics/host_metrics.hpp"
#include "runtime/dispatcher.hpp"

namespace agent_host::runtime {
namespace {

// A client chooses the method of a refused request: anything but a standard
// one is counted as "other", so the metric's label set stays small.
std::string method_label(const std::string& method) {
  static constexpr std::array<std::string_view, 9> kStandard = {
      "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  for (const auto standard : kStandard)
    if (method == standard) return method;
  return method.empty() ? "unknown" : "other";
}

}  // namespace

HttpResponse Dispatcher::refuse(int status, const std::string& code, const std::string& message,
                                const std::string& field, const std::string& method) {
  const std::string request_id = next_request_id();
  HttpResponse response = json_error(status, code, message, request_id, field);
  response.headers.emplace_back("x-request-id", request_id);
  metrics_.route("host", "unparsed", method_label(method)).record(status, 0.0);
  return response;
}

}  // namespace agent_host::runtime
