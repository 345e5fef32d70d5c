#include "runtime/host_endpoints.hpp"

#include <algorithm>

#include "runtime/docs_files.hpp"
#include "runtime/openapi_document.hpp"
#include "runtime/request_auth.hpp"
#include "runtime/runtime.hpp"

namespace agent_host::runtime {
namespace {

// Host endpoint that runs a plugin's job: /jobs/{plugin}/{job}.
constexpr std::string_view kJobsPrefix = "/jobs/";

bool reads(const HttpRequest& request) {
  return request.method == "GET" || request.method == "HEAD";
}

// <prefix>/health of a served plugin: the host's /health where an Ingress
// routes only the plugins' prefixes (the console's Health page reads it).
bool plugin_health_path(const PluginSnapshot& snap, std::string_view path) {
  if (path.size() <= kHealthPath.size() ||
      path.substr(path.size() - kHealthPath.size()) != kHealthPath)
    return false;
  const std::string_view prefix = path.substr(0, path.size() - kHealthPath.size());
  return std::any_of(snap.plugins.begin(), snap.plugins.end(),
                     [&](const auto& slot) { return slot->prefix() == prefix; });
}

}  // namespace

bool HostEndpoints::runs_job(const HttpRequest& request) {
  return request.path.rfind(kJobsPrefix, 0) == 0;
}

HttpResponse HostEndpoints::answer(const PluginSnapshot& snap, HttpRequest& request,
                                   bool& handled) {
  handled = true;
  const std::string& path = request.path;
  if (path == "/openapi.json" && reads(request)) return openapi(snap);
  // index.html too: the stock one loads an initializer pointing at the petstore.
  if ((path == "/docs" || path == "/docs/" || path == "/docs/index.html") && reads(request))
    return docs_page(request);
  if (path.rfind("/docs/", 0) == 0 && reads(request)) {
    HttpResponse response = docs_file(path.substr(6), request);
    response.route = "/docs/{file}";  // bounded label values, whatever is asked for
    return response;
  }
  if (runs_job(request)) {
    HttpResponse response = jobs_endpoint(path.substr(kJobsPrefix.size()), request);
    response.route = "/jobs/{plugin}/{job}";
    return response;
  }
  if (reads(request) && plugin_health_path(snap, path)) {
    HttpResponse response = health();
    response.route = "/{prefix}/health";
    return response;
  }
  return probe(request, handled);
}

// Liveness, readiness and health.
HttpResponse HostEndpoints::probe(const HttpRequest& request, bool& handled) const {
  const std::string& path = request.path;
  const std::string& service = runtime_.config().service;
  if (path == "/healthz" && reads(request))
    return json_response(200, {{"status", "alive"}, {"service", service}});
  if (path == "/readyz" && reads(request)) {
    const bool is_ready = runtime_.ready();
    return json_response(is_ready ? 200 : 503, {{"ready", is_ready},
                                                {"status", is_ready              ? "ready"
                                                           : runtime_.draining() ? "draining"
                                                                                 : "not ready"},
                                                {"service", service}});
  }
  if (path == kHealthPath && reads(request)) return health();
  handled = false;
  return {};
}

HttpResponse HostEndpoints::health() const {
  nlohmann::json body = runtime_.health();
  return json_response(body["status"] == "failing" ? 503 : 200, body);
}

HttpResponse HostEndpoints::openapi(const PluginSnapshot& snap) const {
  std::call_once(snap.openapi->built, [&] {
    std::vector<DocumentedPlugin> plugins;
    std::vector<DocumentedRoute> routes;
    for (const auto& slot : snap.plugins) {
      const char* description = slot->descriptor().description;
      plugins.push_back({slot->name(), description ? description : "", slot->prefix()});
      for (const auto& route : slot->routes())
        routes.push_back(
            {slot->name(), router::public_path(slot->prefix(), route.pattern.text()), &route});
    }
    snap.openapi->text =
        openapi_document(plugins, routes,
                         {runtime_.config().service, runtime_.version(), api_keys_.enabled()})
            .dump();
  });
  HttpResponse response;
  response.body = snap.openapi->text;
  return response;
}

HttpResponse HostEndpoints::jobs_endpoint(const std::string& rest, HttpRequest& request) {
  const auto slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 >= rest.size())
    return json_error(404, "not_found", "job endpoints are POST /jobs/<plugin>/<job>",
                      request.request_id);
  if (request.method != "POST") {
    auto response =
        json_error(405, "method_not_allowed", "jobs are triggered with POST", request.request_id);
    response.headers.emplace_back("allow", "POST");
    return response;
  }
  return run_job(rest.substr(0, slash), rest.substr(slash + 1), request);
}

HttpResponse HostEndpoints::run_job(const std::string& plugin, const std::string& job,
                                    HttpRequest& request) {
  if (!authorized(api_keys_, request)) return unauthorized(request);
  const auto names = jobs_.names(plugin);
  if (std::find(names.begin(), names.end(), job) == names.end()) {
    std::string known;
    for (const auto& name : names) known += (known.empty() ? "" : ", ") + name;
    return json_error(404, "not_found",
                      "no job \"" + job + "\" in plugin \"" + plugin +
                          "\" (jobs: " + (known.empty() ? "none" : known) + ")",
                      request.request_id);
  }
  const auto began = std::chrono::steady_clock::now();
  std::string error;
  const bool ok = jobs_.run(plugin, job, std::chrono::system_clock::now(), error);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  if (!ok)
    return json_error(500, "job_failed", error, request.request_id, {},
                      {{"plugin", plugin}, {"job", job}});
  return json_response(200, {{"plugin", plugin}, {"job", job}, {"ok", true}, {"seconds", seconds}});
}

}  // namespace agent_host::runtime
