#include "json_logic.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>

#include "json_logic_values.hpp"
#include "json_path.hpp"

namespace workflow::json_logic {

namespace {

constexpr int kMaxDepth = 64;

// Reads "a.b.0.c" from data; nullptr when any segment is absent.
const json* lookup(const json& data, const std::string& path) {
  return json_path::find(data, json_path::pointer_of(json_path::split_dotted(path)));
}

std::string var_path(const json& path) {
  if (path.is_string()) return path.get<std::string>();
  if (path.is_number_integer() || path.is_number_unsigned()) return path.dump();
  if (path.is_null()) return "";
  throw LogicError("var: the path must be a string or a number, got " + path.dump());
}

class Evaluator;

// One operation being evaluated: its (unevaluated) arguments and the data.
struct Call {
  Evaluator& evaluator;
  const json& args;
  const json& data;
  int depth;

  json eval(const json& rule, const json& scope) const;
  json eval(const json& rule) const { return eval(rule, data); }
  // The i-th argument evaluated; null when absent.
  json arg(size_t i) const { return i < args.size() ? eval(args[i]) : json(nullptr); }
  std::vector<json> all() const {
    std::vector<json> out;
    for (const auto& a : args) out.push_back(eval(a));
    return out;
  }
  // The unevaluated body of map/filter/reduce/all/none/some.
  const json& body() const {
    static const json none;
    return args.size() > 1 ? args[1] : none;
  }
};

using OperatorFn = json (*)(const Call&);

struct Operator {
  const char* name;
  size_t min_args, max_args;  // SIZE_MAX = any
  OperatorFn fn;
  // The body (second argument) reads each item of the list, not the run data.
  bool scoped = false;
};

const Operator* find_operator(const std::string& name);

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
    const std::string& name = first.key();
    const json& raw_args = first.value();
    const json args = raw_args.is_array() ? raw_args : json::array({raw_args});
    const Operator* op = find_operator(name);
    if (!op) throw LogicError("unknown operator '" + name + "'");
    return op->fn(Call{*this, args, data, depth + 1});
  }

  static bool is_operation(const json& rule) { return rule.is_object() && rule.size() == 1; }
};

json Call::eval(const json& rule, const json& scope) const {
  return evaluator.eval(rule, scope, depth);
}

json missing_keys(const json& data, const json& keys) {
  json missing = json::array();
  for (const auto& key : keys.is_array() ? keys : json::array({keys})) {
    auto found = lookup(data, var_path(key));
    if (!found || found->is_null() || (found->is_string() && found->get<std::string>().empty()))
      missing.push_back(key);
  }
  return missing;
}

json op_var(const Call& c) {
  auto found = lookup(c.data, var_path(c.arg(0)));
  if (found && !found->is_null()) return *found;
  return c.args.size() > 1 ? c.arg(1) : (found ? *found : json(nullptr));
}
json op_missing(const Call& c) {
  return missing_keys(c.data, c.args.size() == 1 ? c.arg(0) : json(c.all()));
}
json op_missing_some(const Call& c) {
  const double need = to_number(c.arg(0));
  const json keys = c.arg(1);
  if (!keys.is_array()) throw LogicError("missing_some: the second argument must be a list");
  json missing = missing_keys(c.data, keys);
  return static_cast<double>(keys.size() - missing.size()) >= need ? json::array() : missing;
}
json op_if(const Call& c) {
  size_t i = 0;
  for (; i + 1 < c.args.size(); i += 2)
    if (truthy(c.eval(c.args[i]))) return c.eval(c.args[i + 1]);
  return c.arg(i);
}
json op_or(const Call& c) {
  json last = false;
  for (const auto& a : c.args)
    if (truthy(last = c.eval(a))) return last;
  return last;
}
json op_and(const Call& c) {
  json last = true;
  for (const auto& a : c.args)
    if (!truthy(last = c.eval(a))) return last;
  return last;
}

// a < b, or a < b < c ("between") with a third argument.
template <bool (*holds)(const json&, const json&)>
json op_between(const Call& c) {
  const json a = c.arg(0), b = c.arg(1);
  if (c.args.size() == 3) return holds(a, b) && holds(b, c.arg(2));
  return holds(a, b);
}
json op_greater(const Call& c) {
  return less(c.arg(1), c.arg(0));
}
json op_greater_equal(const Call& c) {
  return less_equal(c.arg(1), c.arg(0));
}

double larger(double a, double b) {
  return std::max(a, b);
}
double smaller(double a, double b) {
  return std::min(a, b);
}
template <double (*pick)(double, double)>
json op_extreme(const Call& c) {
  auto values = c.all();
  if (values.empty()) return nullptr;
  double best = to_number(values[0]);
  for (const auto& v : values) {
    const double n = to_number(v);
    if (std::isnan(n)) return nullptr;
    best = pick(best, n);
  }
  return number(best);
}
json op_plus(const Call& c) {
  double total = 0;
  for (const auto& v : c.all()) total += to_number(v);
  return number(total);
}
json op_times(const Call& c) {
  double total = 1;
  for (const auto& v : c.all()) total *= to_number(v);
  return number(total);
}
json op_minus(const Call& c) {
  if (c.args.size() == 1) return number(-to_number(c.arg(0)));
  return number(to_number(c.arg(0)) - to_number(c.arg(1)));
}
// Division by zero gives null, not infinity.
template <double (*divide)(double, double)>
json op_divide(const Call& c) {
  const double a = to_number(c.arg(0)), b = to_number(c.arg(1));
  return b == 0 ? json(nullptr) : number(divide(a, b));
}
double quotient(double a, double b) {
  return a / b;
}
double remainder_of(double a, double b) {
  return std::fmod(a, b);
}

json list_arg(const Call& c) {
  json items = c.arg(0);
  return items.is_array() ? items : json::array();
}
json op_map(const Call& c) {
  json out = json::array();
  for (const auto& item : list_arg(c)) out.push_back(c.eval(c.body(), item));
  return out;
}
json op_filter(const Call& c) {
  json out = json::array();
  for (const auto& item : list_arg(c))
    if (truthy(c.eval(c.body(), item))) out.push_back(item);
  return out;
}
// Whether the body gives `wanted` (as truthiness) for some item of `list`.
bool any_item(const Call& c, const json& list, bool wanted) {
  for (const auto& item : list)
    if (truthy(c.eval(c.body(), item)) == wanted) return true;
  return false;
}
json op_all(const Call& c) {
  const json list = list_arg(c);
  return !list.empty() && !any_item(c, list, false);
}
json op_some(const Call& c) {
  return any_item(c, list_arg(c), true);
}
json op_none(const Call& c) {
  return !any_item(c, list_arg(c), true);
}
json op_reduce(const Call& c) {
  const json items = c.arg(0);
  json accumulator = c.arg(2);
  if (!items.is_array()) return accumulator;
  for (const auto& item : items)
    accumulator = c.eval(c.body(), json{{"current", item}, {"accumulator", accumulator}});
  return accumulator;
}
json op_merge(const Call& c) {
  json out = json::array();
  for (const auto& v : c.all()) {
    if (v.is_array())
      for (const auto& item : v) out.push_back(item);
    else
      out.push_back(v);
  }
  return out;
}
json op_in(const Call& c) {
  const json needle = c.arg(0), haystack = c.arg(1);
  if (haystack.is_string())
    return haystack.get<std::string>().find(to_text(needle)) != std::string::npos;
  if (haystack.is_array())
    return std::any_of(haystack.begin(), haystack.end(),
                       [&](const json& item) { return strict_equal(item, needle); });
  return false;
}
json op_cat(const Call& c) {
  std::string out;
  for (const auto& v : c.all()) out += to_text(v);
  return out;
}
json op_substr(const Call& c) {
  const std::string text = to_text(c.arg(0));
  const auto size = static_cast<int64_t>(text.size());
  int64_t start = static_cast<int64_t>(to_number(c.arg(1)));
  if (start < 0) start = std::max<int64_t>(0, size + start);
  start = std::min(start, size);
  int64_t length = size - start;
  if (c.args.size() > 2) {
    const auto wanted = static_cast<int64_t>(to_number(c.arg(2)));
    length =
        wanted < 0 ? std::max<int64_t>(0, size - start + wanted) : std::min(wanted, size - start);
  }
  return text.substr(static_cast<size_t>(start), static_cast<size_t>(length));
}

// a op b for a two-argument predicate on the evaluated arguments.
template <bool (*test)(const json&, const json&), bool expected>
json op_pair(const Call& c) {
  return test(c.arg(0), c.arg(1)) == expected;
}
template <bool expected>
json op_truthy(const Call& c) {
  return truthy(c.arg(0)) == expected;
}
json op_log(const Call& c) {
  return c.arg(0);
}

constexpr size_t kAny = SIZE_MAX;

// Every operator, the one place that knows its name, argument count and meaning.
const Operator kOperators[] = {
    {"var", 0, 2, op_var},
    {"missing", 0, kAny, op_missing},
    {"missing_some", 2, 2, op_missing_some},
    {"if", 0, kAny, op_if},
    {"?:", 0, kAny, op_if},
    {"==", 2, 2, op_pair<loose_equal, true>},
    {"!=", 2, 2, op_pair<loose_equal, false>},
    {"===", 2, 2, op_pair<strict_equal, true>},
    {"!==", 2, 2, op_pair<strict_equal, false>},
    {"!", 1, 1, op_truthy<false>},
    {"!!", 1, 1, op_truthy<true>},
    {"or", 1, kAny, op_or},
    {"and", 1, kAny, op_and},
    {"<", 2, 3, op_between<less>},
    {"<=", 2, 3, op_between<less_equal>},
    {">", 2, 2, op_greater},
    {">=", 2, 2, op_greater_equal},
    {"max", 1, kAny, op_extreme<larger>},
    {"min", 1, kAny, op_extreme<smaller>},
    {"+", 0, kAny, op_plus},
    {"-", 1, 2, op_minus},
    {"*", 1, kAny, op_times},
    {"/", 2, 2, op_divide<quotient>},
    {"%", 2, 2, op_divide<remainder_of>},
    {"map", 2, 2, op_map, true},
    {"filter", 2, 2, op_filter, true},
    {"reduce", 2, 3, op_reduce, true},
    {"all", 2, 2, op_all, true},
    {"none", 2, 2, op_none, true},
    {"some", 2, 2, op_some, true},
    {"merge", 0, kAny, op_merge},
    {"in", 2, 2, op_in},
    {"cat", 0, kAny, op_cat},
    {"substr", 2, 3, op_substr},
    {"log", 1, 1, op_log},
};

const Operator* find_operator(const std::string& name) {
  static const std::unordered_map<std::string_view, const Operator*> by_name = [] {
    std::unordered_map<std::string_view, const Operator*> out;
    for (const auto& op : kOperators) out.emplace(op.name, &op);
    return out;
  }();
  auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : it->second;
}

std::string arity_text(const Operator& op) {
  if (op.min_args == op.max_args) return std::to_string(op.min_args);
  return std::to_string(op.min_args) + ".." +
         (op.max_args == kAny ? std::string("n") : std::to_string(op.max_args));
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
  const Operator* known = find_operator(op);
  if (!known) {
    problems.add(join_path(path, op),
                 "unknown JSON Logic operator '" + op +
                     "'; use one of var, if, ==, !=, ===, !==, !, !!, and, or, <, <=, >, >=, "
                     "in, cat, +, -, *, /, %, min, max, map, filter, reduce, all, some, none, "
                     "merge, missing, missing_some, substr");
    return;
  }
  const size_t count = raw_args.is_array() ? raw_args.size() : 1;
  if (count < known->min_args || count > known->max_args)
    problems.add(join_path(path, op), "operator '" + op + "' takes " + arity_text(*known) +
                                          " arguments, got " + std::to_string(count));
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
  const Operator* known = find_operator(op);
  const bool scoped = known && known->scoped;
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
