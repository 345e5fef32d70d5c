// /runs: list with filters and keyset pagination, read one, cancel.
#include <agent_host/list_params.hpp>

#include "api_schemas.hpp"
#include "clock.hpp"
#include "routes.hpp"

namespace workflow {

namespace {

using agent_host::HttpError;
using agent_host::Request;
using agent_host::Response;

constexpr int64_t kMaxRunsPerPage = 500;
constexpr size_t kMaxWorkflowNameBytes = 64;  // the longest name a definition may have

// The cursor is "<created_at ms>.<run id>" of the last item of the previous page.
void read_cursor(const std::string& text, RunFilter& filter) {
  const size_t dot = text.find('.');
  const auto created = dot == std::string::npos
                           ? std::nullopt
                           : agent_host::plain_integer(std::string_view(text).substr(0, dot));
  if (!created || dot + 1 >= text.size()) throw agent_host::ListParams::bad_cursor();
  filter.cursor_created = *created;
  filter.cursor_id = text.substr(dot + 1);
}

agent_host::RouteDoc list_runs_doc() {
  return agent_host::RouteDoc{
      "List runs, newest first: ?workflow=&status=a,b&from=&to=&limit=&cursor="}
      .id("listRuns")
      .query("workflow", agent_host::param_schema::text(kMaxWorkflowNameBytes),
             "Runs of this workflow")
      .query("status",
             agent_host::param_schema::enums({std::begin(status::kAll), std::end(status::kAll)}),
             "Any of these statuses (a,b or repeated)")
      .query("from", agent_host::param_schema::time(), "Created at or after")
      .query("to", agent_host::param_schema::time(), "Created before")
      .query(
          "limit",
          agent_host::param_schema::limit(static_cast<int64_t>(RunFilter{}.limit), kMaxRunsPerPage),
          "Page size")
      .query("cursor", {{"type", "string"}, {"minLength", 1}}, "next_cursor of the previous page")
      .responds(200, "One page of runs", schemas::run_page())
      .responds(400, "An invalid or unknown query parameter (field names it)");
}

RunFilter run_filter(const Request& request) {
  const agent_host::ListParams params(request,
                                      {"workflow", "status", "from", "to", "limit", "cursor"});
  RunFilter filter;
  filter.workflow = params.text("workflow", kMaxWorkflowNameBytes).value_or("");
  filter.statuses = params.enums("status", {std::begin(status::kAll), std::end(status::kAll)});
  filter.created_from = params.time("from").value_or(0);
  filter.created_to = params.time("to").value_or(INT64_MAX);
  filter.limit =
      static_cast<size_t>(params.limit(static_cast<int64_t>(filter.limit), kMaxRunsPerPage));
  if (auto cursor = params.cursor()) read_cursor(*cursor, filter);
  return filter;
}

Response list_runs(Engine& engine, const Request& request) {
  RunPage page = engine.store().list_runs(run_filter(request));
  json items = json::array();
  for (const auto& run : page.items) items.push_back(run.to_summary());
  json next = nullptr;
  if (page.more && !page.items.empty())
    next = std::to_string(page.items.back().created_at) + "." + page.items.back().id;
  return Response::json({{"items", items}, {"next_cursor", next}});
}

Response get_run(Engine& engine, const Request& request) {
  auto run = engine.store().run(request.param("id"));
  if (!run) throw HttpError::not_found("run '" + request.param("id") + "'");
  return Response::json(run->to_api());
}

Response cancel_run(Engine& engine, const Request& request) {
  auto outcome = engine.cancel(request.param("id"));
  if (!outcome.found) throw HttpError::not_found("run '" + request.param("id") + "'");
  if (!outcome.cancelled)
    throw HttpError(409, "already_finished", "the run already finished as " + outcome.status, "id");
  auto run = engine.store().run(request.param("id"));
  return Response::json(run ? run->to_api() : json{{"id", request.param("id")}});
}

}  // namespace

void add_run_routes(agent_host::Host& host, Engine& engine) {
  host.route("GET", "/runs", list_runs_doc(),
             [&engine](const Request& r) { return list_runs(engine, r); });
  host.route("GET", "/runs/{id}",
             agent_host::RouteDoc{"A run with its steps, attempts, inputs, outputs and errors"}
                 .id("getRun")
                 .responds(200, "The run", schemas::run())
                 .responds(404, "No such run"),
             [&engine](const Request& r) { return get_run(engine, r); });
  host.route("POST", "/runs/{id}/cancel",
             agent_host::RouteDoc{"Cancel a queued, running or waiting run"}
                 .id("cancelRun")
                 .responds(200, "Cancelled", schemas::run())
                 .responds(404, "No such run")
                 .responds(409, "The run already finished"),
             [&engine](const Request& r) { return cancel_run(engine, r); });
}

}  // namespace workflow
