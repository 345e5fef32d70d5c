// Request dispatch: gives each request its id, answers it from the host's own
// endpoints or the plugin route it names (or 401, 404, 405, 503), and
// concludes it: the request id header, metrics and the in-flight count.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "metrics/host_metrics.hpp"
#include "runtime/api_keys.hpp"
#include "runtime/deferred_response.hpp"
#include "runtime/host_endpoints.hpp"
#include "runtime/http_types.hpp"
#include "runtime/plugin_set.hpp"

namespace agent_host::runtime {

class Dispatcher {
 public:
  Dispatcher(const PluginSet& plugins, HostEndpoints& endpoints, const ApiKeys& api_keys,
             metrics::HostMetrics& metrics);

  // Never throws. `done` gets the response exactly once: before this returns,
  // or later from another thread when the handler deferred it.
  void dispatch(HttpRequest& request, Completion done);
  // The same, waiting for the response.
  HttpResponse dispatch(HttpRequest& request);
  // Whether the network thread that read `request` may answer it itself.
  bool answers_inline(const HttpRequest& request) const;
  // The JSON answer to a request refused before dispatch, with a fresh id.
  HttpResponse refuse(int status, const std::string& code, const std::string& message,
                      const std::string& field, const std::string& method);

  // The end of every request, now or deferred.
  void conclude(HttpResponse& response, const RequestFacts& facts);
  // Logs and counts a handler's failure; the 500 the client gets instead.
  HttpResponse handler_failed(PluginSlot& slot, const RequestFacts& facts, const std::string& error,
                              metrics::RouteSeries* series);

  std::size_t in_flight() const { return in_flight_.load(); }
  std::uint64_t requests_started() const { return requests_started_.load(); }

 private:
  // The client's X-Request-Id when usable, else ours.
  void assign_request_id(HttpRequest& request);
  std::string next_request_id();
  // The plugin's response, or nullopt when its handler deferred it.
  std::optional<HttpResponse> dispatch_plugin(const PluginSnapshot& snap, HttpRequest& request,
                                              Completion& done,
                                              std::chrono::steady_clock::time_point began);
  HttpResponse route_missed(const PluginSlot& slot, const HttpRequest& request,
                            std::string_view relative) const;

  const PluginSet& plugins_;
  HostEndpoints& endpoints_;
  const ApiKeys& api_keys_;
  metrics::HostMetrics& metrics_;
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<std::uint64_t> requests_started_{0};
  std::atomic<std::uint64_t> request_counter_{0};
  std::string request_id_prefix_;
};

}  // namespace agent_host::runtime
