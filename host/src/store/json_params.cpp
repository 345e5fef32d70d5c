#include "store/json_params.hpp"

#include <agent_host/sdk.hpp>
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

// A parameter value read by the fast scanner.
struct Scalar {
  enum class Kind { null, integer, real, text } kind = Kind::null;
  std::int64_t integer = 0;
  double real = 0;
  std::string_view text;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads a flat JSON array of null, bool, number and ASCII string values.
// Returns false for anything else (the general parser then reads the text and
// words the error, if any): nested values, non-ASCII bytes, \u escapes, numbers
// beyond int64, malformed text. Strings with escapes are decoded into
// `unescaped` (the views point into it only once the scan is complete).
bool scan_flat_array(std::string_view text, std::vector<Scalar>& values,
                     std::vector<std::string>& unescaped, std::vector<std::size_t>& decoded_at) {
  const char* p = text.data();
  const char* const end = p + text.size();
  auto skip_space = [&] {
    while (p < end && is_space(*p)) ++p;
  };
  auto literal = [&](std::string_view word) {
    if (static_cast<std::size_t>(end - p) < word.size() || std::string_view(p, word.size()) != word)
      return false;
    p += word.size();
    return true;
  };
  skip_space();
  if (p == end || *p != '[') return false;
  ++p;
  skip_space();
  if (p < end && *p == ']') {
    ++p;
    skip_space();
    return p == end;
  }
  for (;;) {
    skip_space();
    if (p == end) return false;
    Scalar value;
    const char c = *p;
    if (c == '"') {
      const char* start = ++p;
      // Plain bytes up to the closing quote or the first escape.
      while (p < end && *p != '"' && *p != '\\') {
        const auto u = static_cast<unsigned char>(*p);
        if (u < 0x20 || u >= 0x80) return false;
        ++p;
      }
      if (p == end) return false;
      value.kind = Scalar::Kind::text;
      if (*p == '"') {
        value.text = std::string_view(start, static_cast<std::size_t>(p - start));
        ++p;
      } else {
        std::string decoded;
        decoded.reserve(static_cast<std::size_t>(end - start));
        decoded.append(start, static_cast<std::size_t>(p - start));
        while (p < end && *p != '"') {
          if (*p != '\\') {
            // A run of plain bytes, appended at once.
            const char* plain = p;
            while (p < end && *p != '"' && *p != '\\') {
              const auto u = static_cast<unsigned char>(*p);
              if (u < 0x20 || u >= 0x80) return false;
              ++p;
            }
            decoded.append(plain, static_cast<std::size_t>(p - plain));
            continue;
          }
          if (++p == end) return false;
          switch (*p++) {
            case '"':
              decoded += '"';
              break;
            case '\\':
              decoded += '\\';
              break;
            case '/':
              decoded += '/';
              break;
            case 'b':
              decoded += '\b';
              break;
            case 'f':
              decoded += '\f';
              break;
            case 'n':
              decoded += '\n';
              break;
            case 'r':
              decoded += '\r';
              break;
            case 't':
              decoded += '\t';
              break;
            case 'u': {
              // Only ASCII code points here; others (and surrogates) take the general path.
              if (end - p < 4) return false;
              int code = 0;
              for (int i = 0; i < 4; ++i) {
                const int digit = hex_digit(p[i]);
                if (digit < 0) return false;
                code = code * 16 + digit;
              }
              if (code >= 0x80) return false;
              decoded += static_cast<char>(code);
              p += 4;
              break;
            }
            default:
              return false;
          }
        }
        if (p == end) return false;
        ++p;
        decoded_at.push_back(values.size());
        unescaped.push_back(std::move(decoded));
      }
    } else if (c == 'n') {
      if (!literal("null")) return false;
    } else if (c == 't' || c == 'f') {
      if (!literal(c == 't' ? "true" : "false")) return false;
      value.kind = Scalar::Kind::integer;
      value.integer = c == 't' ? 1 : 0;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      // JSON number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
      const char* start = p;
      if (*p == '-') ++p;
      if (p == end || *p < '0' || *p > '9') return false;
      if (*p == '0') {
        ++p;
      } else {
        while (p < end && *p >= '0' && *p <= '9') ++p;
      }
      bool integral = true;
      if (p < end && *p == '.') {
        integral = false;
        ++p;
        if (p == end || *p < '0' || *p > '9') return false;
        while (p < end && *p >= '0' && *p <= '9') ++p;
      }
      if (p < end && (*p == 'e' || *p == 'E')) {
        integral = false;
        ++p;
        if (p < end && (*p == '+' || *p == '-')) ++p;
        if (p == end || *p < '0' || *p > '9') return false;
        while (p < end && *p >= '0' && *p <= '9') ++p;
      }
      if (integral) {
        const auto result = std::from_chars(start, p, value.integer);
        if (result.ec != std::errc() || result.ptr != p) return false;  // beyond int64
        value.kind = Scalar::Kind::integer;
      } else {
        const auto result = std::from_chars(start, p, value.real);
        if (result.ec != std::errc() || result.ptr != p) return false;
        value.kind = Scalar::Kind::real;
      }
    } else {
      return false;  // nested value or not JSON
    }
    values.push_back(value);
    skip_space();
    if (p == end) return false;
    if (*p == ',') {
      ++p;
      continue;
    }
    if (*p != ']') return false;
    ++p;
    skip_space();
    return p == end;
  }
}

Outcome bind_scalar(sqlite3_stmt* statement, int index, std::size_t number, const Scalar& value) {
  int code = SQLITE_OK;
  switch (value.kind) {
    case Scalar::Kind::null:
      code = sqlite3_bind_null(statement, index);
      break;
    case Scalar::Kind::integer:
      code = sqlite3_bind_int64(statement, index, value.integer);
      break;
    case Scalar::Kind::real:
      code = sqlite3_bind_double(statement, index, value.real);
      break;
    case Scalar::Kind::text:
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

Outcome bind_json_params(sqlite3_stmt* statement, std::string_view params_json,
                         BoundParams& storage) {
  if (params_json.empty()) {
    return bind_placeholders(statement, 0, [](int, std::size_t) { return Outcome{}; });
  }
  {
    std::vector<Scalar> values;
    std::vector<std::size_t> decoded_at;
    if (scan_flat_array(params_json, values, storage.unescaped, decoded_at)) {
      // The decoded strings no longer move: point their values at them.
      for (std::size_t i = 0; i < decoded_at.size(); ++i)
        values[decoded_at[i]].text = storage.unescaped[i];
      return bind_placeholders(statement, values.size(), [&](int index, std::size_t number) {
        return bind_scalar(statement, index, number, values[number - 1]);
      });
    }
    storage.unescaped.clear();
  }
  nlohmann::json& parsed = storage.parsed;
  // The SDK's bounded parse: nlohmann's own throws out_of_range, not
  // parse_error, for a number such as 1e999, and that escaped to the caller
  // (found by the sql_params fuzz harness).
  try {
    parsed = agent_host::parse_json(params_json);
  } catch (const agent_host::InvalidJson& error) {
    return invalid(std::string("params_json is not valid JSON: ") + error.what());
  }
  if (!parsed.is_array()) {
    return invalid(
        std::string("params_json must be a JSON array of values for $1, $2, ...; got a ") +
        parsed.type_name());
  }
  return bind_placeholders(statement, parsed.size(), [&](int index, std::size_t number) {
    return bind_value(statement, index, number, parsed[number - 1]);
  });
}

}  // namespace agent_host::store
