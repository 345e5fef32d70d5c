#include "definition.hpp"

#include <algorithm>
#include <regex>

#include "crypto.hpp"
#include "duration.hpp"
#include "json_logic.hpp"
#include "templating.hpp"

namespace workflow {

namespace {

const std::regex& workflow_name_pattern() {
  static const std::regex pattern("^[a-z0-9][a-z0-9_-]{0,63}$");
  return pattern;
}
const std::regex& step_id_pattern() {
  static const std::regex pattern("^[A-Za-z_][A-Za-z0-9_-]{0,63}$");
  return pattern;
}
const std::regex& agent_name_pattern() {
  static const std::regex pattern("^[a-z][a-z0-9-]{0,63}$");
  return pattern;
}

std::string list_of(const std::set<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

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
    case StepType::http: {
      check_method(with);
      if (auto url =
              with.string("url", true, "the URL to call, e.g. \"https://api.example.com/x\"")) {
        const bool templated = url->find("{{") != std::string::npos;
        if (!templated && url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0)
          with.problem("url", "must start with http:// or https://, got \"" + *url + "\"");
      }
      check_headers(with);
      check_expect_status(with);
      break;
    }
    case StepType::agent: {
      check_method(with);
      if (auto agent = with.string("agent", true, "an agent name such as \"task-manager\"");
          agent && !std::regex_match(*agent, agent_name_pattern()))
        with.problem("agent", "agent names look like \"task-manager\" (lower case, digits, '-')");
      if (auto route =
              with.string("path", true, "the route below the agent's prefix, e.g. \"/tasks\"");
          route && (*route)[0] != '/')
        with.problem("path", "must start with '/', e.g. \"/tasks\"");
      check_headers(with);
      check_expect_status(with);
      break;
    }
    case StepType::llm:
      with.string("prompt", true, "the prompt text");
      with.string("system", false);
      with.string("model", false);
      with.object("options", false, "Ollama options such as temperature");
      with.integer("num_ctx", 128, 1'048'576);
      break;
    case StepType::delay:
      if (!with.get("duration"))
        with.missing("duration", "how long to wait, e.g. \"30s\"");
      else if (auto ms = with.duration("duration"))
        step.delay_ms = *ms;
      break;
    case StepType::condition:
      if (const json* rule = with.get("if")) {
        step.condition = *rule;
        json_logic::check(*rule, with.path("if"), problems);
      } else {
        with.missing("if",
                     "a JSON Logic rule, e.g. {\"==\": [{\"var\": \"input.kind\"}, \"bug\"]}");
      }
      if (auto target = with.string("then", false, "a later step id or \"end\""))
        step.then_step = *target;
      if (auto target = with.string("else", false, "a later step id or \"end\""))
        step.else_step = *target;
      break;
    case StepType::transform:
      if (!with_value.contains("value")) with.missing("value", "the JSON value to build");
      break;
    case StepType::fail:
      with.string("message", true, "why the run fails");
      with.string("code", false);
      break;
  }
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

void parse_trigger(Definition& definition, const json& value, const std::string& path,
                   const ScheduleRules& rules, Problems& problems) {
  if (!value.is_object()) {
    problems.add(path, "a trigger is an object: {event: ...}, {webhook: {}} or {cron: \"...\"}");
    return;
  }
  Trigger trigger;
  const bool is_event = value.contains("event"), is_webhook = value.contains("webhook"),
             is_cron = value.contains("cron");
  if (is_event + is_webhook + is_cron != 1) {
    problems.add(path, "a trigger has exactly one of the keys event, webhook or cron");
    return;
  }
  if (is_event) {
    trigger.kind = Trigger::Kind::event;
    Fields fields(value, path, problems, {"event", "when"});
    static const std::set<std::string> events = {"task.created", "task.updated",
                                                 "task.transitioned", "task.deleted", "*"};
    if (auto event = fields.string("event", true, "a task event type")) {
      if (!events.count(*event))
        fields.problem("event", "unknown event '" + *event + "'; use one of " + list_of(events));
      trigger.event = *event;
    }
    if (const json* when = fields.get("when")) {
      trigger.when = *when;
      json_logic::check(*when, fields.path("when"), problems);
    }
  } else if (is_webhook) {
    trigger.kind = Trigger::Kind::webhook;
    Fields fields(value, path, problems, {"webhook"});
    const json& options = value["webhook"];
    if (options.is_null() || options.is_boolean()) {
      trigger.secret = "api-keys/webhook-secret";
    } else if (!options.is_object()) {
      fields.problem("webhook", "must be an object such as {secret: api-keys/webhook-secret}");
    } else {
      Fields webhook(options, fields.path("webhook"), problems, {"secret"});
      trigger.secret = webhook.string("secret", false, "a secret name \"<secret>/<key>\"")
                           .value_or("api-keys/webhook-secret");
      if (trigger.secret.find('/') == std::string::npos)
        webhook.problem("secret", "must name \"<secret>/<key>\", e.g. api-keys/webhook-secret");
    }
  } else {
    trigger.kind = Trigger::Kind::cron;
    Fields fields(value, path, problems, {"cron", "time_zone", "overlap", "input"});
    if (auto cron =
            fields.string("cron", true, "a 5-field cron expression such as \"0 9 * * 1-5\"")) {
      trigger.cron = *cron;
      if (auto problem = rules.cron(*cron)) fields.problem("cron", *problem);
    }
    if (auto zone =
            fields.string("time_zone", false, "an IANA time zone such as \"Europe/Paris\"")) {
      trigger.time_zone = *zone;
      if (auto problem = rules.time_zone(*zone)) fields.problem("time_zone", *problem);
    }
    if (auto overlap = fields.string("overlap", false, "skip, queue or allow")) {
      if (*overlap == "skip")
        trigger.overlap = Overlap::skip;
      else if (*overlap == "queue")
        trigger.overlap = Overlap::queue;
      else if (*overlap == "allow")
        trigger.overlap = Overlap::allow;
      else
        fields.problem("overlap", "must be skip, queue or allow, got \"" + *overlap + "\"");
    }
    if (const json* input = fields.object("input", false, "the run input")) trigger.input = *input;
  }
  definition.triggers.push_back(std::move(trigger));
}

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
  Fields top(document, "", problems,
             {"name", "version", "description", "input_schema", "timeout", "concurrency",
              "defaults", "triggers", "steps", "output"});
  if (auto name = top.string("name", true, "the workflow's name, e.g. \"review-finished-work\"")) {
    definition->name = *name;
    if (!std::regex_match(*name, workflow_name_pattern()))
      top.problem("name",
                  "use lower case letters, digits, '-' and '_' (up to 64), starting with a letter "
                  "or digit");
  }
  if (auto version = top.integer("version", 1, 1'000'000'000))
    definition->version = static_cast<int>(*version);
  if (auto description = top.string("description", false)) definition->description = *description;
  if (auto timeout = top.duration("timeout", 1)) definition->timeout_ms = *timeout;
  if (auto concurrency = top.integer("concurrency", 0, 100000))
    definition->concurrency = static_cast<int>(*concurrency);
  if (const json* schema = top.object("input_schema", false, "a JSON Schema of the run input")) {
    definition->input_schema = *schema;
    try {
      definition->input_validator = std::make_shared<InputSchema>(*schema);
    } catch (const std::exception& e) {
      top.problem("input_schema", std::string("is not a valid JSON Schema: ") + e.what());
    }
  }

  RetryPolicy default_retry;
  int64_t default_timeout = 30000;
  if (const json* defaults =
          top.object("defaults", false, "{retry, timeout} applied to every step")) {
    Fields fields(*defaults, "defaults", problems, {"retry", "timeout"});
    if (const json* retry = fields.get("retry"))
      default_retry = parse_retry(*retry, "defaults.retry", problems, default_retry);
    if (auto timeout = fields.duration("timeout", 1)) default_timeout = *timeout;
  }

  if (const json* triggers = top.get("triggers")) {
    if (!triggers->is_array())
      top.problem("triggers", "must be a list of triggers");
    else
      for (size_t i = 0; i < triggers->size(); ++i)
        parse_trigger(*definition, (*triggers)[i], index_path("triggers", i), rules, problems);
  }

  // A cron trigger's input is fixed: check it against the input schema now.
  if (definition->input_validator) {
    for (size_t i = 0; i < definition->triggers.size(); ++i) {
      const Trigger& trigger = definition->triggers[i];
      if (trigger.kind != Trigger::Kind::cron) continue;
      const Problems input_problems = definition->input_validator->validate(trigger.input);
      for (const auto& p : input_problems.items())
        problems.add(index_path("triggers", i) + "." + p.path, p.message + " (input_schema)");
    }
  }

  const json* steps = top.get("steps");
  if (!steps || !steps->is_array() || steps->empty()) {
    top.problem("steps", "required: a non-empty list of steps, each {id, type, with}");
    return definition;
  }
  // First pass: ids, so references can be checked in any order.
  for (size_t i = 0; i < steps->size(); ++i) {
    const json& raw = (*steps)[i];
    const std::string path = index_path("steps", i);
    Step step;
    if (raw.is_object() && raw.contains("id") && raw["id"].is_string()) {
      step.id = raw["id"].get<std::string>();
      if (!std::regex_match(step.id, step_id_pattern()))
        problems.add(join_path(path, "id"),
                     "step ids use letters, digits, '_' and '-', starting with a letter or '_'");
      else if (!definition->step_index.emplace(step.id, i).second)
        problems.add(join_path(path, "id"),
                     "duplicate step id '" + step.id + "'; step ids must be unique");
    }
    definition->steps.push_back(std::move(step));
  }
  for (size_t i = 0; i < steps->size(); ++i) {
    const json& raw = (*steps)[i];
    const std::string path = index_path("steps", i);
    Step& step = definition->steps[i];
    if (!raw.is_object()) {
      problems.add(path, "a step is an object {id, type, with}");
      continue;
    }
    Fields fields(raw, path, problems,
                  {"id", "type", "name", "description", "with", "retry", "timeout", "next"});
    if (!fields.get("id") || !raw["id"].is_string())
      fields.missing("id", "give the step a unique id such as \"fetch\"");
    step.retry = default_retry;
    step.timeout_ms = default_timeout;
    bool known = false;
    if (auto type = fields.string("type", true,
                                  "one of http, agent, llm, delay, condition, transform, fail")) {
      step.type = step_type_of(*type, known);
      if (!known)
        fields.problem("type", "unknown step type '" + *type +
                                   "'; use http, agent, llm, delay, condition, transform or fail");
    }
    if (known) {
      const json* with = fields.get("with");
      if (with)
        parse_with(step, *with, fields.path("with"), problems);
      else if (step.type != StepType::transform)
        fields.missing("with", "the step's parameters");
      else
        fields.missing("with", "{value: ...}, the JSON value to build");
    }
    if (const json* retry = fields.get("retry"))
      step.retry = parse_retry(*retry, fields.path("retry"), problems, default_retry);
    if (auto timeout = fields.duration("timeout", 1)) step.timeout_ms = *timeout;
    if (auto next = fields.string("next", false, "a later step id or \"end\"")) {
      step.next = *next;
      check_jump(*definition, step.next, i, fields.path("next"), problems);
    }
    if (step.type == StepType::condition) {
      check_jump(*definition, step.then_step, i, join_path(fields.path("with"), "then"), problems);
      check_jump(*definition, step.else_step, i, join_path(fields.path("with"), "else"), problems);
    }
    // Templates and JSON Logic variables may read only earlier steps.
    if (fields.get("with")) {
      for (const auto& reference : templating::scan(raw["with"], fields.path("with"), problems))
        check_reference(*definition, reference, i, problems);
    }
    if (step.type == StepType::condition && !step.condition.is_null()) {
      std::vector<std::string> vars;
      json_logic::collect_vars(step.condition, vars);
      for (const auto& var : vars) {
        if (var.rfind("steps.", 0) != 0) continue;
        templating::Reference reference;
        std::string rest = var;
        size_t pos = 0;
        while ((pos = rest.find('.')) != std::string::npos) {
          reference.segments.push_back(rest.substr(0, pos));
          rest = rest.substr(pos + 1);
        }
        reference.segments.push_back(rest);
        reference.text = var;
        reference.location = join_path(fields.path("with"), "if");
        check_reference(*definition, reference, i, problems);
      }
    }
  }
  if (const json* output = top.get("output")) {
    definition->output = *output;
    for (const auto& reference : templating::scan(*output, "output", problems))
      check_reference(*definition, reference, definition->steps.size(), problems);
  }
  return definition;
}

}  // namespace workflow
