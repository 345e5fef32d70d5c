// Triggers from outside: task events (POST /events) and signed webhooks
// (POST /hooks/{name}).
#include <agent_host/json_schema.hpp>

#include "api_schemas.hpp"
#include "clock.hpp"
#include "crypto.hpp"
#include "json_logic.hpp"
#include "routes.hpp"
#include "webhook_auth.hpp"

namespace workflow {

namespace {

using agent_host::HttpError;
using agent_host::Request;
using agent_host::Response;

// The body against the schema /openapi.json publishes for it; then what JSON
// Schema does not say: occurred_at is a real RFC 3339 time.
void check_event(const json& event) {
  static const agent_host::JsonSchema kEvent(schemas::event(),
                                             agent_host::JsonSchema::Formats::annotations);
  kEvent.require(event);
  if (event.contains("occurred_at") && !parse_time(event["occurred_at"].get<std::string>()))
    throw HttpError::bad_request("occurred_at", "occurred_at must be an RFC 3339 time");
}

bool matches(const Trigger& trigger, const std::string& type, const json& data) {
  if (trigger.kind != Trigger::Kind::event) return false;
  if (trigger.event != "*" && trigger.event != type) return false;
  if (trigger.when.is_null()) return true;
  try {
    return json_logic::truthy(json_logic::apply(trigger.when, data));
  } catch (const json_logic::LogicError&) {
    return false;
  }
}

// Starts `definition` for a task event, once per event id; the answer's entry.
json start_for_event(Engine& engine, const DefinitionPtr& definition, const json& event,
                     const json& data) {
  StartRequest start;
  start.definition = definition;
  start.input = data;
  start.trigger = {{"kind", "event"}, {"event_id", event["id"]}, {"type", event["type"]}};
  start.trigger_key = "event";
  // The event id is the idempotency key: a redelivery starts nothing new.
  start.idempotency_key = "event:" + event["id"].get<std::string>();
  start.request_hash = start.idempotency_key;
  try {
    RunRecord created;
    auto outcome = engine.start_run(start, &created);
    return {
        {"workflow", definition->name}, {"run_id", outcome.run_id}, {"created", outcome.created}};
  } catch (const InvalidInput& e) {
    return {{"workflow", definition->name}, {"skipped", e.what()}};
  }
}

bool any_trigger_matches(const Definition& definition, const std::string& type, const json& data) {
  for (const auto& trigger : definition.triggers)
    if (matches(trigger, type, data)) return true;
  return false;
}

Response receive_event(Engine& engine, Metrics& metrics, const Request& request) {
  const json event = request.json_body();
  check_event(event);
  const std::string type = event["type"].get<std::string>();
  metrics.event_received(type);
  // Workflows see {"event": ..., "task": ...} in `when` and as input.
  const json data = {{"event", event}, {"task", event["task"]}};
  json runs = json::array();
  bool duplicate = false;
  for (const auto& definition : engine.registry().all_latest()) {
    if (!any_trigger_matches(*definition, type, data)) continue;  // one run per workflow
    runs.push_back(start_for_event(engine, definition, event, data));
    duplicate = duplicate || !runs.back().value("created", true);
  }
  return Response::json({{"accepted", true}, {"duplicate", duplicate}, {"runs", runs}}, 202);
}

agent_host::RouteDoc webhook_doc() {
  return agent_host::RouteDoc{
      "Signed webhook: X-Signature: sha256=<HMAC of \"<X-Timestamp>.<body>\">"}
      .id("receiveWebhook")
      .header("X-Signature", "sha256=<hex HMAC-SHA256 of \"<X-Timestamp>.<body>\">", true)
      .header("X-Timestamp", "Unix seconds; refused outside the replay window", true,
              {{"type", "string"}, {"pattern", "^[0-9]+$"}})
      .accepts("application/json", {{"description", "Any body: the run's input.body"}})
      .accepts("text/plain")
      .responds(202, "Started a run of the workflow", schemas::run_start())
      .responds(400, "The workflow refuses the input")
      .responds(401, "Missing, stale or wrong signature (field names the header)")
      .responds(404, "No workflow with a webhook trigger of this name")
      .responds(409, "This signed request was already received (replay)")
      .responds(503, "The webhook secret is not mounted");
}

// What a webhook needs from the plugin: its engine, metrics and settings.
struct WebhookContext {
  agent_host::Host& host;
  Engine& engine;
  Metrics& metrics;
  std::string default_secret;
  int64_t window_s;
};

const Trigger* webhook_trigger(const DefinitionPtr& definition) {
  const Trigger* trigger = nullptr;
  if (definition)
    for (const auto& t : definition->triggers)
      if (t.kind == Trigger::Kind::webhook) trigger = &t;
  return trigger;
}

// Refuses a request whose signature is missing, stale, wrong or replayed.
void authenticate(const WebhookContext& hooks, const Trigger& trigger, const Request& request) {
  const std::string secret_name = trigger.secret.empty() ? hooks.default_secret : trigger.secret;
  auto secret = hooks.host.secret(secret_name);
  if (!secret || secret->empty())
    throw HttpError(503, "webhook_secret_missing",
                    "the webhook secret " + secret_name + " is not mounted; add it to the secrets");
  auto check = verify_webhook(*secret, request.header("x-signature"), request.header("x-timestamp"),
                              request.body(), now_ms() / 1000, hooks.window_s);
  if (check.verdict != WebhookVerdict::ok) {
    hooks.metrics.rejected_webhook(to_string(check.verdict));
    const bool about_time = check.verdict == WebhookVerdict::missing_timestamp ||
                            check.verdict == WebhookVerdict::stale;
    throw HttpError(401, to_string(check.verdict), check.message,
                    about_time ? "X-Timestamp" : "X-Signature");
  }
  // A signature covers its timestamp, so remembering it for twice the
  // window catches every replay that would still pass the time check.
  if (!hooks.engine.store().remember_once("hook:" + request.param("name") + ":" + check.signature,
                                          2 * hooks.window_s * 1000, now_ms())) {
    hooks.metrics.rejected_webhook("replayed");
    throw HttpError(409, "replayed", "this signed request was already received", "X-Signature");
  }
}

// The run's input: the body (JSON when it parses, else text) and the headers
// but the credentials.
json webhook_input(const Request& request) {
  json body;
  try {
    body = request.body().empty() ? json(nullptr) : agent_host::parse_json(request.body());
  } catch (const agent_host::InvalidJson&) {
    body = std::string(request.body());
  }
  json headers = json::object();
  for (const auto& [name, value] : request.headers()) {
    if (name == "authorization" || name == "x-signature" || name == "cookie") continue;
    headers[std::string(name)] = std::string(value);
  }
  return {{"body", body}, {"headers", headers}};
}

Response receive_webhook(const WebhookContext& hooks, const Request& request) {
  DefinitionPtr definition = hooks.engine.registry().latest(request.param("name"));
  const Trigger* trigger = webhook_trigger(definition);
  if (!trigger) throw HttpError::not_found("webhook for workflow '" + request.param("name") + "'");
  authenticate(hooks, *trigger, request);
  StartRequest start;
  start.definition = definition;
  start.input = webhook_input(request);
  start.trigger = {{"kind", "webhook"}};
  start.trigger_key = "webhook";
  try {
    RunRecord created;
    auto outcome = hooks.engine.start_run(start, &created);
    return Response::json(run_start_answer(hooks.engine, outcome, created), 202);
  } catch (const InvalidInput& e) {
    throw problems_error(400, "invalid_input", e.what(), e.problems());
  }
}

}  // namespace

void add_trigger_routes(agent_host::Host& host, Engine& engine, Metrics& metrics,
                        const PluginConfig& config) {
  host.route("POST", "/events",
             agent_host::RouteDoc{"Task events from the Task Manager; starts matching workflows "
                                  "(at-least-once, deduped by id)",
                                  schemas::event()}
                 .id("receiveTaskEvent")
                 .responds(202, "Accepted: the runs it started (none when no workflow matches)",
                           schemas::event_answer())
                 .responds(400, "Not a task event (field names what is wrong)")
                 .responds(415, "The body is not JSON"),
             [&engine, &metrics](const Request& r) { return receive_event(engine, metrics, r); });
  const WebhookContext hooks{host, engine, metrics, config.webhook_secret, config.replay_window_s};
  host.route("POST", "/hooks/{name}", webhook_doc(),
             [hooks](const Request& r) { return receive_webhook(hooks, r); });
}

}  // namespace workflow
