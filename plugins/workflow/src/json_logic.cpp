#include "json_logic.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

namespace workflow::json_logic {

namespace {

constexpr int kMaxDepth = 64;

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

// Reads "a.b.0.c" from data; nullopt when any segment is absent.
std::optional<json> lookup(const json& data, const std::string& path) {
  if (path.empty()) return data;
  const json* node = &data;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (node->is_object()) {
      auto it = node->find(key);
      if (it == node->end()) return std::nullopt;
      node = &*it;
    } else if (node->is_array()) {
      char* end = nullptr;
      unsigned long index = std::strtoul(key.c_str(), &end, 10);
      if (key.empty() || *end != '\0' || index >= node->size()) return std::nullopt;
      node = &(*node)[index];
    } else {
      return std::nullopt;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return *node;
}

std::string var_path(const json& path) {
  if (path.is_string()) return path.get<std::string>();
  if (path.is_number_integer() || path.is_number_unsigned()) return path.dump();
  if (path.is_null()) return "";
  throw LogicError("var: the path must be a string or a number, got " + path.dump());
}

class Evaluator {
 public:
  json eval(const json& rule, const json& data, int depth) {
    if (depth > kMaxDepth) throw LogicError("rule nested deeper than 64 levels");
    if (rule.is_array()) {
      json out = json::array();
      for (const auto& item : rule) out.push_back(eval(item, data, depth + 1));
      return out;
    }
    if (!is_operation(rule)) return rule;
    const auto first = rule.begin();  // the proxy of items() would dangle here
    const std::string& op = first.key();
    const json& raw_args = first.value();
    const json args = raw_args.is_array() ? raw_args : json::array({raw_args});
    return operate(op, args, data, depth + 1);
  }

  static bool is_operation(const json& rule) { return rule.is_object() && rule.size() == 1; }

 private:
  json arg(const json& args, size_t i, const json& data, int depth) {
    return i < args.size() ? eval(args[i], data, depth) : json(nullptr);
  }
  std::vector<json> all_args(const json& args, const json& data, int depth) {
    std::vector<json> out;
    for (const auto& a : args) out.push_back(eval(a, data, depth));
    return out;
  }

  json operate(const std::string& op, const json& args, const json& data, int depth) {
    if (op == "var") {
      const json path = arg(args, 0, data, depth);
      auto found = lookup(data, var_path(path));
      if (found && !found->is_null()) return *found;
      return args.size() > 1 ? arg(args, 1, data, depth) : (found ? *found : json(nullptr));
    }
    if (op == "missing") {
      json keys = args.size() == 1 ? arg(args, 0, data, depth) : json(all_args(args, data, depth));
      if (!keys.is_array()) keys = json::array({keys});
      json missing = json::array();
      for (const auto& key : keys) {
        auto found = lookup(data, var_path(key));
        if (!found || found->is_null() || (found->is_string() && found->get<std::string>().empty()))
          missing.push_back(key);
      }
      return missing;
    }
    if (op == "missing_some") {
      const double need = to_number(arg(args, 0, data, depth));
      const json keys = arg(args, 1, data, depth);
      if (!keys.is_array()) throw LogicError("missing_some: the second argument must be a list");
      json missing = operate("missing", json::array({keys}), data, depth);
      return static_cast<double>(keys.size() - missing.size()) >= need ? json::array() : missing;
    }
    if (op == "if" || op == "?:") {
      size_t i = 0;
      for (; i + 1 < args.size(); i += 2)
        if (truthy(eval(args[i], data, depth))) return eval(args[i + 1], data, depth);
      return i < args.size() ? eval(args[i], data, depth) : json(nullptr);
    }
    if (op == "==") return loose_equal(arg(args, 0, data, depth), arg(args, 1, data, depth));
    if (op == "!=") return !loose_equal(arg(args, 0, data, depth), arg(args, 1, data, depth));
    if (op == "===") return strict_equal(arg(args, 0, data, depth), arg(args, 1, data, depth));
    if (op == "!==") return !strict_equal(arg(args, 0, data, depth), arg(args, 1, data, depth));
    if (op == "!") return !truthy(arg(args, 0, data, depth));
    if (op == "!!") return truthy(arg(args, 0, data, depth));
    if (op == "or") {
      json last = false;
      for (const auto& a : args) {
        last = eval(a, data, depth);
        if (truthy(last)) return last;
      }
      return last;
    }
    if (op == "and") {
      json last = true;
      for (const auto& a : args) {
        last = eval(a, data, depth);
        if (!truthy(last)) return last;
      }
      return last;
    }
    if (op == "<" || op == "<=" || op == ">" || op == ">=") return compare(op, args, data, depth);
    if (op == "max" || op == "min") {
      auto values = all_args(args, data, depth);
      if (values.empty()) return nullptr;
      double best = to_number(values[0]);
      for (const auto& v : values) {
        double n = to_number(v);
        if (std::isnan(n)) return nullptr;
        best = op == "max" ? std::max(best, n) : std::min(best, n);
      }
      return number(best);
    }
    if (op == "+" || op == "*") {
      double total = op == "+" ? 0 : 1;
      for (const auto& v : all_args(args, data, depth))
        total = op == "+" ? total + to_number(v) : total * to_number(v);
      return number(total);
    }
    if (op == "-") {
      if (args.size() == 1) return number(-to_number(arg(args, 0, data, depth)));
      return number(to_number(arg(args, 0, data, depth)) - to_number(arg(args, 1, data, depth)));
    }
    if (op == "/" || op == "%") {
      const double a = to_number(arg(args, 0, data, depth));
      const double b = to_number(arg(args, 1, data, depth));
      if (b == 0) return nullptr;
      return number(op == "/" ? a / b : std::fmod(a, b));
    }
    if (op == "map" || op == "filter" || op == "all" || op == "none" || op == "some")
      return iterate(op, args, data, depth);
    if (op == "reduce") {
      const json items = arg(args, 0, data, depth);
      json accumulator = arg(args, 2, data, depth);
      if (!items.is_array()) return accumulator;
      const json& body = args.size() > 1 ? args[1] : json();
      for (const auto& item : items)
        accumulator = eval(body, json{{"current", item}, {"accumulator", accumulator}}, depth);
      return accumulator;
    }
    if (op == "merge") {
      json out = json::array();
      for (const auto& v : all_args(args, data, depth)) {
        if (v.is_array())
          for (const auto& item : v) out.push_back(item);
        else
          out.push_back(v);
      }
      return out;
    }
    if (op == "in") {
      const json needle = arg(args, 0, data, depth);
      const json haystack = arg(args, 1, data, depth);
      if (haystack.is_string())
        return haystack.get<std::string>().find(to_text(needle)) != std::string::npos;
      if (haystack.is_array())
        return std::any_of(haystack.begin(), haystack.end(),
                           [&](const json& item) { return strict_equal(item, needle); });
      return false;
    }
    if (op == "cat") {
      std::string out;
      for (const auto& v : all_args(args, data, depth)) out += to_text(v);
      return out;
    }
    if (op == "substr") {
      const std::string text = to_text(arg(args, 0, data, depth));
      const auto size = static_cast<int64_t>(text.size());
      int64_t start = static_cast<int64_t>(to_number(arg(args, 1, data, depth)));
      if (start < 0) start = std::max<int64_t>(0, size + start);
      start = std::min(start, size);
      int64_t length = size - start;
      if (args.size() > 2) {
        const auto wanted = static_cast<int64_t>(to_number(arg(args, 2, data, depth)));
        length = wanted < 0 ? std::max<int64_t>(0, size - start + wanted)
                            : std::min(wanted, size - start);
      }
      return text.substr(static_cast<size_t>(start), static_cast<size_t>(length));
    }
    if (op == "log") return arg(args, 0, data, depth);
    throw LogicError("unknown operator '" + op + "'");
  }

  json compare(const std::string& op, const json& args, const json& data, int depth) {
    auto holds = [&](const json& a, const json& b) {
      if (op == "<") return less(a, b);
      if (op == "<=") return less_equal(a, b);
      if (op == ">") return less(b, a);
      return less_equal(b, a);
    };
    const json a = arg(args, 0, data, depth);
    const json b = arg(args, 1, data, depth);
    // Three arguments (< and <= only): "between", a < b < c.
    if (args.size() == 3 && (op == "<" || op == "<="))
      return holds(a, b) && holds(b, arg(args, 2, data, depth));
    return holds(a, b);
  }

  json iterate(const std::string& op, const json& args, const json& data, int depth) {
    const json items = arg(args, 0, data, depth);
    const json& body = args.size() > 1 ? args[1] : json();
    json list = items.is_array() ? items : json::array();
    if (op == "map") {
      json out = json::array();
      for (const auto& item : list) out.push_back(eval(body, item, depth));
      return out;
    }
    if (op == "filter") {
      json out = json::array();
      for (const auto& item : list)
        if (truthy(eval(body, item, depth))) out.push_back(item);
      return out;
    }
    if (op == "all") {
      if (list.empty()) return false;
      for (const auto& item : list)
        if (!truthy(eval(body, item, depth))) return false;
      return true;
    }
    bool any = false;
    for (const auto& item : list)
      if (truthy(eval(body, item, depth))) {
        any = true;
        break;
      }
    return op == "some" ? any : !any;
  }
};

const std::map<std::string, std::pair<size_t, size_t>>& arities() {
  // operator -> (minimum, maximum) argument count; SIZE_MAX = any.
  static const std::map<std::string, std::pair<size_t, size_t>> table = {
      {"var", {0, 2}},
      {"missing", {0, SIZE_MAX}},
      {"missing_some", {2, 2}},
      {"if", {0, SIZE_MAX}},
      {"?:", {0, SIZE_MAX}},
      {"==", {2, 2}},
      {"!=", {2, 2}},
      {"===", {2, 2}},
      {"!==", {2, 2}},
      {"!", {1, 1}},
      {"!!", {1, 1}},
      {"or", {1, SIZE_MAX}},
      {"and", {1, SIZE_MAX}},
      {"<", {2, 3}},
      {"<=", {2, 3}},
      {">", {2, 2}},
      {">=", {2, 2}},
      {"max", {1, SIZE_MAX}},
      {"min", {1, SIZE_MAX}},
      {"+", {0, SIZE_MAX}},
      {"-", {1, 2}},
      {"*", {1, SIZE_MAX}},
      {"/", {2, 2}},
      {"%", {2, 2}},
      {"map", {2, 2}},
      {"filter", {2, 2}},
      {"reduce", {2, 3}},
      {"all", {2, 2}},
      {"none", {2, 2}},
      {"some", {2, 2}},
      {"merge", {0, SIZE_MAX}},
      {"in", {2, 2}},
      {"cat", {0, SIZE_MAX}},
      {"substr", {2, 3}},
      {"log", {1, 1}},
  };
  return table;
}

void check_rule(const json& rule, const std::string& path, Problems& problems, int depth) {
  if (depth > kMaxDepth) {
    problems.add(path, "JSON Logic rule is nested deeper than 64 levels; simplify it");
    return;
  }
  if (rule.is_array()) {
    for (size_t i = 0; i < rule.size(); ++i)
      check_rule(rule[i], index_path(path, i), problems, depth + 1);
    return;
  }
  if (!Evaluator::is_operation(rule)) return;
  const auto first = rule.begin();
  const std::string& op = first.key();
  const json& raw_args = first.value();
  auto known = arities().find(op);
  if (known == arities().end()) {
    problems.add(join_path(path, op),
                 "unknown JSON Logic operator '" + op +
                     "'; use one of var, if, ==, !=, ===, !==, !, !!, and, or, <, <=, >, >=, "
                     "in, cat, +, -, *, /, %, min, max, map, filter, reduce, all, some, none, "
                     "merge, missing, missing_some, substr");
    return;
  }
  const size_t count = raw_args.is_array() ? raw_args.size() : 1;
  const auto [minimum, maximum] = known->second;
  if (count < minimum || count > maximum) {
    problems.add(join_path(path, op),
                 "operator '" + op + "' takes " +
                     (minimum == maximum ? std::to_string(minimum)
                                         : std::to_string(minimum) + ".." +
                                               (maximum == SIZE_MAX ? std::string("n")
                                                                    : std::to_string(maximum))) +
                     " arguments, got " + std::to_string(count));
  }
  if (raw_args.is_array()) {
    for (size_t i = 0; i < raw_args.size(); ++i)
      check_rule(raw_args[i], index_path(join_path(path, op), i), problems, depth + 1);
  } else {
    check_rule(raw_args, join_path(path, op), problems, depth + 1);
  }
}

void collect(const json& rule, std::vector<std::string>& out, int depth) {
  if (depth > kMaxDepth) return;
  if (rule.is_array()) {
    for (const auto& item : rule) collect(item, out, depth + 1);
    return;
  }
  if (!Evaluator::is_operation(rule)) return;
  const auto first = rule.begin();
  const std::string& op = first.key();
  const json& args = first.value();
  // map/filter/... bodies read the item, not the run data: only their list counts.
  const bool scoped = op == "map" || op == "filter" || op == "reduce" || op == "all" ||
                      op == "none" || op == "some";
  if (op == "var") {
    const json& path = args.is_array() ? (args.empty() ? json() : args[0]) : args;
    if (path.is_string()) out.push_back(path.get<std::string>());
    return;
  }
  if (scoped) {
    if (args.is_array() && !args.empty()) collect(args[0], out, depth + 1);
    return;
  }
  collect(args, out, depth + 1);
}

}  // namespace

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

json apply(const json& rule, const json& data) {
  Evaluator evaluator;
  return evaluator.eval(rule, data, 0);
}

void check(const json& rule, const std::string& path, Problems& problems) {
  check_rule(rule, path, problems, 0);
}

void collect_vars(const json& rule, std::vector<std::string>& out) {
  collect(rule, out, 0);
}

}  // namespace workflow::json_logic
