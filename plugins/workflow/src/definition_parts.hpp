// The parts of parse_definition (definition.cpp): typed access to one object of
// the document, and the parsers of retry policies, triggers and steps.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "definition.hpp"
#include "duration.hpp"
#include "templating.hpp"

namespace workflow::definition_parts {

// "a, b, c": the allowed names in a message.
std::string list_of(const std::set<std::string>& names);

// Typed access to one JSON object of the document; reports unknown keys and
// type errors with their path.
class Fields {
 public:
  Fields(const json& object, std::string path, Problems& problems, std::set<std::string> allowed)
      : object_(object), path_(std::move(path)), problems_(problems) {
    for (const auto& [key, value] : object.items()) {
      (void)value;
      if (!allowed.count(key))
        problems_.add(join_path(path_, key), "unknown key; expected one of: " + list_of(allowed));
    }
  }

  const json* get(const std::string& key) const {
    auto it = object_.find(key);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }
  std::string path(const std::string& key) const { return join_path(path_, key); }
  void problem(const std::string& key, std::string message) const {
    problems_.add(path(key), std::move(message));
  }
  void missing(const std::string& key, const std::string& hint) const {
    problem(key, "required; " + hint);
  }

  std::optional<std::string> string(const std::string& key, bool required,
                                    const std::string& hint = "a string") const {
    const json* value = get(key);
    if (!value) {
      if (required) missing(key, "set it to " + hint);
      return std::nullopt;
    }
    if (!value->is_string() || value->get<std::string>().empty()) {
      problem(key, "must be " + hint + ", got " + value->dump());
      return std::nullopt;
    }
    return value->get<std::string>();
  }

  std::optional<int64_t> integer(const std::string& key, int64_t low, int64_t high) const {
    const json* value = get(key);
    if (!value) return std::nullopt;
    if (!value->is_number_integer() || value->get<int64_t>() < low ||
        value->get<int64_t>() > high) {
      problem(key, "must be a whole number from " + std::to_string(low) + " to " +
                       std::to_string(high) + ", got " + value->dump());
      return std::nullopt;
    }
    return value->get<int64_t>();
  }

  std::optional<double> number(const std::string& key, double low, double high) const {
    const json* value = get(key);
    if (!value) return std::nullopt;
    if (!value->is_number() || value->get<double>() < low || value->get<double>() > high) {
      problem(key, "must be a number from " + std::to_string(low) + " to " + std::to_string(high) +
                       ", got " + value->dump());
      return std::nullopt;
    }
    return value->get<double>();
  }

  std::optional<int64_t> duration(const std::string& key, int64_t minimum_ms = 0) const {
    const json* value = get(key);
    if (!value) return std::nullopt;
    std::optional<int64_t> ms;
    if (value->is_string()) ms = parse_duration_ms(value->get<std::string>());
    if (!ms || *ms < minimum_ms) {
      problem(key,
              "must be a duration such as \"500ms\", \"10s\", \"5m\" or \"1h30m\"" +
                  (minimum_ms ? " of at least " + format_duration(minimum_ms) : std::string()) +
                  ", got " + value->dump());
      return std::nullopt;
    }
    return ms;
  }

  const json* object(const std::string& key, bool required, const std::string& hint) const {
    const json* value = get(key);
    if (!value) {
      if (required) missing(key, hint);
      return nullptr;
    }
    if (!value->is_object()) {
      problem(key, "must be an object (" + hint + "), got " + value->dump());
      return nullptr;
    }
    return value;
  }

 private:
  const json& object_;
  std::string path_;
  Problems& problems_;
};

// What every step gets unless it says otherwise (the document's "defaults").
struct StepDefaults {
  RetryPolicy retry;
  int64_t timeout_ms = 30000;
};

RetryPolicy parse_retry(const json& value, const std::string& path, Problems& problems,
                        const RetryPolicy& base);
void parse_trigger(Definition& definition, const json& value, const std::string& path,
                   const ScheduleRules& rules, Problems& problems);
void parse_steps(Definition& definition, const json& steps, const StepDefaults& defaults,
                 Problems& problems);
// "steps.<id>.<field>..." must name a step listed before `position`.
void check_reference(const Definition& definition, const templating::Reference& reference,
                     size_t position, Problems& problems);

}  // namespace workflow::definition_parts
