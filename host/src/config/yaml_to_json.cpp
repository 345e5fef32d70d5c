#include "config/yaml_to_json.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <set>

#include "config/config_error.hpp"

namespace agent_host::config {
namespace {

std::string where(const std::string& file, const YAML::Mark& mark) {
  // yaml-cpp counts from 0; editors count from 1.
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

bool is_null_word(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> as_bool(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

// YAML 1.2 core schema scalars, matched by hand: std::regex costs start-up
// time to compile and trips GCC 12's -Wmaybe-uninitialized in the ASan build.
bool is_decimal(char c) {
  return c >= '0' && c <= '9';
}
bool is_octal(char c) {
  return c >= '0' && c <= '7';
}
bool is_hexadecimal(char c) {
  return is_decimal(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_sign(char c) {
  return c == '-' || c == '+';
}

// One or more characters of `s` from `from` on, every one a `digit`.
bool digits_from(const std::string& s, std::size_t from, bool (*digit)(char)) {
  if (from >= s.size()) return false;
  for (std::size_t i = from; i < s.size(); ++i)
    if (!digit(s[i])) return false;
  return true;
}

// [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool is_float_text(const std::string& s) {
  std::size_t i = 0;
  const auto skip_digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && is_decimal(s[i])) ++i;
    return i - start;
  };
  if (i < s.size() && is_sign(s[i])) ++i;
  const std::size_t whole = skip_digits();
  std::size_t fraction = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    fraction = skip_digits();
  }
  if (whole == 0 && fraction == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && is_sign(s[i])) ++i;
    if (skip_digits() == 0) return false;
  }
  return i == s.size();
}

std::optional<nlohmann::json> as_integer(const std::string& s) {
  int base = 10;
  std::string digits = s;
  if (s.rfind("0o", 0) == 0 && digits_from(s, 2, is_octal)) {
    base = 8;
    digits = s.substr(2);
  } else if (s.rfind("0x", 0) == 0 && digits_from(s, 2, is_hexadecimal)) {
    base = 16;
    digits = s.substr(2);
  } else if (!digits_from(s, !s.empty() && is_sign(s[0]) ? 1 : 0, is_decimal)) {
    return std::nullopt;
  }
  errno = 0;
  if (digits[0] == '-') {
    const long long value = std::strtoll(digits.c_str(), nullptr, base);
    if (errno != ERANGE) return nlohmann::json(static_cast<std::int64_t>(value));
  } else {
    const unsigned long long value = std::strtoull(digits.c_str(), nullptr, base);
    if (errno != ERANGE) {
      if (value <= static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max())) {
        return nlohmann::json(static_cast<std::int64_t>(value));
      }
      return nlohmann::json(static_cast<std::uint64_t>(value));
    }
  }
  // Too large for 64 bits: still a number, as a float.
  return nlohmann::json(std::strtod(s.c_str(), nullptr));
}

std::optional<double> as_float(const std::string& s) {
  if (is_float_text(s)) return std::strtod(s.c_str(), nullptr);
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF") {
    return std::numeric_limits<double>::infinity();
  }
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -std::numeric_limits<double>::infinity();
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  return std::nullopt;
}

nlohmann::json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  // "!" marks a quoted (non-plain) scalar; "!!str" an explicit string.
  if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return text;
  if (is_null_word(text)) return nullptr;
  if (auto boolean = as_bool(text)) return *boolean;
  if (auto integer = as_integer(text)) return *integer;
  if (auto floating = as_float(text)) return *floating;
  return text;
}

nlohmann::json node_to_json(const YAML::Node& node, const std::string& file) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const YAML::Node& item : node) array.push_back(node_to_json(item, file));
      return array;
    }
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& member : node) {
        const YAML::Node& key = member.first;
        if (!key.IsScalar()) {
          throw ConfigError(where(file, key.Mark()) +
                            ": a mapping key must be a plain word or string, not a list or "
                            "mapping (check the indentation)");
        }
        if (object.contains(key.Scalar())) {
          throw ConfigError(where(file, key.Mark()) + ": duplicate key '" + key.Scalar() +
                            "' (remove one of the two; YAML keeps only one silently)");
        }
        object[key.Scalar()] = node_to_json(member.second, file);
      }
      return object;
    }
  }
  return nullptr;
}

}  // namespace

nlohmann::json yaml_to_json(const std::string& text, const std::string& file) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& error) {
    throw ConfigError(where(file, error.mark) + ": YAML syntax error: " + error.msg +
                      " (check the indentation, colons and quotes around that line)");
  }
  if (documents.empty()) return nullptr;
  if (documents.size() > 1) {
    throw ConfigError(file + ": holds " + std::to_string(documents.size()) +
                      " YAML documents (separated by ---); keep exactly one");
  }
  return node_to_json(documents.front(), file);
}

}  // namespace agent_host::config
