// The web console (docs/console.md): a page and its static files for the
// people the agents work for. The page calls the agents' own APIs (/task,
// /workflow, /reporting) from the browser with the user's API key, so this
// plugin holds no data and no key; it only serves files, and those need no
// key (RouteDoc::without_api_key) because the page must load before its user
// can type one.
#include <agent_host/sdk.hpp>
#include <map>
#include <string>
#include <string_view>

#include "assets.hpp"

namespace {

constexpr const char* kConfigSchema = R"({
  "type": "object",
  "additionalProperties": false,
  "properties": {}
})";

// No inline script and no eval: every script is a file of this plugin. Inline
// styles are allowed for one reason: a stored HTML report is self-contained
// (inline CSS and SVG) and is shown in a sandboxed frame, which inherits this
// policy; the frame runs no script (sandbox without allow-scripts).
constexpr const char* kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

std::string content_type(std::string_view name) {
  const auto dot = name.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  return "text/plain; charset=utf-8";  // the licence files
}

agent_host::Response file_response(const console::Asset& asset) {
  agent_host::Response response =
      agent_host::Response::text(std::string(asset.bytes), 200, content_type(asset.name));
  response.header("Content-Security-Policy", kPolicy);
  response.header("X-Content-Type-Options", "nosniff");
  response.header("Referrer-Policy", "no-referrer");
  // Revalidated on every load: a new plugin version must never pair an old
  // app.js with a new page; the files are small.
  response.header("Cache-Control", "no-cache");
  return response;
}

class Console : public agent_host::Plugin {
 public:
  Console(agent_host::Host& host, const nlohmann::json&) : Plugin(host) {
    for (const auto& asset : console::assets()) files_.emplace(asset.name, &asset);
    host.route(
        "GET", "/",
        agent_host::RouteDoc{"The web console's page"}
            .id("consolePage")
            .describe("The console (docs/console.md). It asks for an API key itself when the "
                      "agents' APIs need one.")
            .responds(200, "The page", {{"type", "string"}}, "text/html")
            .responds(308, "The same page at the prefix with a trailing slash")
            .without_api_key(),
        [this](const agent_host::Request& request) { return page(request); },
        agent_host::RouteMode::non_blocking);
    host.route(
        "GET", "/assets/{file}",
        agent_host::RouteDoc{"A static file of the web console"}
            .id("consoleAsset")
            .path_param("file", {{"type", "string"}, {"maxLength", 64}}, "The file's name")
            .responds(200, "A script", {{"type", "string"}}, "text/javascript")
            .responds(200, "The stylesheet", {{"type", "string"}}, "text/css")
            .responds(200, "A licence text", {{"type", "string"}}, "text/plain")
            .responds(404, "No such file")
            .without_api_key(),
        [this](const agent_host::Request& request) { return asset(request); },
        agent_host::RouteMode::non_blocking);
  }

 private:
  agent_host::Response page(const agent_host::Request& request) const {
    // The page's links are relative (assets/app.js), so it must be served at
    // "<prefix>/": "/console" would resolve them against "/".
    const std::string_view path = request.path();
    if (path.empty() || path.back() != '/')
      return agent_host::Response::text("", 308).header("Location", std::string(path) + "/");
    return file_response(*files_.at("index.html"));
  }

  agent_host::Response asset(const agent_host::Request& request) const {
    const std::string name = request.param("file");
    const auto found = files_.find(name);
    if (found == files_.end() || name == "index.html")
      throw agent_host::HttpError(404, "not_found", "the console has no file '" + name + "'",
                                  "file");
    return file_response(*found->second);
  }

  std::map<std::string_view, const console::Asset*> files_;
};

}  // namespace

AGENT_HOST_PLUGIN(Console, "console", "1.0.0", "/console",
                  "The web console: tasks, workflows, reports and health in a browser",
                  kConfigSchema)
