// agent_host/json_schema.hpp — JSON Schema validation with answers a person can act on.
//
// The host validates config sections with it, and a plugin validates request
// bodies against the same schema its RouteDoc publishes, so the rule is
// written once:
//
//   static const agent_host::JsonSchema kCreateTask(create_task_schema(),
//                                                   agent_host::JsonSchema::Formats::annotations);
//   kCreateTask.require(request.json_body());  // else a 400 naming the first bad field:
//   // {"error":{"field":"priority","message":"priority: \"hgih\" is not one of: low, medium,
//   //  high; did you mean 'high'?", ...}}
//
// valijson does the validation (draft 7: type, properties, required, enum,
// items, minimum/maximum, minLength/maxLength, minProperties, pattern,
// additionalProperties, oneOf/anyOf/allOf, ...); this class compiles the schema
// once and explains each finding: the dotted path of the value, what is wrong
// in plain words (quoting the schema's limit), and a suggestion ("did you mean
// 'title'?" for a near-miss key or enum value, else the schema's
// `description`). Problems come in reading order (by path, indexes as
// numbers), each once. A JsonSchema is immutable after construction:
// validate() may run on many threads at once.
#ifndef AGENT_HOST_JSON_SCHEMA_HPP
#define AGENT_HOST_JSON_SCHEMA_HPP

// valijson aborts on a schema it cannot read unless told to throw (its CMake
// target says so too).
#ifndef VALIJSON_USE_EXCEPTIONS
#define VALIJSON_USE_EXCEPTIONS 1
#endif

#include <agent_host/detail/schema_explain.hpp>
#include <agent_host/error.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <vector>

namespace agent_host {

// A schema JsonSchema cannot use; what() is valijson's reason.
class InvalidSchema : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class JsonSchema {
 public:
  // How `format` keywords count. valijson checks "date", "time" and
  // "date-time" with a regular expression it builds for each value (about
  // half a millisecond); a request path that parses such values anyway (with
  // time.hpp) keeps them as annotations, as JSON Schema 2020-12 does by default.
  enum class Formats { checked, annotations };

  // Compiles `schema`; throws InvalidSchema when it is not a usable JSON Schema.
  explicit JsonSchema(nlohmann::json schema, Formats formats = Formats::checked)
      : schema_(std::move(schema)) {
    auto compiled = std::make_shared<valijson::Schema>();
    try {
      valijson::SchemaParser parser;
      if (formats == Formats::checked) {
        parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(schema_), *compiled);
      } else {
        const nlohmann::json stripped = without_formats(schema_);
        parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(stripped), *compiled);
      }
    } catch (const std::exception& error) {
      throw InvalidSchema(error.what());
    }
    compiled_ = std::move(compiled);
  }

  // Every way `document` breaks the schema, in reading order; empty when valid.
  // `path_prefix` (e.g. "plugins.task-manager.config") is put before each path.
  std::vector<SchemaProblem> validate(const nlohmann::json& document,
                                      const std::string& path_prefix = "") const {
    if (accepts(document)) return {};  // stops at the first finding: the common case is cheap
    valijson::Validator validator;     // holds a regex cache: one per call keeps this thread-safe
    valijson::ValidationResults results;
    std::vector<SchemaProblem> problems;
    try {
      validator.validate(*compiled_, valijson::adapters::NlohmannJsonAdapter(document), &results);
    } catch (const std::exception& error) {  // e.g. a format check on a value of another type
      problems.push_back({path_prefix, std::string("cannot be checked: ") + error.what(), ""});
    }
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
      detail::explain(error.description,
                      detail::locate(error.context, document, schema_, path_prefix), problems);
    }
    // Only wrapper errors (a `false` subschema has no finding of its own).
    if (problems.empty())
      problems.push_back(
          {path_prefix, "does not match the schema", detail::description_of(schema_)});
    return unique_by_path(std::move(problems));
  }

  // For a request body: returns when `body` is valid, else throws a 400
  // (HttpError::bad_request) for the first problem by path, naming its field
  // ("body" for the body itself) with the problem and its suggestion. `at`
  // places the body in a larger one (e.g. "create[3]").
  void require(const nlohmann::json& body, const std::string& at = "") const {
    const std::vector<SchemaProblem> problems = validate(body, at);
    if (problems.empty()) return;
    const SchemaProblem& first = problems.front();
    const std::string field = first.path.empty() ? "body" : first.path;
    std::string message = field + ": " + first.message;
    if (!first.suggestion.empty()) message += "; " + first.suggestion;
    throw HttpError::bad_request(field, message);
  }

  // True when `document` breaks nothing (no explanation is built).
  bool accepts(const nlohmann::json& document) const {
    valijson::Validator validator;
    try {
      return validator.validate(*compiled_, valijson::adapters::NlohmannJsonAdapter(document),
                                nullptr);
    } catch (const std::exception&) {
      return false;  // validate() says why
    }
  }

  const nlohmann::json& schema() const { return schema_; }

 private:
  // A copy without `format` keywords. Values of enum, const, default and
  // examples are data, left alone; properties (and the like) map names to
  // schemas, so a property named "format" or "enum" is a schema like any other.
  static nlohmann::json without_formats(nlohmann::json schema) {
    if (schema.is_array()) {
      for (auto& item : schema) item = without_formats(std::move(item));
      return schema;
    }
    if (!schema.is_object()) return schema;
    if (const auto format = schema.find("format"); format != schema.end() && format->is_string())
      schema.erase(format);
    for (auto& [key, value] : schema.items()) {
      if (key == "enum" || key == "const" || key == "default" || key == "examples") continue;
      const bool names_schemas = key == "properties" || key == "patternProperties" ||
                                 key == "definitions" || key == "$defs" ||
                                 key == "dependentSchemas";
      if (names_schemas && value.is_object()) {
        for (auto& member : value.items())
          member.value() = without_formats(std::move(member.value()));
      } else {
        value = without_formats(std::move(value));
      }
    }
    return schema;
  }

  // The same unknown key can be reported through more than one error.
  static std::vector<SchemaProblem> unique_by_path(std::vector<SchemaProblem> problems) {
    std::vector<SchemaProblem> unique;
    std::set<std::pair<std::string, std::string>> seen;
    for (SchemaProblem& problem : problems) {
      if (seen.insert({problem.path, problem.message}).second) unique.push_back(std::move(problem));
    }
    std::stable_sort(unique.begin(), unique.end(),
                     [](const SchemaProblem& a, const SchemaProblem& b) {
                       return detail::path_less(a.path, b.path);
                     });
    return unique;
  }

  nlohmann::json schema_;
  std::shared_ptr<const valijson::Schema> compiled_;
};

}  // namespace agent_host

#endif  // AGENT_HOST_JSON_SCHEMA_HPP
