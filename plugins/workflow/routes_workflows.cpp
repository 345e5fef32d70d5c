// /workflows: upload (new version), list, read, delete, and start a run.
#include <agent_host/json_schema.hpp>
#include <agent_host/list_params.hpp>

#include "api_schemas.hpp"
#include "clock.hpp"
#include "crypto.hpp"
#include "document.hpp"
#include "routes.hpp"

namespace workflow {

namespace {

using agent_host::HttpError;
using agent_host::Request;
using agent_host::Response;

json summary(const Definition& d) {
  json triggers = json::array();
  for (size_t i = 0; i < d.triggers.size(); ++i) {
    const Trigger& t = d.triggers[i];
    if (t.kind == Trigger::Kind::event) triggers.push_back({{"event", t.event}});
    if (t.kind == Trigger::Kind::webhook) triggers.push_back({{"webhook", true}});
    if (t.kind == Trigger::Kind::cron)
      triggers.push_back({{"cron", t.cron},
                          {"overlap", to_string(t.overlap)},
                          {"job", CronTriggers::job_name(d.name, i, t)}});
  }
  return json{{"name", d.name},          {"version", *d.version}, {"description", d.description},
              {"steps", d.steps.size()}, {"triggers", triggers},  {"concurrency", d.concurrency}};
}

DefinitionPtr find(Engine& engine, const Request& request) {
  const std::string name = request.param("name");
  if (auto version = request.query("version")) {
    const auto number = agent_host::plain_integer(*version);
    if (!number || *number > INT32_MAX)
      throw HttpError::bad_request("version", "version must be a whole number, e.g. ?version=2");
    if (auto definition = engine.registry().get(name, static_cast<int>(*number))) return definition;
    throw HttpError::not_found("version " + *version + " of workflow '" + name + "'");
  }
  if (auto definition = engine.registry().latest(name)) return definition;
  throw HttpError::not_found("workflow '" + name + "'");
}

agent_host::RouteDoc start_run_doc() {
  agent_host::RouteDoc doc{
      "Start a run: {\"input\": {...}}; an Idempotency-Key header dedupes starts",
      schemas::run_start_request()};
  doc.id("startRun")
      .header("Idempotency-Key",
              "1..200 characters; a start repeated with the same key and input answers the "
              "first run")
      .responds(202, "Started: the run is queued", schemas::run_start())
      .responds(200, "An earlier start with this Idempotency-Key made the run",
                schemas::run_start())
      .responds(400, "Invalid body, input or header")
      .responds(404, "No such workflow")
      .responds(409, "The Idempotency-Key already started a run with another input")
      .responds(415, "The body is not JSON");
  doc.openapi["requestBody"]["required"] = false;  // no body: an empty input
  return doc;
}

agent_host::RouteDoc upload_doc() {
  return agent_host::RouteDoc{
      "Upload a workflow definition (YAML or JSON); a changed one becomes a new version",
      schemas::definition()}
      .id("putWorkflow")
      .accepts("application/yaml", schemas::definition())
      .responds(201, "A new workflow, or a new version of it", schemas::workflow_summary())
      .responds(200, "The same definition as the newest version: nothing changed",
                schemas::workflow_summary())
      .responds(400, "Not YAML or JSON, or an invalid definition (problems lists each)")
      .responds(409, "Another upload made this version at the same time");
}

json uploaded_document(agent_host::Host& host, const Request& request) {
  if (request.body().empty())
    throw HttpError::bad_request("body", "send the workflow definition as YAML or JSON");
  try {
    return parse_document(request.body(),
                          [&host](std::string_view yaml) { return host.parse_yaml(yaml, "body"); });
  } catch (const DocumentError& e) {
    throw HttpError(400, "invalid_document", e.what(), "body");
  }
}

Response upload(agent_host::Host& host, Engine& engine, CronTriggers& schedules,
                const Request& request) {
  const json document = uploaded_document(host, request);
  try {
    Registered registered = engine.registry().put(document);
    schedules.sync();
    json body = summary(*registered.definition);
    body["created"] = registered.created;
    return Response::json(body, registered.created ? 201 : 200);
  } catch (const InvalidDefinition& e) {
    throw problems_error(400, "invalid_definition", e.what(), e.problems());
  } catch (const StoreConflict& e) {
    throw HttpError(409, "version_conflict", e.what(), "version");
  }
}

Response list_workflows(Engine& engine, const Request& request) {
  reject_unknown_query(request, {});
  json items = json::array();
  for (const auto& definition : engine.registry().all_latest())
    items.push_back(summary(*definition));
  return Response::json({{"items", items}});
}

Response get_workflow(Engine& engine, const Request& request) {
  reject_unknown_query(request, {"version"});
  DefinitionPtr definition = find(engine, request);
  json body = summary(*definition);
  body["definition"] = definition->document;
  return Response::json(body);
}

Response delete_workflow(Engine& engine, const Request& request) {
  if (!engine.registry().remove(request.param("name")))
    throw HttpError::not_found("workflow '" + request.param("name") + "'");
  return Response::no_content();
}

// The start a POST /workflows/{name}/runs asks for: its input and idempotency key.
StartRequest start_request(DefinitionPtr definition, const Request& request) {
  static const agent_host::JsonSchema kBody(schemas::run_start_request());
  json body = request.body().empty() ? json::object() : request.json_body();
  kBody.require(body);
  StartRequest start;
  start.definition = std::move(definition);
  start.input = body.value("input", json::object());
  if (auto key = request.header("idempotency-key")) {
    if (key->empty() || key->size() > 200)
      throw HttpError::bad_request("Idempotency-Key", "use 1 to 200 characters");
    start.idempotency_key = "api:" + std::string(*key);
    start.request_hash = crypto::sha256_hex(start.input.dump());
  }
  return start;
}

// Starts the run on the cached latest version; when another replica changed
// the workflow meanwhile, reads its latest version and starts again.
CreateOutcome start_on_latest(Engine& engine, StartRequest& start, const std::string& name,
                              RunRecord& created) {
  start.require_latest = !engine.store().process_local();
  auto outcome = engine.start_run(start, &created);
  if (!outcome.stale_definition) return outcome;
  engine.registry().forget_latest(name);
  start.definition = engine.registry().latest(name);
  if (!start.definition) throw HttpError::not_found("workflow '" + name + "'");
  start.require_latest = false;
  return engine.start_run(start, &created);
}

Response start_run(Engine& engine, const Request& request) {
  const std::string name = request.param("name");
  // The cached latest version; a shared store confirms it as it creates the run.
  DefinitionPtr definition = engine.registry().latest_cached(name);
  if (!definition) throw HttpError::not_found("workflow '" + name + "'");
  StartRequest start = start_request(std::move(definition), request);
  try {
    RunRecord created;
    const auto outcome = start_on_latest(engine, start, name, created);
    if (!outcome.same_request)
      throw HttpError(409, "idempotency_key_reused",
                      "this Idempotency-Key already started run " + outcome.run_id +
                          " with a different input; use a new key",
                      "Idempotency-Key");
    return Response::json(run_start_answer(engine, outcome, created), outcome.created ? 202 : 200);
  } catch (const InvalidInput& e) {
    throw problems_error(400, "invalid_input", e.what(), e.problems());
  }
}

}  // namespace

void add_workflow_routes(agent_host::Host& host, Engine& engine, CronTriggers& schedules) {
  host.route("POST", "/workflows", upload_doc(), [&host, &engine, &schedules](const Request& r) {
    return upload(host, engine, schedules, r);
  });
  host.route("GET", "/workflows",
             agent_host::RouteDoc{"List workflows (newest version of each)"}
                 .id("listWorkflows")
                 .responds(200, "Every workflow", schemas::workflow_list())
                 .responds(400, "A query parameter (this route takes none)"),
             [&engine](const Request& r) { return list_workflows(engine, r); });
  host.route("GET", "/workflows/{name}",
             agent_host::RouteDoc{"A workflow's newest (or ?version=N) definition"}
                 .id("getWorkflow")
                 .query("version", {{"type", "integer"}, {"minimum", 0}, {"maximum", INT32_MAX}},
                        "This version instead of the newest")
                 .responds(200, "The workflow and its definition", schemas::workflow_detail())
                 .responds(400, "An invalid version or an unknown query parameter")
                 .responds(404, "No such workflow or version"),
             [&engine](const Request& r) { return get_workflow(engine, r); });
  host.route("DELETE", "/workflows/{name}",
             agent_host::RouteDoc{"Delete a workflow (running runs finish on their version)"}
                 .id("deleteWorkflow")
                 .responds(204, "Deleted")
                 .responds(404, "No such workflow"),
             [&engine](const Request& r) { return delete_workflow(engine, r); });
  host.route("POST", "/workflows/{name}/runs", start_run_doc(),
             [&engine](const Request& r) { return start_run(engine, r); });
}

}  // namespace workflow
