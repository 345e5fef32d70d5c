// valijson aborts on a bad schema unless told to throw.
#define VALIJSON_USE_EXCEPTIONS 1
#include "input_schema.hpp"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace workflow {

struct InputSchema::Compiled {
  valijson::Schema schema;
};

InputSchema::InputSchema(const nlohmann::json& schema) : compiled_(std::make_unique<Compiled>()) {
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter adapter(schema);
  parser.populateSchema(adapter, compiled_->schema);
}

InputSchema::~InputSchema() = default;

Problems InputSchema::validate(const nlohmann::json& input) const {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(input);
  Problems problems;
  if (validator.validate(compiled_->schema, target, &results)) return problems;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    // valijson's context is {"<root>", "[key]", ...}: turn it into input.key.
    std::string path = "input";
    for (size_t i = 1; i < error.context.size(); ++i) {
      const std::string& segment = error.context[i];
      const std::string key = segment.size() >= 2 && segment.front() == '['
                                  ? segment.substr(1, segment.size() - 2)
                                  : segment;
      path += (!key.empty() && std::isdigit(static_cast<unsigned char>(key[0]))) ? "[" + key + "]"
                                                                                 : "." + key;
    }
    problems.add(path, error.description);
  }
  return problems;
}

}  // namespace workflow
