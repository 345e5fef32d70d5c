// /runs: list with filters and keyset pagination, read one, cancel.
#include <sstream>

#include "clock.hpp"
#include "routes.hpp"

namespace workflow {

namespace {

using agent_host::HttpError;
using agent_host::Request;
using agent_host::Response;

// The cursor is "<created_at ms>.<run id>" of the last item of the previous page.
void read_cursor(const std::string& text, RunFilter& filter) {
  const size_t dot = text.find('.');
  try {
    if (dot == std::string::npos || dot == 0 || dot + 1 >= text.size())
      throw std::invalid_argument("shape");
    size_t used = 0;
    filter.cursor_created = std::stoll(text.substr(0, dot), &used);
    if (used != dot) throw std::invalid_argument("number");
    filter.cursor_id = text.substr(dot + 1);
  } catch (const std::exception&) {
    throw HttpError::bad_request("cursor",
                                 "cursor is malformed; pass the next_cursor of the previous page");
  }
}

int64_t read_time(const Request& request, const std::string& name, int64_t fallback) {
  auto text = request.query(name);
  if (!text) return fallback;
  auto value = parse_time(*text);
  if (!value)
    throw HttpError::bad_request(name,
                                 name + " must be an RFC 3339 time such as 2024-05-01T00:00:00Z");
  return *value;
}

}  // namespace

void add_run_routes(agent_host::Host& host, Engine& engine) {
  host.route(
      "GET", "/runs", "List runs, newest first: ?workflow=&status=a,b&from=&to=&limit=&cursor=",
      [&engine](const Request& request) {
        reject_unknown_query(request, {"workflow", "status", "from", "to", "limit", "cursor"});
        RunFilter filter;
        filter.workflow = request.query("workflow").value_or("");
        for (const auto& value : request.query_all("status")) {
          std::stringstream items(value);
          for (std::string item; std::getline(items, item, ',');) {
            if (!status::is_known(item))
              throw HttpError::bad_request("status",
                                           "unknown status '" + item +
                                               "'; use queued, running, waiting, succeeded, "
                                               "failed, cancelled or timed_out");
            filter.statuses.push_back(item);
          }
        }
        filter.created_from = read_time(request, "from", 0);
        filter.created_to = read_time(request, "to", INT64_MAX);
        if (auto limit = request.query("limit")) {
          int value = 0;
          try {
            value = std::stoi(*limit);
          } catch (const std::exception&) {
          }
          if (value < 1 || value > 500)
            throw HttpError::bad_request("limit", "limit must be 1 to 500");
          filter.limit = static_cast<size_t>(value);
        }
        if (auto cursor = request.query("cursor")) read_cursor(*cursor, filter);
        RunPage page = engine.store().list_runs(filter);
        json items = json::array();
        for (const auto& run : page.items) items.push_back(run.to_summary());
        json next = nullptr;
        if (page.more && !page.items.empty())
          next = std::to_string(page.items.back().created_at) + "." + page.items.back().id;
        return Response::json({{"items", items}, {"next_cursor", next}});
      });

  host.route("GET", "/runs/{id}", "A run with its steps, attempts, inputs, outputs and errors",
             [&engine](const Request& request) {
               auto run = engine.store().run(request.param("id"));
               if (!run) throw HttpError::not_found("run '" + request.param("id") + "'");
               return Response::json(run->to_api());
             });

  host.route("POST", "/runs/{id}/cancel", "Cancel a queued, running or waiting run",
             [&engine](const Request& request) {
               auto outcome = engine.cancel(request.param("id"));
               if (!outcome.found) throw HttpError::not_found("run '" + request.param("id") + "'");
               if (!outcome.cancelled)
                 throw HttpError(409, "already_finished",
                                 "the run already finished as " + outcome.status, "id");
               auto run = engine.store().run(request.param("id"));
               return Response::json(run ? run->to_api() : json{{"id", request.param("id")}});
             });
}

}  // namespace workflow
