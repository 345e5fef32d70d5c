#include "store/json_params.hpp"

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace agent_host::store {
namespace {

Outcome invalid(std::string message) {
  return Outcome{AH_ERR_INVALID_ARGUMENT, std::move(message)};
}

// The N of a "$N" placeholder name, or 0 when the name has another form.
std::size_t dollar_number(const char* name) {
  if (name == nullptr || name[0] != '$' || name[1] < '1' || name[1] > '9') return 0;
  const std::string_view digits(name + 1);
  std::size_t number = 0;
  const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (result.ec != std::errc() || result.ptr != digits.data() + digits.size()) return 0;
  return number;
}

Outcome bind_value(sqlite3_stmt* statement, int index, std::size_t number,
                   const nlohmann::json& value) {
  const auto which = [number] { return "parameter $" + std::to_string(number); };
  int code = SQLITE_OK;
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      code = sqlite3_bind_null(statement, index);
      break;
    case nlohmann::json::value_t::boolean:
      code = sqlite3_bind_int64(statement, index, value.get<bool>() ? 1 : 0);
      break;
    case nlohmann::json::value_t::number_integer:
      code = sqlite3_bind_int64(statement, index, value.get<std::int64_t>());
      break;
    case nlohmann::json::value_t::number_unsigned: {
      const auto unsigned_value = value.get<std::uint64_t>();
      if (unsigned_value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return invalid(which() + ": integer " + std::to_string(unsigned_value) +
                       " is outside SQLite's signed 64-bit range; pass it as a string");
      }
      code = sqlite3_bind_int64(statement, index, static_cast<std::int64_t>(unsigned_value));
      break;
    }
    case nlohmann::json::value_t::number_float:
      code = sqlite3_bind_double(statement, index, value.get<double>());
      break;
    case nlohmann::json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      code = sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_STATIC,
                                 SQLITE_UTF8);
      break;
    }
    default:
      return invalid(which() + " is a JSON " + std::string(value.type_name()) +
                     "; only null, bool, number or string can be bound (serialize nested JSON "
                     "to a string)");
  }
  if (code != SQLITE_OK) {
    return invalid(which() + ": SQLite refused the value: " + sqlite3_errstr(code));
  }
  return {};
}

}  // namespace

Outcome bind_json_params(sqlite3_stmt* statement, std::string_view params_json,
                         nlohmann::json& parsed) {
  const int placeholder_count = sqlite3_bind_parameter_count(statement);
  if (params_json.empty()) {
    parsed = nlohmann::json::array();
  } else {
    try {
      parsed = nlohmann::json::parse(params_json.begin(), params_json.end());
    } catch (const nlohmann::json::parse_error& error) {
      return invalid(std::string("params_json is not valid JSON: ") + error.what());
    }
    if (!parsed.is_array()) {
      return invalid(
          std::string("params_json must be a JSON array of values for $1, $2, ...; got a ") +
          parsed.type_name());
    }
  }
  const std::size_t given = parsed.size();
  std::vector<bool> used(given, false);
  for (int index = 1; index <= placeholder_count; ++index) {
    const char* name = sqlite3_bind_parameter_name(statement, index);
    const std::size_t number = dollar_number(name);
    if (number == 0) {
      return invalid(std::string("placeholder '") + (name != nullptr ? name : "?") +
                     "' is not supported; write $1, $2, ... and pass the values in params_json");
    }
    if (number > given) {
      return invalid("the statement uses parameter $" + std::to_string(number) +
                     " but params_json has " + std::to_string(given) + " value(s)");
    }
    used[number - 1] = true;
    Outcome bound = bind_value(statement, index, number, parsed[number - 1]);
    if (!bound.ok()) return bound;
  }
  for (std::size_t i = 0; i < given; ++i) {
    if (!used[i]) {
      return invalid("params_json has " + std::to_string(given) +
                     " value(s) but the statement does not use parameter $" +
                     std::to_string(i + 1));
    }
  }
  return {};
}

}  // namespace agent_host::store
