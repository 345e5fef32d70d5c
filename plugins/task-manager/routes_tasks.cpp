#include <algorithm>

#include "api_schemas.hpp"
#include "list_query.hpp"
#include "routes.hpp"
#include "validation.hpp"

namespace task_manager {
namespace {

using agent_host::HttpError;
using agent_host::Preconditions;
using agent_host::Request;
using agent_host::Responder;
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

}  // namespace

void add_task_routes(agent_host::Host& host, TaskService& service) {
  // Answered from the commit: validation runs on the network thread and no
  // thread waits while concurrent creates share one commit.
  host.route_async(
      "POST", "/tasks",
      RouteDoc{"Create a task (Idempotency-Key header: the same key returns the same task)",
               schemas::new_task(), schemas::task()},
      [&service](const Request& request, Responder responder) {
        reject_query(request);
        auto plan =
            service.plan_create(parse_new_task(request.json_body()), idempotency_key(request));
        // Rendered here, so the writer thread only sends it.
        Response created = created_response(plan.task, false, std::move(plan.task_json));
        service.create(
            std::move(plan), [responder, created = std::move(created)](
                                 std::exception_ptr failure, const TaskService::Created& result) {
              if (failure)
                responder.fail(failure);
              else
                responder.send(result.replayed ? created_response(result.task, true) : created);
            });
      },
      agent_host::RouteMode::non_blocking);

  host.route(
      "GET", "/tasks",
      RouteDoc{"List tasks: filters status, priority, assignee, tag, due_before, due_after, "
               "updated_since, q; sort created_at|updated_at|due_at (prefix - for descending); "
               "limit and cursor (next_cursor of the previous page)",
               nullptr, schemas::task_page()},
      [&host](const Request& request) {
        return Response::json(list_tasks(host.sql(), parse_list_query(request)));
      });

  host.route("GET", "/tasks/{id}",
             RouteDoc{"Get a task; its ETag is the version", nullptr, schemas::task()},
             [&service](const Request& request) {
               reject_query(request);
               const auto conditions = Preconditions::from(request);
               const Task task = service.get(request.param("id"));
               if (conditions.require(entity_tag(task.version), agent_host::Access::read) ==
                   agent_host::Precondition::not_modified)
                 return Response{304, {}, {}, {{"ETag", etag(task.version)}}};
               return task_response(task);
             });

  host.route(
      "PATCH", "/tasks/{id}",
      RouteDoc{"Change fields of a task; If-Match with the ETag makes it conditional (412 when "
               "stale)",
               schemas::task_changes(), schemas::task()},
      [&service](const Request& request) {
        reject_query(request);
        const auto conditions = Preconditions::from(request);
        const TaskChanges changes = parse_changes(request.json_body());
        return task_response(service.update(request.param("id"), changes, conditions));
      });

  host.route("DELETE", "/tasks/{id}",
             RouteDoc{"Delete a task (If-Match honoured)", nullptr, nullptr},
             [&service](const Request& request) {
               reject_query(request);
               service.remove(request.param("id"), Preconditions::from(request));
               return Response::no_content();
             });

  host.route(
      "POST", "/tasks/{id}/transitions",
      RouteDoc{"Move a task to another status, e.g. {\"to\":\"done\"}; an illegal transition is "
               "409 naming both states",
               schemas::transition(), schemas::task()},
      [&service](const Request& request) {
        reject_query(request);
        const auto conditions = Preconditions::from(request);
        const std::string to = parse_transition_target(request.json_body());
        return task_response(service.transition(request.param("id"), to, conditions));
      });

  host.route("POST", "/tasks/bulk",
             RouteDoc{"Create and/or update many tasks in one transaction (all or nothing)",
                      schemas::bulk_request(), schemas::bulk_response()},
             [&service](const Request& request) {
               reject_query(request);
               return Response::json(service.bulk(request.json_body()));
             });
}

}  // namespace task_manager
