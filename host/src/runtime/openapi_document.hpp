// /openapi.json: the plugins' routes as they declared them (ah_route), merged
// with what the host itself answers (its error body, 401 with API keys, 413
// for bodies over http.max_request_bytes) and the host's own endpoints.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace agent_host::runtime {

struct Route;

// One plugin route and where clients reach it.
struct DocumentedRoute {
  std::string plugin;  // tags the operation
  std::string path;    // public path, e.g. "/task/tasks/{id}" (router::public_path)
  const Route* route;
};

struct DocumentedPlugin {
  std::string name;
  std::string description;
  std::string prefix;  // where its routes and its <prefix>/health are served
};

struct OpenApiContext {
  std::string service;
  std::string version;    // the product's, e.g. "0.1.0"
  bool api_keys = false;  // auth on: a bearer scheme on every plugin route and /jobs
};

// The OpenAPI 3.1 document. Plugins' schemas are JSON Schema, which 3.1 takes
// as they are (a type list with "null" included), so nothing is rewritten.
// operationIds are unique: a plugin's that clashes with an earlier one gets the
// plugin's name in front.
nlohmann::json openapi_document(const std::vector<DocumentedPlugin>& plugins,
                                const std::vector<DocumentedRoute>& routes,
                                const OpenApiContext& context);

}  // namespace agent_host::runtime
