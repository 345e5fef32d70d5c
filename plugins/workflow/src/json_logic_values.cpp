#include "json_logic_values.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "json_logic.hpp"

namespace workflow::json_logic {

// Numbers come back as integers when they are whole and exact, as JSON Logic's
// JavaScript reference would print them.
json number(double value) {
  if (std::isfinite(value) && std::floor(value) == value && std::fabs(value) < 9007199254740992.0)
    return static_cast<int64_t>(value);
  if (!std::isfinite(value)) return nullptr;
  return value;
}

std::string to_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "null";
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  if (value.is_number_float()) {
    std::ostringstream out;
    out << value.get<double>();
    return out.str();
  }
  if (value.is_array()) {
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
      if (i) out += ',';
      if (!value[i].is_null()) out += to_text(value[i]);
    }
    return out;
  }
  return "[object Object]";
}

double to_number(const json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_boolean()) return value.get<bool>() ? 1 : 0;
  if (value.is_null()) return 0;
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    size_t begin = text.find_first_not_of(" \t\n\r");
    if (begin == std::string::npos) return 0;
    size_t end = text.find_last_not_of(" \t\n\r");
    const std::string trimmed = text.substr(begin, end - begin + 1);
    try {
      size_t used = 0;
      double parsed = std::stod(trimmed, &used);
      if (used == trimmed.size()) return parsed;
    } catch (const std::exception&) {
    }
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (value.is_array()) {
    if (value.empty()) return 0;
    if (value.size() == 1) return to_number(value[0]);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

bool loose_equal(const json& a, const json& b) {
  const bool a_num = a.is_number(), b_num = b.is_number();
  if (a_num && b_num) return a.get<double>() == b.get<double>();
  if (a.type() == b.type()) return a == b;
  if (a.is_null() || b.is_null()) return false;
  if (a.is_boolean()) return loose_equal(json(a.get<bool>() ? 1 : 0), b);
  if (b.is_boolean()) return loose_equal(a, json(b.get<bool>() ? 1 : 0));
  if ((a_num && b.is_string()) || (a.is_string() && b_num)) return to_number(a) == to_number(b);
  if (a.is_structured() && !b.is_structured()) return loose_equal(json(to_text(a)), b);
  if (b.is_structured() && !a.is_structured()) return loose_equal(a, json(to_text(b)));
  return false;
}

bool strict_equal(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  return a.type() == b.type() && a == b;
}

// JavaScript's relational comparison: strings compare as text, else as numbers.
bool less(const json& a, const json& b) {
  if (a.is_string() && b.is_string()) return a.get<std::string>() < b.get<std::string>();
  return to_number(a) < to_number(b);
}
bool less_equal(const json& a, const json& b) {
  if (a.is_string() && b.is_string()) return a.get<std::string>() <= b.get<std::string>();
  return to_number(a) <= to_number(b);
}

bool truthy(const json& value) {
  if (value.is_null()) return false;
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) {
    const double n = value.get<double>();
    return n != 0 && !std::isnan(n);
  }
  if (value.is_string()) return !value.get<std::string>().empty();
  if (value.is_array()) return !value.empty();
  return true;
}

}  // namespace workflow::json_logic
