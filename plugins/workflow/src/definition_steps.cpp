// A definition's steps: their ids, types, parameters ("with"), retry policies,
// jumps, and the templates and conditions that read earlier steps.
#include <regex>

#include "definition_parts.hpp"
#include "json_logic.hpp"
#include "json_path.hpp"

namespace workflow::definition_parts {

namespace {

const std::regex& step_id_pattern() {
  static const std::regex pattern("^[A-Za-z_][A-Za-z0-9_-]{0,63}$");
  return pattern;
}
const std::regex& agent_name_pattern() {
  static const std::regex pattern("^[a-z][a-z0-9-]{0,63}$");
  return pattern;
}

StepType step_type_of(const std::string& name, bool& known) {
  static const std::map<std::string, StepType> types = {{"http", StepType::http},
                                                        {"agent", StepType::agent},
                                                        {"llm", StepType::llm},
                                                        {"delay", StepType::delay},
                                                        {"condition", StepType::condition},
                                                        {"transform", StepType::transform},
                                                        {"fail", StepType::fail}};
  auto it = types.find(name);
  known = it != types.end();
  return known ? it->second : StepType::transform;
}

void check_method(const Fields& with) {
  if (auto method = with.string("method", false, "an HTTP method")) {
    static const std::set<std::string> methods = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
    if (!methods.count(*method))
      with.problem("method",
                   "unknown HTTP method '" + *method + "'; use one of " + list_of(methods));
  }
}

void check_headers(const Fields& with) {
  if (const json* headers = with.object("headers", false, "header name to value")) {
    for (const auto& [name, value] : headers->items())
      if (!value.is_string())
        with.problem("headers", "header '" + name + "' must be a string, got " + value.dump());
  }
}

void check_expect_status(const Fields& with) {
  const json* expect = with.get("expect_status");
  if (!expect) return;
  const json list = expect->is_array() ? *expect : json::array({*expect});
  for (const auto& item : list) {
    const bool code = item.is_number_integer() && item.get<int>() >= 100 && item.get<int>() <= 599;
    const bool klass =
        item.is_string() && std::regex_match(item.get<std::string>(), std::regex("^[1-5]xx$"));
    if (!code && !klass)
      with.problem(
          "expect_status",
          "must be a status (200), a class (\"2xx\") or a list of them, got " + item.dump());
  }
}

void check_http(const Fields& with) {
  check_method(with);
  if (auto url = with.string("url", true, "the URL to call, e.g. \"https://api.example.com/x\"")) {
    const bool templated = url->find("{{") != std::string::npos;
    if (!templated && url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0)
      with.problem("url", "must start with http:// or https://, got \"" + *url + "\"");
  }
  check_headers(with);
  check_expect_status(with);
}

void check_agent(const Fields& with) {
  check_method(with);
  if (auto agent = with.string("agent", true, "an agent name such as \"task-manager\"");
      agent && !std::regex_match(*agent, agent_name_pattern()))
    with.problem("agent", "agent names look like \"task-manager\" (lower case, digits, '-')");
  if (auto route = with.string("path", true, "the route below the agent's prefix, e.g. \"/tasks\"");
      route && (*route)[0] != '/')
    with.problem("path", "must start with '/', e.g. \"/tasks\"");
  check_headers(with);
  check_expect_status(with);
}

void check_llm(const Fields& with) {
  with.string("prompt", true, "the prompt text");
  with.string("system", false);
  with.string("model", false);
  with.object("options", false, "Ollama options such as temperature");
  with.integer("num_ctx", 128, 1'048'576);
}

void parse_delay(Step& step, const Fields& with) {
  if (!with.get("duration"))
    with.missing("duration", "how long to wait, e.g. \"30s\"");
  else if (auto ms = with.duration("duration"))
    step.delay_ms = *ms;
}

void parse_condition(Step& step, const Fields& with, Problems& problems) {
  if (const json* rule = with.get("if")) {
    step.condition = *rule;
    json_logic::check(*rule, with.path("if"), problems);
  } else {
    with.missing("if", "a JSON Logic rule, e.g. {\"==\": [{\"var\": \"input.kind\"}, \"bug\"]}");
  }
  if (auto target = with.string("then", false, "a later step id or \"end\""))
    step.then_step = *target;
  if (auto target = with.string("else", false, "a later step id or \"end\""))
    step.else_step = *target;
}

void parse_with(Step& step, const json& with_value, const std::string& path, Problems& problems) {
  static const std::map<StepType, std::set<std::string>> keys = {
      {StepType::http, {"method", "url", "headers", "body", "expect_status"}},
      {StepType::agent, {"agent", "method", "path", "headers", "body", "expect_status"}},
      {StepType::llm, {"prompt", "system", "model", "options", "num_ctx"}},
      {StepType::delay, {"duration"}},
      {StepType::condition, {"if", "then", "else"}},
      {StepType::transform, {"value"}},
      {StepType::fail, {"message", "code"}},
  };
  if (!with_value.is_object()) {
    problems.add(path, "must be an object with the step's parameters, got " + with_value.dump());
    return;
  }
  step.with = with_value;
  Fields with(with_value, path, problems, keys.at(step.type));
  switch (step.type) {
    case StepType::http:
      return check_http(with);
    case StepType::agent:
      return check_agent(with);
    case StepType::llm:
      return check_llm(with);
    case StepType::delay:
      return parse_delay(step, with);
    case StepType::condition:
      return parse_condition(step, with, problems);
    case StepType::transform:
      if (!with_value.contains("value")) with.missing("value", "the JSON value to build");
      return;
    case StepType::fail:
      with.string("message", true, "why the run fails");
      with.string("code", false);
      return;
  }
}

void check_jump(const Definition& definition, const std::string& target, size_t position,
                const std::string& path, Problems& problems) {
  if (target.empty() || target == "end") return;
  auto it = definition.step_index.find(target);
  if (it == definition.step_index.end())
    problems.add(
        path, "names step '" + target + "', which does not exist; use a later step id or \"end\"");
  else if (it->second <= position)
    problems.add(path, "names step '" + target +
                           "', which is not after this step; jumps go forward only (no loops)");
}

// First pass: ids, so references can be checked in any order.
void collect_ids(Definition& definition, const json& steps, Problems& problems) {
  for (size_t i = 0; i < steps.size(); ++i) {
    const json& raw = steps[i];
    const std::string path = index_path("steps", i);
    Step step;
    if (raw.is_object() && raw.contains("id") && raw["id"].is_string()) {
      step.id = raw["id"].get<std::string>();
      if (!std::regex_match(step.id, step_id_pattern()))
        problems.add(join_path(path, "id"),
                     "step ids use letters, digits, '_' and '-', starting with a letter or '_'");
      else if (!definition.step_index.emplace(step.id, i).second)
        problems.add(join_path(path, "id"),
                     "duplicate step id '" + step.id + "'; step ids must be unique");
    }
    definition.steps.push_back(std::move(step));
  }
}

void parse_type_and_with(Step& step, const Fields& fields, Problems& problems) {
  bool known = false;
  if (auto type = fields.string("type", true,
                                "one of http, agent, llm, delay, condition, transform, fail")) {
    step.type = step_type_of(*type, known);
    if (!known)
      fields.problem("type", "unknown step type '" + *type +
                                 "'; use http, agent, llm, delay, condition, transform or fail");
  }
  if (!known) return;
  if (const json* with = fields.get("with"))
    parse_with(step, *with, fields.path("with"), problems);
  else if (step.type != StepType::transform)
    fields.missing("with", "the step's parameters");
  else
    fields.missing("with", "{value: ...}, the JSON value to build");
}

void check_jumps(const Definition& definition, const Step& step, size_t position,
                 const Fields& fields, Problems& problems) {
  check_jump(definition, step.next, position, fields.path("next"), problems);
  if (step.type != StepType::condition) return;
  const std::string with = fields.path("with");
  check_jump(definition, step.then_step, position, join_path(with, "then"), problems);
  check_jump(definition, step.else_step, position, join_path(with, "else"), problems);
}

// Templates and JSON Logic variables may read only earlier steps.
void check_step_reads(const Definition& definition, const Step& step, size_t position,
                      const json& raw, const Fields& fields, Problems& problems) {
  if (fields.get("with")) {
    for (const auto& reference : templating::scan(raw["with"], fields.path("with"), problems))
      check_reference(definition, reference, position, problems);
  }
  if (step.type != StepType::condition || step.condition.is_null()) return;
  std::vector<std::string> vars;
  json_logic::collect_vars(step.condition, vars);
  for (const auto& var : vars) {
    if (var.rfind("steps.", 0) != 0) continue;
    const templating::Reference reference{json_path::split_dotted(var), var,
                                          join_path(fields.path("with"), "if")};
    check_reference(definition, reference, position, problems);
  }
}

void parse_step(Definition& definition, const json& raw, size_t position,
                const StepDefaults& defaults, Problems& problems) {
  const std::string path = index_path("steps", position);
  Step& step = definition.steps[position];
  if (!raw.is_object()) {
    problems.add(path, "a step is an object {id, type, with}");
    return;
  }
  Fields fields(raw, path, problems,
                {"id", "type", "name", "description", "with", "retry", "timeout", "next"});
  if (!fields.get("id") || !raw["id"].is_string())
    fields.missing("id", "give the step a unique id such as \"fetch\"");
  step.retry = defaults.retry;
  step.timeout_ms = defaults.timeout_ms;
  parse_type_and_with(step, fields, problems);
  if (const json* retry = fields.get("retry"))
    step.retry = parse_retry(*retry, fields.path("retry"), problems, defaults.retry);
  if (auto timeout = fields.duration("timeout", 1)) step.timeout_ms = *timeout;
  if (auto next = fields.string("next", false, "a later step id or \"end\"")) step.next = *next;
  check_jumps(definition, step, position, fields, problems);
  check_step_reads(definition, step, position, raw, fields, problems);
}

}  // namespace

// "steps.<id>.<field>..." must name a step listed before `position`.
void check_reference(const Definition& definition, const templating::Reference& reference,
                     size_t position, Problems& problems) {
  const auto& s = reference.segments;
  static const std::set<std::string> roots = {"input", "steps", "run"};
  if (!roots.count(s[0])) {
    problems.add(reference.location, "template {{ " + reference.text + " }} starts with '" + s[0] +
                                         "'; templates read input.*, steps.<id>.* or run.*");
    return;
  }
  if (s[0] != "steps") return;
  if (s.size() < 2) {
    problems.add(reference.location,
                 "template {{ " + reference.text + " }} must name a step: steps.<id>.output");
    return;
  }
  auto it = definition.step_index.find(s[1]);
  if (it == definition.step_index.end()) {
    problems.add(reference.location, "template {{ " + reference.text + " }} names step '" + s[1] +
                                         "', which does not exist");
  } else if (it->second >= position) {
    problems.add(reference.location,
                 "template {{ " + reference.text + " }} names step '" + s[1] +
                     "', which does not run before this one; refer to earlier steps only");
  }
  static const std::set<std::string> fields = {"output", "status", "error", "attempts"};
  if (s.size() >= 3 && !fields.count(s[2]))
    problems.add(reference.location, "template {{ " + reference.text + " }}: a step has " +
                                         list_of(fields) + ", not '" + s[2] + "'");
}

void parse_steps(Definition& definition, const json& steps, const StepDefaults& defaults,
                 Problems& problems) {
  collect_ids(definition, steps, problems);
  for (size_t i = 0; i < steps.size(); ++i) parse_step(definition, steps[i], i, defaults, problems);
}

}  // namespace workflow::definition_parts
