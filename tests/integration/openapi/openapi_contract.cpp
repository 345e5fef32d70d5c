#include "openapi_contract.hpp"

#include <algorithm>
#include <sstream>

#include "config/schema_validator.hpp"

namespace agent_host::test {
namespace {

using nlohmann::json;

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '/');) parts.push_back(part);
  return parts;
}

bool matches(const std::string& path_template, const std::string& path) {
  const auto want = segments(path_template), got = segments(path);
  if (want.size() != got.size()) return false;
  for (size_t i = 0; i < want.size(); ++i)
    if (!(want[i].size() > 2 && want[i].front() == '{') && want[i] != got[i]) return false;
  return true;
}

int literal_segments(const std::string& path_template) {
  int count = 0;
  for (const auto& part : segments(path_template)) count += part.rfind('{', 0) == 0 ? 0 : 1;
  return count;
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "text/html; charset=utf-8" -> "text/html".
std::string media_type(const std::string& content_type) {
  std::string type = lower(content_type.substr(0, content_type.find(';')));
  type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
  return type;
}

}  // namespace

OpenApiContract::OpenApiContract(json document) : document_(std::move(document)) {
  for (const auto& [path, item] : document_.at("paths").items())
    for (const auto& [method, operation] : item.items())
      operations_.push_back({method, path, &operation});
}

const OpenApiContract::Operation* OpenApiContract::find(const std::string& method,
                                                        const std::string& path) const {
  // The most literal template wins, as the host's router picks "/tasks/bulk"
  // over "/tasks/{id}".
  const Operation* best = nullptr;
  for (const auto& operation : operations_)
    if (operation.method == lower(method) && matches(operation.path, path) &&
        (!best || literal_segments(operation.path) > literal_segments(best->path)))
      best = &operation;
  return best;
}

json OpenApiContract::resolved(const json& schema) const {
  if (schema.is_array()) {
    json out = json::array();
    for (const auto& item : schema) out.push_back(resolved(item));
    return out;
  }
  if (!schema.is_object()) return schema;
  if (schema.contains("$ref")) {
    const std::string ref = schema["$ref"];
    return resolved(document_.at(json::json_pointer(ref.substr(1))));
  }
  json out = json::object();
  for (const auto& [key, value] : schema.items()) out[key] = resolved(value);
  // valijson applies `format` to a null too, where JSON Schema has a format
  // constrain strings only: {"type": ["string", "null"], "format": "date-time"}
  // is checked as the equivalent anyOf of the string schema and null.
  if (out.contains("format") && out.contains("type") && out["type"].is_array()) {
    json types = json::array();
    for (const auto& type : out["type"])
      if (type != "null") types.push_back(type);
    if (types.size() < out["type"].size()) {
      json value = out;
      value["type"] = types.size() == 1 ? types[0] : types;
      return {{"anyOf", {value, {{"type", "null"}}}}};
    }
  }
  return out;
}

std::vector<std::string> OpenApiContract::check(const std::string& method,
                                                const std::string& path_and_query,
                                                const Reply& reply) {
  const std::string path = path_and_query.substr(0, path_and_query.find('?'));
  const std::string what = method + " " + path_and_query + " -> " + std::to_string(reply.status);
  const Operation* operation = find(method, path);
  if (!operation) return {what + ": no documented operation"};
  std::string upper = method;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  exercised_.insert(upper + " " + operation->path);

  const json& responses = operation->object->at("responses");
  const std::string status = std::to_string(reply.status);
  if (!responses.contains(status))
    return {what + ": status not documented for " + operation->object->value("operationId", "") +
            " (documented: " +
            [&] {
              std::string list;
              for (const auto& [key, value] : responses.items()) list += key + " ";
              return list;
            }() +
            ")\n" + reply.body.substr(0, 500)};
  const json& response = responses[status];
  if (!response.contains("content")) {
    if (reply.body.empty()) return {};
    return {what + ": the document says no body, the answer has " +
            std::to_string(reply.body.size()) + " bytes"};
  }
  const std::string type = media_type(reply.header("content-type"));
  if (!response["content"].contains(type))
    return {what + ": content type " + type + " is not documented for this status"};
  const json& media = response["content"][type];
  if (!media.contains("schema")) return {};
  json body;
  if (type == "application/json") {
    body = json::parse(reply.body, nullptr, false);
    if (body.is_discarded()) return {what + ": the body is not JSON: " + reply.body.substr(0, 200)};
  } else {
    body = reply.body;  // a text document is a string
  }
  std::vector<std::string> problems;
  for (const auto& problem : config::validate_against_schema(resolved(media["schema"]), body))
    problems.push_back(what + ": " + (problem.path.empty() ? "body" : problem.path) + ": " +
                       problem.message);
  if (!problems.empty()) problems.push_back("  body: " + reply.body.substr(0, 800));
  return problems;
}

std::vector<std::string> OpenApiContract::unexercised() const {
  std::vector<std::string> missing;
  for (const auto& operation : operations_) {
    std::string method = operation.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (!exercised_.count(method + " " + operation.path))
      missing.push_back(method + " " + operation.path);
  }
  return missing;
}

}  // namespace agent_host::test
