// agent_host/detail/schema_explain.hpp — turns valijson's findings into
// problems a person can act on (json_schema.hpp's JsonSchema::validate). Not
// for plugin code: the wording may change in any release.
#ifndef AGENT_HOST_DETAIL_SCHEMA_EXPLAIN_HPP
#define AGENT_HOST_DETAIL_SCHEMA_EXPLAIN_HPP

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agent_host {

// One way a document breaks its schema.
struct SchemaProblem {
  std::string path;        // dotted path from the root, e.g. "limits.max_tasks" or "tags[2]"
  std::string message;     // what is wrong, e.g. "expected an integer, got a string (\"7d\")"
  std::string suggestion;  // how to fix it, may be empty, e.g. "did you mean 'title'?"
};

namespace detail {

using json = nlohmann::json;

// Levenshtein distance between two strings (bytes); one row of the classic
// dynamic programme is enough.
inline size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The candidate closest to `word` when it is close enough to be a plausible
// typo (at most a third of the word's length, and at least 1, edits away).
inline std::optional<std::string> nearest_key(const std::string& word,
                                              const std::vector<std::string>& candidates) {
  const size_t allowed = std::max<size_t>(1, (word.size() + 2) / 3);
  std::optional<std::string> best;
  size_t best_distance = allowed + 1;
  for (const std::string& candidate : candidates) {
    const size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

// Where a valijson error points: the document value, its schema and its path.
struct Location {
  const json* value = nullptr;
  const json* schema = nullptr;
  std::string path;
};

inline const json& empty_schema() {
  static const json empty = json::object();
  return empty;
}

inline std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

inline const json& member_schema(const json& schema, const std::string& key) {
  if (!schema.is_object()) return empty_schema();
  const auto properties = schema.find("properties");
  if (properties != schema.end() && properties->contains(key)) return (*properties)[key];
  const auto additional = schema.find("additionalProperties");
  if (additional != schema.end() && additional->is_object()) return *additional;
  return empty_schema();
}

// valijson's context is {"<root>", "[key]", "[0]", ...}; walk the document and
// the schema along it so messages can quote both.
inline Location locate(const std::vector<std::string>& context, const json& document,
                       const json& schema, const std::string& prefix) {
  Location location{&document, &schema, prefix};
  for (size_t i = 1; i < context.size(); ++i) {
    const std::string& segment = context[i];
    const std::string key = segment.size() >= 2 ? segment.substr(1, segment.size() - 2) : segment;
    const json& value = *location.value;
    if (value.is_array()) {
      const size_t index = std::stoul(key);
      location.path += "[" + key + "]";
      location.schema = location.schema->is_object() && location.schema->contains("items")
                            ? &(*location.schema)["items"]
                            : &empty_schema();
      location.value = index < value.size() ? &value[index] : &value;
    } else if (value.is_object() && value.contains(key)) {
      location.path = join_path(location.path, key);
      location.schema = &member_schema(*location.schema, key);
      location.value = &value[key];
    } else {
      location.path = join_path(location.path, key);
    }
  }
  return location;
}

// Paths in reading order: indexes compare as numbers, so tags[2] comes
// before tags[10].
inline bool path_less(const std::string& a, const std::string& b) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t end_a = i, end_b = j;
      while (end_a < a.size() && digit(a[end_a])) ++end_a;
      while (end_b < b.size() && digit(b[end_b])) ++end_b;
      const std::string_view number_a(a.data() + i, end_a - i), number_b(b.data() + j, end_b - j);
      if (number_a.size() != number_b.size()) return number_a.size() < number_b.size();
      if (number_a != number_b) return number_a < number_b;
      i = end_a;
      j = end_b;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

inline bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

inline std::string quoted_preview(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

inline std::string describe_value(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "nothing (null)";
    case json::value_t::boolean:
      return "a boolean (" + quoted_preview(value) + ")";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer (" + quoted_preview(value) + ")";
    case json::value_t::number_float:
      return "a number (" + quoted_preview(value) + ")";
    case json::value_t::string:
      return "a string (" + quoted_preview(value) + ")";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

inline std::string describe_type(const std::string& type) {
  if (type == "integer") return "an integer";
  if (type == "number") return "a number";
  if (type == "string") return "a string";
  if (type == "boolean") return "true or false";
  if (type == "object") return "an object (key: value pairs)";
  if (type == "array") return "an array (a list)";
  if (type == "null") return "null";
  return type;
}

inline std::string expected_types(const json& schema) {
  const auto type = schema.find("type");
  if (type == schema.end()) return "another type";
  if (type->is_string()) return describe_type(type->get<std::string>());
  std::string text;
  for (size_t i = 0; i < type->size(); ++i) {
    if (i > 0) text += i + 1 == type->size() ? " or " : ", ";
    text += describe_type((*type)[i].get<std::string>());
  }
  return text;
}

inline std::string list_values(const json& values) {
  std::string text;
  for (const json& value : values) {
    if (!text.empty()) text += ", ";
    text += value.is_string() ? value.get<std::string>() : quoted_preview(value);
  }
  return text;
}

inline std::string schema_number(const json& schema, const char* keyword) {
  const auto found = schema.find(keyword);
  return found == schema.end() ? "the limit" : quoted_preview(*found);
}

inline std::string description_of(const json& schema) {
  const auto found = schema.find("description");
  return found != schema.end() && found->is_string() ? found->get<std::string>() : "";
}

inline std::vector<std::string> property_names(const json& schema) {
  std::vector<std::string> names;
  const auto properties = schema.find("properties");
  if (properties == schema.end() || !properties->is_object()) return names;
  for (const auto& member : properties->items()) names.push_back(member.key());
  return names;
}

inline std::string quoted_list(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "'" : ", '") + name + "'";
  return text;
}

inline void report_unknown_keys(const Location& at, std::vector<SchemaProblem>& problems) {
  const std::vector<std::string> known = property_names(*at.schema);
  if (!at.value->is_object()) return;
  for (const auto& member : at.value->items()) {
    if (std::find(known.begin(), known.end(), member.key()) != known.end()) continue;
    SchemaProblem problem{join_path(at.path, member.key()), "unknown key", ""};
    if (const auto nearest = nearest_key(member.key(), known)) {
      problem.suggestion = "did you mean '" + *nearest + "'?";
    } else if (!known.empty()) {
      problem.suggestion = "valid keys here: " + quoted_list(known);
    }
    problems.push_back(problem);
  }
}

inline std::string quoted_inside(const std::string& text) {
  const auto first = text.find('\'');
  const auto last = text.rfind('\'');
  if (first == std::string::npos || last <= first) return "";
  return text.substr(first + 1, last - first - 1);
}

// `uniqueItems`: valijson says "Elements at indexes #I and #J violate
// uniqueness constraint."; the reader wants the value and where it repeats.
inline std::string repeat_message(const std::string& description, const json& value) {
  const std::size_t first = description.find('#');
  const std::size_t second = description.find('#', first + 1);
  if (second == std::string::npos || !value.is_array()) return description;
  const unsigned long i = std::strtoul(description.c_str() + first + 1, nullptr, 10);
  const unsigned long j = std::strtoul(description.c_str() + second + 1, nullptr, 10);
  if (j >= value.size()) return description;
  return "lists " + quoted_preview(value[j]) + " twice (items " + std::to_string(i) + " and " +
         std::to_string(j) + "); list each once";
}

// The message for a failed bound (maximum, minLength, pattern, ...); nullopt
// for any other error.
inline std::optional<std::string> bound_message(const std::string& description, const json& value,
                                                const json& schema) {
  struct Bound {
    const char* error_start;
    const char* before;
    const char* keyword;
    const char* after;
  };
  static const Bound kBounds[] = {
      {"Expected number less than", "must be at most ", "maximum", ""},
      {"Expected number greater than", "must be at least ", "minimum", ""},
      {"String should be no more than", "must be at most ", "maxLength", " characters long"},
      {"String should be no fewer than", "must be at least ", "minLength", " characters long"},
      {"Array should contain no more than", "must have at most ", "maxItems", " items"},
      {"Array should contain no fewer than", "must have at least ", "minItems", " items"},
  };
  for (const Bound& bound : kBounds) {
    if (!starts_with(description, bound.error_start)) continue;
    const std::string got = value.is_array() ? std::to_string(value.size()) : quoted_preview(value);
    return bound.before + schema_number(schema, bound.keyword) + bound.after + ", got " + got;
  }
  if (starts_with(description, "Failed to match regex specified by 'pattern' constraint"))
    return quoted_preview(value) + " does not match the pattern " +
           schema.value("pattern", std::string("given"));
  if (starts_with(description, "Object should have no fewer than"))
    return "needs at least " + schema_number(schema, "minProperties") + " entry(ies)";
  if (starts_with(description, "Elements at indexes #")) return repeat_message(description, value);
  return std::nullopt;
}

// A value outside its `enum`, with the nearest allowed word when it looks like a typo.
inline SchemaProblem enum_problem(const Location& at, const std::string& hint) {
  const json& value = *at.value;
  const json& allowed = at.schema->contains("enum") ? (*at.schema)["enum"] : json::array();
  SchemaProblem problem{at.path, quoted_preview(value) + " is not one of: " + list_values(allowed),
                        hint};
  if (!value.is_string()) return problem;
  std::vector<std::string> words;
  for (const json& option : allowed) {
    if (option.is_string()) words.push_back(option.get<std::string>());
  }
  if (const auto nearest = nearest_key(value.get<std::string>(), words))
    problem.suggestion = "did you mean '" + *nearest + "'?";
  return problem;
}

// Turns one valijson error into zero or more problems. Errors that only
// repeat a nested failure ("Failed to validate against schema associated
// with property ...") are dropped: the nested error is reported itself.
inline void explain(const std::string& description, const Location& at,
                    std::vector<SchemaProblem>& problems) {
  const json& schema = *at.schema;
  const std::string hint = description_of(schema);
  if (starts_with(description, "Failed to validate against schema associated with property") ||
      starts_with(description, "Failed to validate item #") ||
      starts_with(description, "Failed to validate against additional properties schema") ||
      starts_with(description, "Failed to validate against child schema")) {
    return;
  }
  if (starts_with(description, "Object contains a property that could not be validated")) {
    report_unknown_keys(at, problems);
  } else if (starts_with(description, "Missing required property")) {
    const std::string key = quoted_inside(description);
    const std::string key_hint = description_of(member_schema(schema, key));
    problems.push_back({join_path(at.path, key), "required key is missing",
                        key_hint.empty() ? "add it" : "add it: " + key_hint});
  } else if (starts_with(description, "Value type not permitted by 'type' constraint")) {
    problems.push_back({at.path,
                        "expected " + expected_types(schema) + ", got " + describe_value(*at.value),
                        hint});
  } else if (starts_with(description, "Failed to match against any enum values")) {
    problems.push_back(enum_problem(at, hint));
  } else if (auto message = bound_message(description, *at.value, schema)) {
    problems.push_back({at.path, std::move(*message), hint});
  } else {
    problems.push_back({at.path, description, hint});
  }
}

}  // namespace detail
}  // namespace agent_host

#endif  // AGENT_HOST_DETAIL_SCHEMA_EXPLAIN_HPP
