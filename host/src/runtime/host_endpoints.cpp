// The host's own endpoints: health, readiness, API docs and the job trigger.
#include <fstream>
#include <sstream>

#include "loader/plugin_library.hpp"
#include "runtime/openapi_document.hpp"
#include "runtime/runtime.hpp"

namespace agent_host::runtime {
namespace {

HttpResponse text_response(int status, std::string body, std::string content_type) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  return response;
}

// Swagger UI from npm's swagger-ui-dist, installed with the product.
std::filesystem::path swagger_ui_directory() {
  static const std::filesystem::path found = [] {
    std::vector<std::filesystem::path> candidates;
    for (const auto& dir : loader::default_plugin_directories()) {
      candidates.push_back(dir / "swagger-ui");
      candidates.push_back(dir / ".." / "share" / "agent-host" / "swagger-ui");
    }
    candidates.emplace_back("/usr/share/agent-host/swagger-ui");
    for (const auto& candidate : candidates) {
      std::error_code error;
      if (std::filesystem::exists(candidate / "swagger-ui-bundle.js", error)) return candidate;
    }
    return std::filesystem::path();
  }();
  return found;
}

bool safe_file_name(const std::string& name) {
  if (name.empty() || name.front() == '.') return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'))
      return false;
  return true;
}

std::string content_type_of(const std::string& name) {
  auto ends = [&](const char* suffix) {
    const std::string s(suffix);
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  if (ends(".js")) return "application/javascript";
  if (ends(".css")) return "text/css";
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".png")) return "image/png";
  if (ends(".map") || ends(".json")) return "application/json";
  return "application/octet-stream";
}

// Everything from /docs/ of this host; validatorUrl null: Swagger UI's default
// sends the spec's URL to validator.swagger.io and shows its badge.
const char* kDocsPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Agent Host API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", validatorUrl: null});</script>
</body></html>
)";

}  // namespace

HttpResponse Runtime::host_endpoint(const Snapshot& snap, HttpRequest& request, bool& handled) {
  handled = true;
  const std::string& path = request.path;
  const bool read = request.method == "GET" || request.method == "HEAD";
  if (path == "/healthz" && read)
    return json_response(200, {{"status", "alive"}, {"service", config_.service}});
  if (path == "/readyz" && read) {
    const bool is_ready = ready();
    return json_response(is_ready ? 200 : 503, {{"ready", is_ready},
                                                {"status", is_ready    ? "ready"
                                                           : draining_ ? "draining"
                                                                       : "not ready"},
                                                {"service", config_.service}});
  }
  if (path == "/health" && read) {
    nlohmann::json body = health();
    return json_response(body["status"] == "failing" ? 503 : 200, body);
  }
  if (path == "/openapi.json" && read) {
    HttpResponse response;
    std::call_once(snap.openapi->built, [&] { snap.openapi->text = build_openapi(snap); });
    response.body = snap.openapi->text;
    return response;
  }
  // index.html too: the stock one loads an initializer pointing at the petstore.
  if ((path == "/docs" || path == "/docs/" || path == "/docs/index.html") && read) {
    if (swagger_ui_directory().empty())
      return json_error(404, "not_found",
                        "Swagger UI files are not installed; run tools/fetch-swagger-ui.sh and "
                        "rebuild, or read /openapi.json",
                        request.request_id);
    return text_response(200, kDocsPage, "text/html; charset=utf-8");
  }
  if (path.rfind("/docs/", 0) == 0 && read) {
    HttpResponse response = docs_file(path.substr(6), request);
    response.route = "/docs/{file}";  // bounded label values, whatever is asked for
    return response;
  }
  if (path.rfind(kJobsPrefix, 0) == 0) {
    HttpResponse response = jobs_endpoint(snap, path.substr(kJobsPrefix.size()), request);
    response.route = "/jobs/{plugin}/{job}";
    return response;
  }
  handled = false;
  return {};
}

HttpResponse Runtime::docs_file(const std::string& name, const HttpRequest& request) const {
  const auto dir = swagger_ui_directory();
  if (dir.empty() || !safe_file_name(name))
    return json_error(404, "not_found", "no such documentation file: " + name, request.request_id);
  std::ifstream in(dir / name, std::ios::binary);
  if (!in)
    return json_error(404, "not_found", "no such documentation file: " + name, request.request_id);
  std::ostringstream body;
  body << in.rdbuf();
  auto response = text_response(200, body.str(), content_type_of(name));
  response.headers.emplace_back("cache-control", "public, max-age=3600");
  return response;
}

HttpResponse Runtime::jobs_endpoint(const Snapshot& snap, const std::string& rest,
                                    HttpRequest& request) {
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
  return run_job_endpoint(snap, rest.substr(0, slash), rest.substr(slash + 1), request);
}

HttpResponse Runtime::run_job_endpoint(const Snapshot&, const std::string& plugin,
                                       const std::string& job, HttpRequest& request) {
  if (!request.in_process && api_keys_.enabled()) {
    const std::string* authorization = request.header("authorization");
    if (!authorization || !api_keys_.accepts(*authorization))
      return json_error(401, "unauthorized",
                        "send a valid API key as 'Authorization: Bearer <key>'",
                        request.request_id);
  }
  const auto names = job_names(plugin);
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
  const bool ok = run_job(plugin, job, std::chrono::system_clock::now(), error);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  if (!ok)
    return json_error(500, "job_failed", error, request.request_id, {},
                      {{"plugin", plugin}, {"job", job}});
  return json_response(200, {{"plugin", plugin}, {"job", job}, {"ok", true}, {"seconds", seconds}});
}

std::string Runtime::build_openapi(const Snapshot& snap) const {
  std::vector<DocumentedPlugin> plugins;
  std::vector<DocumentedRoute> routes;
  for (const auto& slot : snap.plugins) {
    const char* description = slot->descriptor().description;
    plugins.push_back({slot->name(), description ? description : ""});
    for (const auto& route : slot->routes())
      routes.push_back(
          {slot->name(), router::public_path(slot->prefix(), route.pattern.text()), &route});
  }
  return openapi_document(plugins, routes, {config_.service, options_.version, api_keys_.enabled()})
      .dump();
}

}  // namespace agent_host::runtime
