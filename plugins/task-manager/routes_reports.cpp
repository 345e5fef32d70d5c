#include <agent_host/list_params.hpp>
#include <agent_host/time.hpp>
#include <algorithm>

#include "api_schemas.hpp"
#include "routes.hpp"
#include "stats.hpp"
#include "validation.hpp"

namespace task_manager {
namespace {

using agent_host::HttpError;
using agent_host::Request;
using agent_host::Response;
using agent_host::RouteDoc;

constexpr int64_t kDefaultStatsWindowMs = 7LL * 24 * 3600 * 1000;

void allow_only(const Request& request, std::initializer_list<std::string_view> allowed) {
  for (const auto& name : request.query_names())
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      throw HttpError::bad_request(name, "unknown query parameter '" + name + "'");
}

}  // namespace

void add_report_routes(agent_host::Host& host, DailyReports& reports) {
  host.route(
      "GET", "/stats",
      RouteDoc{"Task statistics for the window [from, to) (RFC 3339; defaults: the last 7 days). "
               "fields=created,completed,... answers only the named figures (and from, to)"}
          .id("getTaskStats")
          .query("from", agent_host::param_schema::time(), "Window start (default: to - 7 days)")
          .query("to", agent_host::param_schema::time(), "Window end, exclusive (default: now)")
          .query("fields", {{"type", "string"}, {"minLength", 1}},
                 "Comma-separated figures to answer (see the response's description)")
          .responds(200, "The figures", schemas::stats())
          .responds(400, "An invalid time, window or field name"),
      [&host](const Request& request) {
        const agent_host::ListParams params(request, {"from", "to", "fields"});
        const int64_t now = agent_host::now_ms();
        const int64_t to = params.time("to").value_or(now);
        const int64_t from = params.time("from").value_or(to - kDefaultStatsWindowMs);
        if (from >= to) throw HttpError::bad_request("from", "from must be earlier than to");
        unsigned fields = kAllStatsFields;
        if (const auto fields_text = request.query("fields")) {
          std::string error;
          const auto parsed = parse_stats_fields(*fields_text, error);
          if (!parsed) throw HttpError::bad_request("fields", error);
          fields = *parsed;
        }
        return Response::json(compute_stats(host.sql(), from, to, now, fields));
      });

  host.route("GET", "/reports/daily",
             RouteDoc{"The daily summary of a local date (?date=YYYY-MM-DD, default today in the "
                      "configured time zone): stored by the daily-report job, else computed live"}
                 .id("getDailyTaskReport")
                 .query("date", {{"type", "string"}, {"format", "date"}},
                        "The local date (default: today in the plugin's time zone)")
                 .responds(200, "The day's summary", schemas::daily_report())
                 .responds(400, "An invalid date or an unknown query parameter"),
             [&reports](const Request& request) {
               allow_only(request, {"date"});
               return Response::json(reports.report(request.query("date")));
             });
}

}  // namespace task_manager
