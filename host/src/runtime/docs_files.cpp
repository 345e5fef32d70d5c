#include "runtime/docs_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "loader/plugin_library.hpp"

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

HttpResponse docs_page(const HttpRequest& request) {
  if (swagger_ui_directory().empty())
    return json_error(404, "not_found",
                      "Swagger UI files are not installed; run tools/fetch-swagger-ui.sh and "
                      "rebuild, or read /openapi.json",
                      request.request_id);
  return text_response(200, kDocsPage, "text/html; charset=utf-8");
}

HttpResponse docs_file(const std::string& name, const HttpRequest& request) {
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

}  // namespace agent_host::runtime
