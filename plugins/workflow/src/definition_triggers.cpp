// A definition's triggers: task events, webhooks and cron schedules.
#include "definition_parts.hpp"
#include "json_logic.hpp"

namespace workflow::definition_parts {

namespace {

void parse_event(Trigger& trigger, const json& value, const std::string& path, Problems& problems) {
  trigger.kind = Trigger::Kind::event;
  Fields fields(value, path, problems, {"event", "when"});
  static const std::set<std::string> events = {"task.created", "task.updated", "task.transitioned",
                                               "task.deleted", "*"};
  if (auto event = fields.string("event", true, "a task event type")) {
    if (!events.count(*event))
      fields.problem("event", "unknown event '" + *event + "'; use one of " + list_of(events));
    trigger.event = *event;
  }
  if (const json* when = fields.get("when")) {
    trigger.when = *when;
    json_logic::check(*when, fields.path("when"), problems);
  }
}

void parse_webhook(Trigger& trigger, const json& value, const std::string& path,
                   Problems& problems) {
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
}

std::optional<Overlap> overlap_of(const std::string& name) {
  for (Overlap overlap : {Overlap::skip, Overlap::queue, Overlap::allow})
    if (name == to_string(overlap)) return overlap;
  return std::nullopt;
}

void parse_cron(Trigger& trigger, const json& value, const std::string& path,
                const ScheduleRules& rules, Problems& problems) {
  trigger.kind = Trigger::Kind::cron;
  Fields fields(value, path, problems, {"cron", "time_zone", "overlap", "input"});
  if (auto cron =
          fields.string("cron", true, "a 5-field cron expression such as \"0 9 * * 1-5\"")) {
    trigger.cron = *cron;
    if (auto problem = rules.cron(*cron)) fields.problem("cron", *problem);
  }
  if (auto zone = fields.string("time_zone", false, "an IANA time zone such as \"Europe/Paris\"")) {
    trigger.time_zone = *zone;
    if (auto problem = rules.time_zone(*zone)) fields.problem("time_zone", *problem);
  }
  if (auto overlap = fields.string("overlap", false, "skip, queue or allow")) {
    if (auto known = overlap_of(*overlap))
      trigger.overlap = *known;
    else
      fields.problem("overlap", "must be skip, queue or allow, got \"" + *overlap + "\"");
  }
  if (const json* input = fields.object("input", false, "the run input")) trigger.input = *input;
}

}  // namespace

void parse_trigger(Definition& definition, const json& value, const std::string& path,
                   const ScheduleRules& rules, Problems& problems) {
  if (!value.is_object()) {
    problems.add(path, "a trigger is an object: {event: ...}, {webhook: {}} or {cron: \"...\"}");
    return;
  }
  const bool is_event = value.contains("event"), is_webhook = value.contains("webhook"),
             is_cron = value.contains("cron");
  if (is_event + is_webhook + is_cron != 1) {
    problems.add(path, "a trigger has exactly one of the keys event, webhook or cron");
    return;
  }
  Trigger trigger;
  if (is_event)
    parse_event(trigger, value, path, problems);
  else if (is_webhook)
    parse_webhook(trigger, value, path, problems);
  else
    parse_cron(trigger, value, path, rules, problems);
  definition.triggers.push_back(std::move(trigger));
}

}  // namespace workflow::definition_parts
