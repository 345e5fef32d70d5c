#include "store/sqlite_params.hpp"

#include <charconv>
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

Outcome bind_value(sqlite3_stmt* statement, int index, std::size_t number, const SqlParam& value) {
  int code = SQLITE_OK;
  switch (value.kind) {
    case SqlParam::Kind::null:
      code = sqlite3_bind_null(statement, index);
      break;
    case SqlParam::Kind::integer:
      code = sqlite3_bind_int64(statement, index, value.integer);
      break;
    case SqlParam::Kind::real:
      code = sqlite3_bind_double(statement, index, value.real);
      break;
    case SqlParam::Kind::text:
      code = sqlite3_bind_text64(statement, index, value.text.data(), value.text.size(),
                                 SQLITE_STATIC, SQLITE_UTF8);
      break;
  }
  if (code != SQLITE_OK) {
    return invalid("parameter $" + std::to_string(number) +
                   ": SQLite refused the value: " + sqlite3_errstr(code));
  }
  return {};
}

// Binds every placeholder with `bind(index, number)`, checking that the
// statement uses exactly $1..$given.
template <typename Bind>
Outcome bind_placeholders(sqlite3_stmt* statement, std::size_t given, Bind&& bind) {
  const int placeholder_count = sqlite3_bind_parameter_count(statement);
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
    Outcome bound = bind(index, number);
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

}  // namespace

Outcome bind_sql_params(sqlite3_stmt* statement, std::string_view params_json,
                        std::vector<SqlParam>& values) {
  Outcome read = read_sql_params(params_json, values);
  if (!read.ok()) return read;
  return bind_placeholders(statement, values.size(), [&](int index, std::size_t number) {
    return bind_value(statement, index, number, values[number - 1]);
  });
}

}  // namespace agent_host::store
