#include "store/sql_params.hpp"

#include <nlohmann/json.hpp>
#include <utility>

namespace agent_host::store {
namespace {

Outcome invalid(std::string message) {
  return Outcome{AH_ERR_INVALID_ARGUMENT, std::move(message)};
}

std::string parameter(std::size_t number) {
  return "parameter $" + std::to_string(number);
}

// nlohmann's SAX interface: collects the array's scalars and stops at the
// first thing that cannot be bound, keeping the message for it.
class ParamsReader {
 public:
  using json = nlohmann::json;
  explicit ParamsReader(std::vector<SqlParam>& params) : params_(params) {}

  bool null() { return add(SqlParam{}, "null"); }
  bool boolean(bool value) { return integer(value ? 1 : 0, "boolean"); }
  bool number_integer(json::number_integer_t value) { return integer(value, "number"); }
  bool number_unsigned(json::number_unsigned_t value) {
    if (value <= static_cast<json::number_unsigned_t>(INT64_MAX))
      return integer(static_cast<std::int64_t>(value), "number");
    return refuse(parameter(next()) + ": integer " + std::to_string(value) +
                  " is outside the signed 64-bit range; pass it as a string");
  }
  bool number_float(json::number_float_t value, const json::string_t& text) {
    SqlParam param;
    param.kind = SqlParam::Kind::real;
    param.real = value;
    param.text = text;
    return add(std::move(param), "number");
  }
  bool string(json::string_t& value) {
    SqlParam param;
    param.kind = SqlParam::Kind::text;
    param.text = std::move(value);  // the lexer's buffer; it starts afresh at the next token
    return add(std::move(param), "string");
  }
  bool binary(json::binary_t&) { return nested("binary value"); }
  bool start_object(std::size_t) { return nested("object"); }
  bool key(json::string_t&) { return false; }  // unreachable: objects are refused on entry
  bool end_object() { return false; }
  bool start_array(std::size_t) {
    if (depth_++ == 0) return true;
    return nested("array");
  }
  bool end_array() {
    --depth_;
    return true;
  }
  template <typename Exception>
  bool parse_error(std::size_t, const std::string&, const Exception& error) {
    return refuse(std::string("params_json is not valid JSON: ") + error.what());
  }

  const std::string& problem() const { return problem_; }

 private:
  std::size_t next() const { return params_.size() + 1; }
  bool integer(std::int64_t value, const char* type_name) {
    SqlParam param;
    param.kind = SqlParam::Kind::integer;
    param.integer = value;
    return add(std::move(param), type_name);
  }
  // `type_name` is for the error when the whole text is this one value.
  bool add(SqlParam param, const char* type_name) {
    if (depth_ == 0) return refuse_top_level(type_name);
    params_.push_back(std::move(param));
    return true;
  }
  bool nested(const char* what) {
    if (depth_ == 0) return refuse_top_level(what);
    return refuse(parameter(next()) + " is a JSON " + what +
                  "; only null, bool, number or string can be bound (serialize nested JSON "
                  "to a string)");
  }
  bool refuse_top_level(const char* what) {
    return refuse(
        std::string("params_json must be a JSON array of values for $1, $2, ...; got a ") + what);
  }
  bool refuse(std::string message) {
    problem_ = std::move(message);
    return false;
  }

  std::vector<SqlParam>& params_;
  int depth_ = 0;
  std::string problem_;
};

}  // namespace

Outcome read_sql_params(std::string_view params_json, std::vector<SqlParam>& params) {
  params.clear();
  if (params_json.empty()) return {};
  // nlohmann's lexer takes a NUL byte for the end of the input ("[1]\0junk"
  // would read as [1]); JSON text never holds one.
  if (const std::size_t nul = params_json.find('\0'); nul != std::string_view::npos)
    return invalid("params_json is not valid JSON: a NUL byte at offset " + std::to_string(nul));
  ParamsReader reader(params);
  bool complete = false;
  try {
    complete = nlohmann::json::sax_parse(params_json, &reader);
  } catch (const nlohmann::json::exception& error) {
    return invalid(std::string("params_json is not valid JSON: ") + error.what());
  }
  if (!complete) {
    params.clear();
    return invalid(reader.problem().empty() ? "params_json is not valid JSON" : reader.problem());
  }
  return {};
}

}  // namespace agent_host::store
