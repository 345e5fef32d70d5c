#include "runtime/openapi_document.hpp"

#include <cctype>
#include <set>

#include "runtime/plugin_slot.hpp"

namespace agent_host::runtime {
namespace {

using nlohmann::json;

const json kErrorRef = {{"$ref", "#/components/schemas/Error"}};

json error_content() {
  return {{"application/json", {{"schema", kErrorRef}}}};
}

json error_response(const std::string& description) {
  return {{"description", description}, {"content", error_content()}};
}

// The body of every error the host or the SDK writes (http_types.hpp json_error).
json error_schema() {
  return {{"type", "object"},
          {"required", {"error", "request_id"}},
          {"properties",
           {{"error",
             {{"type", "object"},
              {"required", {"status", "code", "message"}},
              {"properties",
               {{"status", {{"type", "integer"}, {"minimum", 400}, {"maximum", 599}}},
                {"code", {{"type", "string"}}},
                {"message", {{"type", "string"}}},
                {"field", {{"type", "string"}}}}}}},
            {"request_id", {{"type", "string"}}}}}};
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "post" + "/task/tasks/{id}/transitions" -> "postTaskTasksIdTransitions".
std::string camel_id(const std::string& first, const std::string& rest) {
  std::string id = lower(first);
  bool upper = true;
  for (char c : rest) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      upper = true;
      continue;
    }
    id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return id;
}

json path_parameters(const std::string& path) {
  json parameters = json::array();
  for (size_t start = path.find('{'); start != std::string::npos;
       start = path.find('{', start + 1)) {
    const auto end = path.find('}', start);
    parameters.push_back({{"name", path.substr(start + 1, end - start - 1)},
                          {"in", "path"},
                          {"required", true},
                          {"schema", {{"type", "string"}}}});
  }
  return parameters;
}

// A declared parameter replaces the derived one with the same name and `in`.
void merge_parameters(json& parameters, const json& declared) {
  for (const auto& parameter : declared) {
    bool replaced = false;
    for (auto& existing : parameters)
      if (existing["name"] == parameter.value("name", "") &&
          existing["in"] == parameter.value("in", "")) {
        existing = parameter;
        replaced = true;
      }
    if (!replaced) parameters.push_back(parameter);
  }
}

bool is_error_status(const std::string& status) {
  return !status.empty() && (status[0] == '4' || status[0] == '5');
}

json plugin_operation(const DocumentedRoute& documented, bool api_keys) {
  const Route& route = *documented.route;
  const json& declared = route.openapi.is_object() ? route.openapi : json::object();
  json operation = {{"summary", route.summary}, {"tags", {documented.plugin}}};
  operation["operationId"] = declared.value("operationId", camel_id(route.method, documented.path));
  if (declared.contains("description")) operation["description"] = declared["description"];

  json parameters = path_parameters(documented.path);
  if (declared.contains("parameters")) merge_parameters(parameters, declared["parameters"]);
  if (!parameters.empty()) operation["parameters"] = parameters;

  // A JSON Schema for the body makes it required unless the plugin says otherwise.
  json body = {{"content", json::object()}};
  if (route.request_schema.is_object())
    body = {{"required", true},
            {"content", {{"application/json", {{"schema", route.request_schema}}}}}};
  if (declared.contains("requestBody")) body.update(declared["requestBody"], true);
  if (!body["content"].empty()) operation["requestBody"] = body;

  json responses;
  if (declared.contains("responses")) {
    responses = declared["responses"];
  } else {
    json ok = {{"description", "Success"}};
    if (route.response_schema.is_object())
      ok["content"] = {{"application/json", {{"schema", route.response_schema}}}};
    responses["200"] = ok;
  }
  for (auto& [status, response] : responses.items())
    if (is_error_status(status) && !response.contains("content"))
      response["content"] = error_content();
  // What the host answers before or instead of the handler.
  // A route open without a key (AH_ROUTE_NO_API_KEY) overrides the document's
  // global bearer requirement, and the host never answers it 401.
  if (api_keys && route.without_api_key) operation["security"] = json::array();
  if (api_keys && !route.without_api_key && !responses.contains("401"))
    responses["401"] = error_response("No valid API key (Authorization: Bearer <key>)");
  if (operation.contains("requestBody") && !responses.contains("413"))
    responses["413"] = error_response("The request is larger than http.max_request_bytes");
  if (!responses.contains("default"))
    responses["default"] = error_response("Unexpected failure (500 names the request id)");
  operation["responses"] = responses;
  return operation;
}

// Two plugins may both say "listItems": the later one gets its plugin's name.
void make_unique_id(json& operation, const std::string& plugin, std::set<std::string>& taken) {
  std::string id = operation["operationId"];
  if (taken.count(id)) {
    std::string owner = camel_id("", plugin);  // "task-manager" -> "TaskManager"
    owner[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(owner[0])));
    id = owner + "_" + id;
  }
  for (int n = 2; taken.count(id); ++n)
    id = operation["operationId"].get<std::string>() + "_" + std::to_string(n);
  taken.insert(id);
  operation["operationId"] = id;
}

json host_operation(const std::string& id, const std::string& summary, json responses) {
  return {{"operationId", id},
          {"summary", summary},
          {"tags", {"host"}},
          {"security", json::array()},  // probes never need a key
          {"responses", std::move(responses)}};
}

json json_content(json schema) {
  return {{"application/json", {{"schema", std::move(schema)}}}};
}

// task-manager -> getHealthTaskManager.
std::string health_operation_id(const std::string& plugin) {
  return camel_id("get", "health-" + plugin);
}

void add_host_paths(json& paths, const std::vector<DocumentedPlugin>& plugins, bool api_keys) {
  const json health = {
      {"type", "object"},
      {"required", {"status", "service", "version", "instance", "plugins"}},
      {"properties",
       {{"status", {{"enum", {"ok", "degraded", "failing", "starting", "draining"}}}},
        {"service", {{"type", "string"}}},
        {"version", {{"type", "string"}}},
        {"instance", {{"type", "string"}}},
        {"plugins",
         {{"type", "object"},
          {"additionalProperties",
           {{"type", "object"},
            {"required", {"status", "version", "prefix"}},
            {"properties",
             {{"status", {{"enum", {"ok", "degraded", "failing"}}}},
              {"version", {{"type", "string"}}},
              {"prefix", {{"type", "string"}}},
              {"detail", json::object()}}}}}}}}}};
  const json health_responses = {
      {"200", {{"description", "Serving (ok or degraded)"}, {"content", json_content(health)}}},
      {"503", {{"description", "A plugin is failing"}, {"content", json_content(health)}}}};
  paths["/health"]["get"] =
      host_operation("getHealth", "Service and per-plugin health", health_responses);
  // Under each prefix too: an Ingress that routes only the plugins' prefixes
  // still reaches the health of the pod behind each one.
  for (const auto& plugin : plugins)
    paths[plugin.prefix + "/health"]["get"] = host_operation(
        health_operation_id(plugin.name),
        "The host's /health, reached through the " + plugin.name + " plugin's prefix",
        health_responses);
  paths["/healthz"]["get"] =
      host_operation("getLiveness", "Liveness: the process answers",
                     {{"200",
                       {{"description", "Alive"},
                        {"content", json_content({{"type", "object"},
                                                  {"required", {"status", "service"}},
                                                  {"properties",
                                                   {{"status", {{"const", "alive"}}},
                                                    {"service", {{"type", "string"}}}}}})}}}});
  const json ready = {{"type", "object"},
                      {"required", {"ready", "status", "service"}},
                      {"properties",
                       {{"ready", {{"type", "boolean"}}},
                        {"status", {{"enum", {"ready", "draining", "not ready"}}}},
                        {"service", {{"type", "string"}}}}}};
  paths["/readyz"]["get"] =
      host_operation("getReadiness", "Readiness: every plugin started and the host is not draining",
                     {{"200", {{"description", "Ready"}, {"content", json_content(ready)}}},
                      {"503", {{"description", "Not ready"}, {"content", json_content(ready)}}}});

  json job = {
      {"operationId", "runJob"},
      {"summary", "Run a plugin's scheduled job now (what Kubernetes CronJobs call)"},
      {"tags", {"host"}},
      {"parameters",
       {{{"name", "plugin"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}},
        {{"name", "job"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}}},
      {"responses",
       {{"200",
         {{"description", "The job ran and succeeded"},
          {"content", json_content({{"type", "object"},
                                    {"required", {"plugin", "job", "ok", "seconds"}},
                                    {"properties",
                                     {{"plugin", {{"type", "string"}}},
                                      {"job", {{"type", "string"}}},
                                      {"ok", {{"const", true}}},
                                      {"seconds", {{"type", "number"}, {"minimum", 0}}}}}})}}},
        {"404", error_response("No such plugin or job (the message lists the plugin's jobs)")},
        {"500", error_response("The job failed (code job_failed, with its error)")}}}};
  if (api_keys)
    job["responses"]["401"] = error_response("No valid API key (Authorization: Bearer <key>)");
  paths["/jobs/{plugin}/{job}"]["post"] = job;
}

}  // namespace

json openapi_document(const std::vector<DocumentedPlugin>& plugins,
                      const std::vector<DocumentedRoute>& routes, const OpenApiContext& context) {
  json paths = json::object();
  std::set<std::string> taken = {"getHealth", "getLiveness", "getReadiness", "runJob"};
  for (const auto& plugin : plugins) taken.insert(health_operation_id(plugin.name));
  for (const auto& documented : routes) {
    json operation = plugin_operation(documented, context.api_keys);
    make_unique_id(operation, documented.plugin, taken);
    paths[documented.path][lower(documented.route->method)] = std::move(operation);
  }
  add_host_paths(paths, plugins, context.api_keys);

  json tags = json::array();
  for (const auto& plugin : plugins)
    tags.push_back({{"name", plugin.name}, {"description", plugin.description}});
  tags.push_back({{"name", "host"}, {"description", "Health, readiness and job triggers"}});

  json components = {{"schemas", {{"Error", error_schema()}}}};
  json document = {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "Agent Host: " + context.service},
        {"version", context.version},
        {"description",
         "Every plugin's routes under its prefix, and the host's own endpoints. Errors share "
         "one body: {\"error\":{\"status\",\"code\",\"message\",\"field\"?},\"request_id\"}."}}},
      // Relative: the host answers on whatever address and port the client used.
      {"servers", {{{"url", "/"}, {"description", "This host"}}}},
      {"tags", tags},
      {"paths", paths},
      {"components", components}};
  if (context.api_keys) {
    document["components"]["securitySchemes"] = {
        {"bearer",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"description", "An API key from auth.api_keys_file"}}}};
    document["security"] = {{{"bearer", json::array()}}};
  } else {
    document["security"] = json::array();  // auth.api_keys_file is empty: nothing to send
  }
  return document;
}

}  // namespace agent_host::runtime
