#include "runtime/dispatcher.hpp"

#include <charconv>
#include <condition_variable>
#include <mutex>
#include <random>

#include "runtime/host_api.hpp"
#include "runtime/host_log.hpp"
#include "runtime/request_auth.hpp"
#include "runtime/route_match.hpp"
#include "runtime/text_boundary.hpp"

namespace agent_host::runtime {
namespace {

std::string random_hex(size_t digits) {
  static const char* kHex = "0123456789abcdef";
  std::random_device device;
  std::mt19937_64 generator(device());
  std::string out;
  for (size_t i = 0; i < digits; ++i) out.push_back(kHex[generator() % 16]);
  return out;
}

// A request id from the caller is kept when it is short and printable.
bool usable_request_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

}  // namespace

Dispatcher::Dispatcher(const PluginSet& plugins, HostEndpoints& endpoints, const ApiKeys& api_keys,
                       metrics::HostMetrics& metrics)
    : plugins_(plugins),
      endpoints_(endpoints),
      api_keys_(api_keys),
      metrics_(metrics),
      request_id_prefix_(random_hex(8)) {}

void Dispatcher::dispatch(HttpRequest& request, Completion done) {
  const auto began = std::chrono::steady_clock::now();
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  requests_started_.fetch_add(1, std::memory_order_relaxed);
  assign_request_id(request);
  auto snap = plugins_.current();
  HttpResponse response;
  bool handled = false;
  try {
    static const PluginSnapshot kEmpty;
    response = endpoints_.answer(snap ? *snap : kEmpty, request, handled);
    if (!handled && snap) {
      std::optional<HttpResponse> now = dispatch_plugin(*snap, request, done, began);
      if (!now) return;  // deferred: its DeferredResponse completes `done`
      response = std::move(*now);
    } else if (!handled) {
      response =
          json_error(503, "unavailable", "the host is not serving plugins (starting or stopping)",
                     request.request_id);
    }
  } catch (const std::exception& e) {
    response = json_error(500, "internal",
                          "the host failed to answer; see the log line with this request_id",
                          request.request_id);
    host_log(AH_LOG_ERROR, "request failed in the host",
             {{"request_id", request.request_id}, {"error", e.what()}, {"path", request.path}});
  }
  if (!response.series && response.route.empty())
    response.route = handled ? request.path : "unmatched";
  conclude(response,
           RequestFacts{began, request.request_id, request.method, {}, request.in_process});
  done(std::move(response));
}

std::string Dispatcher::next_request_id() {
  char counter[17];
  const auto end =
      std::to_chars(counter, counter + sizeof counter, request_counter_.fetch_add(1) + 1, 16).ptr;
  std::string id;
  id.reserve(request_id_prefix_.size() + 1 + (end - counter));
  id.assign(request_id_prefix_).append(1, '-').append(counter, end);
  return id;
}

void Dispatcher::assign_request_id(HttpRequest& request) {
  if (usable_request_id(request.request_id)) return;
  const std::string* incoming = request.header("x-request-id");
  if (incoming && usable_request_id(*incoming)) {
    request.request_id = *incoming;
    return;
  }
  request.request_id = next_request_id();
}

HttpResponse Dispatcher::dispatch(HttpRequest& request) {
  // Shared with the completion, which may come from another thread after
  // this caller has been woken.
  struct Wait {
    std::mutex mutex;
    std::condition_variable answered;
    std::optional<HttpResponse> response;
  };
  auto wait = std::make_shared<Wait>();
  dispatch(request, [wait](HttpResponse response) {
    std::lock_guard<std::mutex> lock(wait->mutex);
    wait->response = std::move(response);
    wait->answered.notify_one();
  });
  std::unique_lock<std::mutex> lock(wait->mutex);
  wait->answered.wait(lock, [&] { return wait->response.has_value(); });
  return std::move(*wait->response);
}

void Dispatcher::conclude(HttpResponse& response, const RequestFacts& facts) {
  response.headers.emplace_back("x-request-id", facts.request_id);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - facts.began).count();
  if (!facts.in_process) {
    if (response.series)
      response.series->record(response.status, seconds);
    else
      metrics_.route(response.plugin, response.route, facts.method)
          .record(response.status, seconds);
  }
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
}

HttpResponse Dispatcher::handler_failed(PluginSlot& slot, const RequestFacts& facts,
                                        const std::string& error, metrics::RouteSeries* series) {
  metrics_.plugin_failure(slot.name());
  host_log(AH_LOG_ERROR, "plugin handler failed",
           {{"plugin", slot.name()},
            {"route", facts.route},
            {"method", facts.method},
            {"request_id", facts.request_id},
            {"error", error}});
  HttpResponse response = json_error(
      500, "internal",
      "the " + slot.name() + " plugin failed to answer; see the log line with this request_id",
      facts.request_id);
  response.plugin = slot.name();
  response.route = facts.route;
  response.series = series;
  return response;
}

bool Dispatcher::answers_inline(const HttpRequest& request) const {
  if (HostEndpoints::runs_job(request)) return false;
  auto snap = plugins_.current();
  if (!snap) return true;  // 503 at once
  const PluginSlot* slot = plugin_for(snap->plugins, request.path);
  if (!slot) return true;              // host endpoint or 404
  thread_local router::Params params;  // only which route matters here
  const Route* route =
      match_route(*slot, request.method, path_below_prefix(request.path, *slot), params);
  return !route || route->non_blocking;  // 404 and 405 are answered at once
}

std::optional<HttpResponse> Dispatcher::dispatch_plugin(
    const PluginSnapshot& snap, HttpRequest& request, Completion& done,
    std::chrono::steady_clock::time_point began) {
  PluginSlot* slot = plugin_for(snap.plugins, request.path);
  if (!slot)
    return json_error(404, "not_found", "no route for " + request.path, request.request_id);
  HttpResponse response;
  response.plugin = slot->name();  // before the handler: a deferral takes the response
  const std::string_view relative = path_below_prefix(request.path, *slot);
  router::Params params;
  const Route* route = match_route(*slot, request.method, relative, params);
  // Matched before the key check: a route flagged AH_ROUTE_NO_API_KEY (a web
  // page a browser loads before its user can enter a key) needs none. Misses
  // still ask for a key, so a 404/405 tells nothing to a caller without one.
  if (!(route && route->without_api_key) && !authorized(api_keys_, request)) {
    response = unauthorized(request);
    response.headers.emplace_back("www-authenticate", "Bearer");
  } else {
    if (!route) {
      response = route_missed(*slot, request, relative);
    } else {
      // The series carries the route label; the text is spelled out only for
      // a failure's log line.
      response.series = route->series;
      const router::Params query = router::parse_query(request.query);
      if (auto refused = refuse_invalid_text(request, params, query)) {
        response = std::move(*refused);
        response.series = route->series;
      } else {
        HandlerCall call{this, slot, &done, &request, &route->pattern.text(), began};
        std::string error;
        const ah_status status =
            call_route_handler(*route, request, params, query, call, response, error);
        if (call.deferred) return std::nullopt;  // the plugin finishes it (DeferredResponse)
        if (status != AH_OK) response = handler_failed(*slot, call.facts(), error, response.series);
      }
    }
  }
  if (response.plugin.empty()) response.plugin = slot->name();
  return response;
}

HttpResponse Dispatcher::route_missed(const PluginSlot& slot, const HttpRequest& request,
                                      std::string_view relative) const {
  const std::set<std::string> allowed = allowed_methods(slot, relative);
  if (allowed.empty())
    return json_error(404, "not_found", "no route for " + request.method + " " + request.path,
                      request.request_id);
  std::string allow;
  for (const auto& method : allowed) allow += (allow.empty() ? "" : ", ") + method;
  HttpResponse response =
      json_error(405, "method_not_allowed",
                 request.method + " is not allowed on " + request.path + "; allowed: " + allow,
                 request.request_id);
  response.headers.emplace_back("allow", allow);
  return response;
}

}  // namespace agent_host::runtime
