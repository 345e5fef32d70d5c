// agent_host/json_schema.hpp — JSON Schema validation with answers a person can act on.
//
// The host validates config sections with it, and a plugin validates request
// bodies against the same schema its RouteDoc publishes, so the rule is
// written once:
//
//   static const agent_host::JsonSchema kCreateTask(nlohmann::json::parse(kCreateTaskSchema));
//   const auto problems = kCreateTask.validate(body);
//   if (!problems.empty())  // e.g. {"title", "required key is missing", "add it: ..."}
//     throw agent_host::HttpError::bad_request(problems[0].path,
//                                              problems[0].path + ": " + problems[0].message);
//
// valijson does the validation (draft 7: type, properties, required, enum,
// items, minimum/maximum, minLength/maxLength, minProperties, pattern,
// additionalProperties, oneOf/anyOf/allOf, ...); this class compiles the schema
// once and explains each finding: the dotted path of the value, what is wrong
// in plain words (quoting the schema's limit), and a suggestion ("did you mean
// 'title'?" for a near-miss key or enum value, else the schema's
// `description`). Problems come sorted by path, each once. A JsonSchema is
// immutable after construction: validate() may run on many threads at once.
#ifndef AGENT_HOST_JSON_SCHEMA_HPP
#define AGENT_HOST_JSON_SCHEMA_HPP

// valijson aborts on a schema it cannot read unless told to throw (its CMake
// target says so too).
#ifndef VALIJSON_USE_EXCEPTIONS
#define VALIJSON_USE_EXCEPTIONS 1
#endif

#include <agent_host/detail/schema_explain.hpp>
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
  // Compiles `schema`; throws InvalidSchema when it is not a usable JSON Schema.
  explicit JsonSchema(nlohmann::json schema) : schema_(std::move(schema)) {
    auto compiled = std::make_shared<valijson::Schema>();
    try {
      valijson::SchemaParser parser;
      parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(schema_), *compiled);
    } catch (const std::exception& error) {
      throw InvalidSchema(error.what());
    }
    compiled_ = std::move(compiled);
  }

  // Every way `document` breaks the schema, sorted by path; empty when valid.
  // `path_prefix` (e.g. "plugins.task-manager.config") is put before each path.
  std::vector<SchemaProblem> validate(const nlohmann::json& document,
                                      const std::string& path_prefix = "") const {
    valijson::Validator validator;  // holds a regex cache: one per call keeps this thread-safe
    valijson::ValidationResults results;
    if (validator.validate(*compiled_, valijson::adapters::NlohmannJsonAdapter(document), &results))
      return {};
    std::vector<SchemaProblem> problems;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
      detail::explain(error.description,
                      detail::locate(error.context, document, schema_, path_prefix), problems);
    }
    return unique_by_path(std::move(problems));
  }

  // True when `document` breaks nothing (no explanation is built).
  bool accepts(const nlohmann::json& document) const {
    valijson::Validator validator;
    return validator.validate(*compiled_, valijson::adapters::NlohmannJsonAdapter(document),
                              nullptr);
  }

  const nlohmann::json& schema() const { return schema_; }

 private:
  // The same unknown key can be reported through more than one error.
  static std::vector<SchemaProblem> unique_by_path(std::vector<SchemaProblem> problems) {
    std::vector<SchemaProblem> unique;
    std::set<std::pair<std::string, std::string>> seen;
    for (SchemaProblem& problem : problems) {
      if (seen.insert({problem.path, problem.message}).second) unique.push_back(std::move(problem));
    }
    std::stable_sort(
        unique.begin(), unique.end(),
        [](const SchemaProblem& a, const SchemaProblem& b) { return a.path < b.path; });
    return unique;
  }

  nlohmann::json schema_;
  std::shared_ptr<const valijson::Schema> compiled_;
};

}  // namespace agent_host

#endif  // AGENT_HOST_JSON_SCHEMA_HPP
