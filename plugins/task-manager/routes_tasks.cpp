#include <agent_host/list_params.hpp>
#include <algorithm>

#include "api_schemas.hpp"
#include "list_query.hpp"
#include "routes.hpp"
#include "validation.hpp"

namespace task_manager {
namespace {

using agent_host::DeferredResponse;
using agent_host::HttpError;
using agent_host::Preconditions;
using agent_host::Request;
using agent_host::Response;
using agent_host::RouteDoc;

constexpr size_t kMaxIdempotencyKeyBytes = 200;

// `body` is to_json(task) as text when the caller has it already.
Response task_response(const Task& task, int status = 200, std::string body = {}) {
  if (body.empty()) body = to_json(task).dump();
  Response response{status, std::move(body), "application/json", {}};
  response.header("ETag", etag(task.version));
  return response;
}

// 201 for a new task; 200 when an earlier create with the same key made it.
Response created_response(const Task& task, bool replayed, std::string body = {}) {
  auto response = task_response(task, replayed ? 200 : 201, std::move(body));
  response.header("Location", "tasks/" + task.id);
  if (replayed) response.header("Idempotent-Replayed", "true");
  return response;
}

void reject_query(const Request& request) {
  const auto names = request.query_names();
  if (!names.empty())
    throw HttpError::bad_request(names.front(), "unknown query parameter '" + names.front() + "'");
}

std::optional<std::string> idempotency_key(const Request& request) {
  auto key = request.header("idempotency-key");
  if (!key) return std::nullopt;
  if (key->empty() || key->size() > kMaxIdempotencyKeyBytes)
    throw HttpError(
        400, "invalid_header",
        "Idempotency-Key must be 1.." + std::to_string(kMaxIdempotencyKeyBytes) + " bytes",
        "Idempotency-Key");
  return std::string(*key);
}

// Eight reruns in a row found the task changed by other replicas (see
// TaskService): rare enough that the client's retry is the answer.
constexpr const char* kKeptChanging =
    "Other replicas kept changing the task while this applied (code conflict); send it again";
constexpr const char* kKeyKeptChanging =
    "The task holding the Idempotency-Key kept being created and deleted by other requests "
    "(code conflict); send it again";

constexpr const char* kIfMatch =
    "The task's ETag (\"<version>\") or *: the change applies only to that version";

RouteDoc list_tasks_doc() {
  using agent_host::param_schema::enums;
  using agent_host::param_schema::text;
  using agent_host::param_schema::time;
  const std::vector<std::string> statuses(std::begin(kStatuses), std::end(kStatuses));
  const std::vector<std::string> priorities(std::begin(kPriorities), std::end(kPriorities));
  return RouteDoc{
      "List tasks: filters status, priority, assignee, tag, due_before, due_after, "
      "updated_since, q; sort created_at|updated_at|due_at (prefix - for "
      "descending); limit and cursor (next_cursor of the previous page)"}
      .id("listTasks")
      .query("status", enums(statuses), "Any of these statuses (a,b or repeated)")
      .query("priority", enums(priorities), "Any of these priorities (a,b or repeated)")
      .query("assignee", text(kMaxAssigneeBytes), "Exactly this assignee")
      .query("tag", text(kMaxTagBytes), "Carries this tag")
      .query("due_before", time(), "Due before this time")
      .query("due_after", time(), "Due after this time")
      .query("updated_since", time(), "Updated at or after this time")
      .query("created_before", time(), "Created before this time")
      .query("q", text(kMaxTitleBytes), "The title contains this text")
      .query("sort",
             {{"enum",
               {"created_at", "-created_at", "updated_at", "-updated_at", "due_at", "-due_at"}},
              {"default", "created_at"}},
             "Order; - in front for descending")
      .query("limit", agent_host::param_schema::limit(ListQuery{}.limit, kMaxPageSize), "Page size")
      .query("cursor", {{"type", "string"}, {"minLength", 1}},
             "next_cursor of the previous page (same sort)")
      .responds(200, "One page of tasks", schemas::task_page())
      .responds(400, "An invalid or unknown query parameter (field names it)");
}

}  // namespace

namespace {

void add_create_route(agent_host::Host& host, TaskService& service) {
  // Answered from the commit: validation runs on the network thread and no
  // thread waits while concurrent creates share one commit.
  host.route_deferred(
      "POST", "/tasks",
      RouteDoc{"Create a task (Idempotency-Key header: the same key returns the same task)",
               schemas::new_task()}
          .id("createTask")
          .header("Idempotency-Key",
                  "1.." + std::to_string(kMaxIdempotencyKeyBytes) +
                      " bytes; a create repeated with the same key answers the task it made")
          .responds(201, "Created; Location names the task, ETag is its version", schemas::task())
          .responds(200, "An earlier create with this Idempotency-Key made it (replayed)",
                    schemas::task())
          .responds(400, "Invalid task, header or query parameter")
          .responds(409, kKeyKeptChanging)
          .responds(415, "The body is not JSON"),
      [&service](const Request& request, DeferredResponse response) {
        reject_query(request);
        auto plan =
            service.plan_create(parse_new_task(request.json_body()), idempotency_key(request));
        // Rendered here, so the writer thread only sends it.
        Response created = created_response(plan.task, false, std::move(plan.task_json));
        service.create(
            std::move(plan), [response, created = std::move(created)](
                                 std::exception_ptr failure, const TaskService::Created& result) {
              if (failure)
                response.fail(failure);
              else
                response.send(result.replayed ? created_response(result.task, true) : created);
            });
      },
      agent_host::RouteMode::non_blocking);
}

void add_read_routes(agent_host::Host& host, TaskService& service) {
  host.route("GET", "/tasks", list_tasks_doc(), [&host](const Request& request) {
    return Response::json(list_tasks(host.sql(), parse_list_query(request)));
  });

  host.route("GET", "/tasks/{id}",
             RouteDoc{"Get a task; its ETag is the version"}
                 .id("getTask")
                 .header("If-None-Match", "An ETag from earlier: 304 when the task is unchanged")
                 .responds(200, "The task", schemas::task())
                 .responds(304, "Not modified since the ETag in If-None-Match")
                 .responds(400, "Malformed If-None-Match or an unknown query parameter")
                 .responds(404, "No such task"),
             [&service](const Request& request) {
               reject_query(request);
               const auto conditions = Preconditions::from(request);
               const Task task = service.get(request.param("id"));
               if (conditions.require(entity_tag(task.version), agent_host::Access::read) ==
                   agent_host::Precondition::not_modified)
                 return Response{304, {}, {}, {{"ETag", etag(task.version)}}};
               return task_response(task);
             });
}

// PATCH, DELETE and transitions: each honours If-Match.
void add_change_routes(agent_host::Host& host, TaskService& service) {
  host.route(
      "PATCH", "/tasks/{id}",
      RouteDoc{"Change fields of a task; If-Match with the ETag makes it conditional (412 when "
               "stale)",
               schemas::task_changes()}
          .id("updateTask")
          .header("If-Match", kIfMatch)
          .responds(200, "The changed task", schemas::task())
          .responds(400, "Invalid change, header or query parameter")
          .responds(404, "No such task")
          .responds(409, kKeptChanging)
          .responds(412, "If-Match names another version")
          .responds(415, "The body is not JSON"),
      [&service](const Request& request) {
        reject_query(request);
        const auto conditions = Preconditions::from(request);
        const TaskChanges changes = parse_changes(request.json_body());
        return task_response(service.update(request.param("id"), changes, conditions));
      });

  host.route("DELETE", "/tasks/{id}",
             RouteDoc{"Delete a task (If-Match honoured)"}
                 .id("deleteTask")
                 .header("If-Match", kIfMatch)
                 .responds(204, "Deleted")
                 .responds(400, "Malformed If-Match or an unknown query parameter")
                 .responds(404, "No such task")
                 .responds(409, kKeptChanging)
                 .responds(412, "If-Match names another version"),
             [&service](const Request& request) {
               reject_query(request);
               service.remove(request.param("id"), Preconditions::from(request));
               return Response::no_content();
             });

  host.route(
      "POST", "/tasks/{id}/transitions",
      RouteDoc{"Move a task to another status, e.g. {\"to\":\"done\"}; an illegal transition is "
               "409 naming both states",
               schemas::transition()}
          .id("transitionTask")
          .header("If-Match", kIfMatch)
          .responds(200, "The task in its new status", schemas::task())
          .responds(400, "Invalid target, header or query parameter")
          .responds(404, "No such task")
          .responds(409,
                    "The transition is not allowed from the current status (code "
                    "illegal_transition), or another replica kept changing the task while this "
                    "applied (code conflict): send it again")
          .responds(412, "If-Match names another version")
          .responds(415, "The body is not JSON"),
      [&service](const Request& request) {
        reject_query(request);
        const auto conditions = Preconditions::from(request);
        const std::string to = parse_transition_target(request.json_body());
        return task_response(service.transition(request.param("id"), to, conditions));
      });
}

void add_bulk_route(agent_host::Host& host, TaskService& service) {
  host.route("POST", "/tasks/bulk",
             RouteDoc{"Create and/or update many tasks in one transaction (all or nothing)",
                      schemas::bulk_request()}
                 .id("bulkTasks")
                 .responds(200, "Every item applied", schemas::bulk_response())
                 .responds(400, "An invalid item (field names its index); nothing applied")
                 .responds(404, "An update names no task; nothing applied")
                 .responds(409, kKeptChanging)
                 .responds(412, "An update's if_match names another version; nothing applied")
                 .responds(415, "The body is not JSON"),
             [&service](const Request& request) {
               reject_query(request);
               return Response::json(service.bulk(request.json_body()));
             });
}

}  // namespace

void add_task_routes(agent_host::Host& host, TaskService& service) {
  add_create_route(host, service);
  add_read_routes(host, service);
  add_change_routes(host, service);
  add_bulk_route(host, service);
}

}  // namespace task_manager
