#include "definition.hpp"

#include <regex>

#include "crypto.hpp"
#include "definition_parts.hpp"

namespace workflow {

namespace definition_parts {

std::string list_of(const std::set<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

RetryPolicy parse_retry(const json& value, const std::string& path, Problems& problems,
                        const RetryPolicy& base) {
  RetryPolicy retry = base;
  if (!value.is_object()) {
    problems.add(
        path,
        "must be an object such as {max_attempts: 3, backoff: exponential, initial: 1s, max: 30s}");
    return retry;
  }
  Fields fields(value, path, problems,
                {"max_attempts", "backoff", "initial", "max", "multiplier", "jitter", "retry_on"});
  if (auto attempts = fields.integer("max_attempts", 1, 100))
    retry.max_attempts = static_cast<int>(*attempts);
  if (auto backoff = fields.string("backoff", false, "\"exponential\" or \"fixed\"")) {
    if (*backoff == "exponential" || *backoff == "fixed")
      retry.exponential = *backoff == "exponential";
    else
      fields.problem("backoff", "must be \"exponential\" or \"fixed\", got \"" + *backoff + "\"");
  }
  if (auto initial = fields.duration("initial")) retry.initial_ms = *initial;
  if (auto maximum = fields.duration("max")) retry.max_ms = *maximum;
  if (auto multiplier = fields.number("multiplier", 1.0, 10.0)) retry.multiplier = *multiplier;
  if (auto jitter = fields.number("jitter", 0.0, 1.0)) retry.jitter = *jitter;
  if (retry.max_ms < retry.initial_ms)
    problems.add(join_path(path, "max"),
                 "must be at least the initial delay (" + format_duration(retry.initial_ms) + ")");
  if (const json* on = fields.get("retry_on")) {
    if (!on->is_array()) {
      fields.problem("retry_on", "must be a list of error codes: " + list_of(known_error_codes()));
    } else {
      retry.retry_on.clear();
      for (size_t i = 0; i < on->size(); ++i) {
        const json& code = (*on)[i];
        if (code.is_string() && known_error_codes().count(code.get<std::string>()))
          retry.retry_on.insert(code.get<std::string>());
        else
          problems.add(
              index_path(join_path(path, "retry_on"), i),
              "unknown error code " + code.dump() + "; use " + list_of(known_error_codes()));
      }
    }
  }
  return retry;
}

}  // namespace definition_parts

namespace {

using definition_parts::Fields;

const std::regex& workflow_name_pattern() {
  static const std::regex pattern("^[a-z0-9][a-z0-9_-]{0,63}$");
  return pattern;
}

// name, version, description, timeout, concurrency and input_schema.
void parse_header(Definition& definition, const Fields& top) {
  if (auto name = top.string("name", true, "the workflow's name, e.g. \"review-finished-work\"")) {
    definition.name = *name;
    if (!std::regex_match(*name, workflow_name_pattern()))
      top.problem("name",
                  "use lower case letters, digits, '-' and '_' (up to 64), starting with a letter "
                  "or digit");
  }
  if (auto version = top.integer("version", 1, 1'000'000'000))
    definition.version = static_cast<int>(*version);
  if (auto description = top.string("description", false)) definition.description = *description;
  if (auto timeout = top.duration("timeout", 1)) definition.timeout_ms = *timeout;
  if (auto concurrency = top.integer("concurrency", 0, 100000))
    definition.concurrency = static_cast<int>(*concurrency);
  if (const json* schema = top.object("input_schema", false, "a JSON Schema of the run input")) {
    definition.input_schema = *schema;
    try {
      definition.input_validator = std::make_shared<InputSchema>(*schema);
    } catch (const std::exception& e) {
      top.problem("input_schema", std::string("is not a valid JSON Schema: ") + e.what());
    }
  }
}

definition_parts::StepDefaults parse_defaults(const Fields& top, Problems& problems) {
  definition_parts::StepDefaults defaults;
  if (const json* given = top.object("defaults", false, "{retry, timeout} applied to every step")) {
    Fields fields(*given, "defaults", problems, {"retry", "timeout"});
    if (const json* retry = fields.get("retry"))
      defaults.retry =
          definition_parts::parse_retry(*retry, "defaults.retry", problems, defaults.retry);
    if (auto timeout = fields.duration("timeout", 1)) defaults.timeout_ms = *timeout;
  }
  return defaults;
}

void parse_triggers(Definition& definition, const Fields& top, const ScheduleRules& rules,
                    Problems& problems) {
  const json* triggers = top.get("triggers");
  if (!triggers) return;
  if (!triggers->is_array()) return top.problem("triggers", "must be a list of triggers");
  for (size_t i = 0; i < triggers->size(); ++i)
    definition_parts::parse_trigger(definition, (*triggers)[i], index_path("triggers", i), rules,
                                    problems);
}

// A cron trigger's input is fixed: check it against the input schema now.
void check_cron_inputs(const Definition& definition, Problems& problems) {
  if (!definition.input_validator) return;
  for (size_t i = 0; i < definition.triggers.size(); ++i) {
    const Trigger& trigger = definition.triggers[i];
    if (trigger.kind != Trigger::Kind::cron) continue;
    const Problems input_problems = definition.input_validator->validate(trigger.input);
    for (const auto& p : input_problems.items())
      problems.add(index_path("triggers", i) + "." + p.path, p.message + " (input_schema)");
  }
}

void parse_output(Definition& definition, const Fields& top, Problems& problems) {
  const json* output = top.get("output");
  if (!output) return;
  definition.output = *output;
  for (const auto& reference : templating::scan(*output, "output", problems))
    definition_parts::check_reference(definition, reference, definition.steps.size(), problems);
}

}  // namespace

const char* to_string(StepType type) {
  switch (type) {
    case StepType::http:
      return "http";
    case StepType::agent:
      return "agent";
    case StepType::llm:
      return "llm";
    case StepType::delay:
      return "delay";
    case StepType::condition:
      return "condition";
    case StepType::transform:
      return "transform";
    case StepType::fail:
      return "fail";
  }
  return "unknown";
}

const char* to_string(Overlap overlap) {
  switch (overlap) {
    case Overlap::skip:
      return "skip";
    case Overlap::queue:
      return "queue";
    case Overlap::allow:
      return "allow";
  }
  return "skip";
}

const std::set<std::string>& known_error_codes() {
  static const std::set<std::string> codes = {
      "timeout",         "unavailable", "http_5xx", "http_429",       "http_4xx",
      "status_mismatch", "llm_error",   "failed",   "template_error", "invalid_output"};
  return codes;
}

std::string document_hash(const json& document) {
  json content = document;
  if (content.is_object()) content.erase("version");
  return crypto::sha256_hex(content.dump());
}

std::shared_ptr<Definition> parse_definition(const json& document, const ScheduleRules& rules,
                                             Problems& problems) {
  auto definition = std::make_shared<Definition>();
  definition->document = document;
  if (!document.is_object()) {
    problems.add("", "a workflow definition is an object with name, steps and optional triggers");
    return definition;
  }
  const Fields top(document, "", problems,
                   {"name", "version", "description", "input_schema", "timeout", "concurrency",
                    "defaults", "triggers", "steps", "output"});
  parse_header(*definition, top);
  const auto defaults = parse_defaults(top, problems);
  parse_triggers(*definition, top, rules, problems);
  check_cron_inputs(*definition, problems);
  const json* steps = top.get("steps");
  if (!steps || !steps->is_array() || steps->empty()) {
    top.problem("steps", "required: a non-empty list of steps, each {id, type, with}");
    return definition;
  }
  definition_parts::parse_steps(*definition, *steps, defaults, problems);
  parse_output(*definition, top, problems);
  return definition;
}

}  // namespace workflow
