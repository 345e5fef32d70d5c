#include "config/schema_validator.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "config/config_error.hpp"
#include "config/key_suggestion.hpp"

namespace agent_host::config {
namespace {

using nlohmann::json;

// Where a valijson error points: the document value, its schema and its path.
struct Location {
  const json* value = nullptr;
  const json* schema = nullptr;
  std::string path;
};

const json& empty_schema() {
  static const json empty = json::object();
  return empty;
}

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

const json& member_schema(const json& schema, const std::string& key) {
  if (!schema.is_object()) return empty_schema();
  const auto properties = schema.find("properties");
  if (properties != schema.end() && properties->contains(key)) return (*properties)[key];
  const auto additional = schema.find("additionalProperties");
  if (additional != schema.end() && additional->is_object()) return *additional;
  return empty_schema();
}

// valijson's context is {"<root>", "[key]", "[0]", ...}; walk the document and
// the schema along it so messages can quote both.
Location locate(const std::vector<std::string>& context, const json& document, const json& schema,
                const std::string& prefix) {
  Location location{&document, &schema, prefix};
  for (std::size_t i = 1; i < context.size(); ++i) {
    const std::string& segment = context[i];
    const std::string key = segment.size() >= 2 ? segment.substr(1, segment.size() - 2) : segment;
    const json& value = *location.value;
    if (value.is_array()) {
      const std::size_t index = std::stoul(key);
      location.path += "[" + key + "]";
      location.schema = location.schema->is_object() && location.schema->contains("items")
                            ? &(*location.schema)["items"]
                            : &empty_schema();
      location.value = index < value.size() ? &value[index] : &value;
    } else if (value.is_object() && value.contains(key)) {
      location.path = join_path(location.path, key);
      location.schema = &member_schema(*location.schema, key);
      location.value = &value[key];
    } else {
      location.path = join_path(location.path, key);
    }
  }
  return location;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

std::string quoted_preview(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

std::string describe_value(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "nothing (null)";
    case json::value_t::boolean:
      return "a boolean (" + quoted_preview(value) + ")";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer (" + quoted_preview(value) + ")";
    case json::value_t::number_float:
      return "a number (" + quoted_preview(value) + ")";
    case json::value_t::string:
      return "a string (" + quoted_preview(value) + ")";
    case json::value_t::array:
      return "a list";
    case json::value_t::object:
      return "a mapping";
    default:
      return "an unsupported value";
  }
}

std::string describe_type(const std::string& type) {
  if (type == "integer") return "an integer";
  if (type == "number") return "a number";
  if (type == "string") return "a string";
  if (type == "boolean") return "true or false";
  if (type == "object") return "a mapping (key: value pairs)";
  if (type == "array") return "a list";
  if (type == "null") return "null";
  return type;
}

std::string expected_types(const json& schema) {
  const auto type = schema.find("type");
  if (type == schema.end()) return "another type";
  if (type->is_string()) return describe_type(type->get<std::string>());
  std::string text;
  for (std::size_t i = 0; i < type->size(); ++i) {
    if (i > 0) text += i + 1 == type->size() ? " or " : ", ";
    text += describe_type((*type)[i].get<std::string>());
  }
  return text;
}

std::string list_values(const json& values) {
  std::string text;
  for (const json& value : values) {
    if (!text.empty()) text += ", ";
    text += value.is_string() ? value.get<std::string>() : quoted_preview(value);
  }
  return text;
}

std::string schema_number(const json& schema, const char* keyword) {
  const auto found = schema.find(keyword);
  return found == schema.end() ? "the limit" : quoted_preview(*found);
}

std::string description_of(const json& schema) {
  const auto found = schema.find("description");
  return found != schema.end() && found->is_string() ? found->get<std::string>() : "";
}

std::vector<std::string> property_names(const json& schema) {
  std::vector<std::string> names;
  const auto properties = schema.find("properties");
  if (properties == schema.end() || !properties->is_object()) return names;
  for (const auto& member : properties->items()) names.push_back(member.key());
  return names;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "'" : ", '") + name + "'";
  return text;
}

void report_unknown_keys(const Location& at, std::vector<Problem>& problems) {
  const std::vector<std::string> known = property_names(*at.schema);
  if (!at.value->is_object()) return;
  for (const auto& member : at.value->items()) {
    if (std::find(known.begin(), known.end(), member.key()) != known.end()) continue;
    Problem problem{join_path(at.path, member.key()), "unknown key", ""};
    if (const auto nearest = nearest_key(member.key(), known)) {
      problem.suggestion = "did you mean '" + *nearest + "'?";
    } else if (!known.empty()) {
      problem.suggestion = "valid keys here: " + quoted_list(known);
    }
    problems.push_back(problem);
  }
}

std::string quoted_inside(const std::string& text) {
  const auto first = text.find('\'');
  const auto last = text.rfind('\'');
  if (first == std::string::npos || last <= first) return "";
  return text.substr(first + 1, last - first - 1);
}

// Turns one valijson error into zero or more problems. Errors that only
// repeat a nested failure ("Failed to validate against schema associated
// with property ...") are dropped: the nested error is reported itself.
void explain(const std::string& description, const Location& at, std::vector<Problem>& problems) {
  const json& value = *at.value;
  const json& schema = *at.schema;
  const std::string hint = description_of(schema);
  if (starts_with(description, "Failed to validate against schema associated with property") ||
      starts_with(description, "Failed to validate item #") ||
      starts_with(description, "Failed to validate against additional properties schema") ||
      starts_with(description, "Failed to validate against child schema")) {
    return;
  }
  if (starts_with(description, "Object contains a property that could not be validated")) {
    report_unknown_keys(at, problems);
    return;
  }
  if (starts_with(description, "Missing required property")) {
    const std::string key = quoted_inside(description);
    const std::string key_hint = description_of(member_schema(schema, key));
    problems.push_back({join_path(at.path, key), "required key is missing",
                        key_hint.empty() ? "add it" : "add it: " + key_hint});
    return;
  }
  if (starts_with(description, "Value type not permitted by 'type' constraint")) {
    problems.push_back(
        {at.path, "expected " + expected_types(schema) + ", got " + describe_value(value), hint});
    return;
  }
  if (starts_with(description, "Failed to match against any enum values")) {
    const json& allowed = schema.contains("enum") ? schema["enum"] : json::array();
    Problem problem{at.path, quoted_preview(value) + " is not one of: " + list_values(allowed),
                    hint};
    if (value.is_string()) {
      std::vector<std::string> words;
      for (const json& option : allowed) {
        if (option.is_string()) words.push_back(option.get<std::string>());
      }
      if (const auto nearest = nearest_key(value.get<std::string>(), words)) {
        problem.suggestion = "did you mean '" + *nearest + "'?";
      }
    }
    problems.push_back(problem);
    return;
  }
  if (starts_with(description, "Expected number less than")) {
    problems.push_back(
        {at.path,
         "must be at most " + schema_number(schema, "maximum") + ", got " + quoted_preview(value),
         hint});
    return;
  }
  if (starts_with(description, "Expected number greater than")) {
    problems.push_back(
        {at.path,
         "must be at least " + schema_number(schema, "minimum") + ", got " + quoted_preview(value),
         hint});
    return;
  }
  if (starts_with(description, "String should be no more than")) {
    problems.push_back({at.path,
                        "must be at most " + schema_number(schema, "maxLength") +
                            " characters long, got " + quoted_preview(value),
                        hint});
    return;
  }
  if (starts_with(description, "String should be no fewer than")) {
    problems.push_back({at.path,
                        "must be at least " + schema_number(schema, "minLength") +
                            " characters long, got " + quoted_preview(value),
                        hint});
    return;
  }
  if (starts_with(description, "Failed to match regex specified by 'pattern' constraint")) {
    problems.push_back({at.path,
                        quoted_preview(value) + " does not match the pattern " +
                            schema.value("pattern", std::string("given")),
                        hint});
    return;
  }
  if (starts_with(description, "Object should have no fewer than")) {
    problems.push_back({at.path,
                        "needs at least " + schema_number(schema, "minProperties") + " entry(ies)",
                        hint});
    return;
  }
  problems.push_back({at.path, description, hint});
}

}  // namespace

SchemaValidator::SchemaValidator(nlohmann::json schema) : schema_(std::move(schema)) {
  auto compiled = std::make_shared<valijson::Schema>();
  try {
    valijson::SchemaParser parser;
    parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(schema_), *compiled);
  } catch (const std::exception& error) {
    throw ConfigError(std::string("not a usable JSON Schema: ") + error.what());
  }
  compiled_ = std::move(compiled);
}

std::vector<Problem> SchemaValidator::validate(const nlohmann::json& document,
                                               const std::string& path_prefix) const {
  valijson::Validator validator;  // holds a regex cache: one per call keeps this thread-safe
  valijson::ValidationResults results;
  validator.validate(*compiled_, valijson::adapters::NlohmannJsonAdapter(document), &results);

  std::vector<Problem> problems;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    explain(error.description, locate(error.context, document, schema_, path_prefix), problems);
  }
  // The same unknown key can be reported through more than one error.
  std::vector<Problem> unique;
  std::set<std::pair<std::string, std::string>> seen;
  for (Problem& problem : problems) {
    if (seen.insert({problem.path, problem.message}).second) unique.push_back(std::move(problem));
  }
  std::stable_sort(unique.begin(), unique.end(),
                   [](const Problem& a, const Problem& b) { return a.path < b.path; });
  return unique;
}

std::vector<Problem> validate_against_schema(const nlohmann::json& schema,
                                             const nlohmann::json& document,
                                             const std::string& path_prefix) {
  return SchemaValidator(schema).validate(document, path_prefix);
}

}  // namespace agent_host::config
