// GET /stats: the cross-agent contract the reporting agent reads.
#include <agent_host/list_params.hpp>

#include "api_schemas.hpp"
#include "clock.hpp"
#include "routes.hpp"

namespace workflow {

void add_stats_routes(agent_host::Host& host, Engine& engine) {
  host.route("GET", "/stats",
             agent_host::RouteDoc{
                 "Run statistics for runs created in [from, to) (default: the last 7 days)"}
                 .id("getRunStats")
                 .query("from", agent_host::param_schema::time(), "Default: to - 7 days")
                 .query("to", agent_host::param_schema::time(), "Default: now")
                 .responds(200, "The figures", schemas::stats())
                 .responds(400, "An invalid time or window, or an unknown query parameter"),
             [&engine](const agent_host::Request& request) {
               const agent_host::ListParams params(request, {"from", "to"});
               const int64_t to = params.time("to").value_or(now_ms());
               const int64_t from = params.time("from").value_or(to - 7 * 86'400'000LL);
               if (from > to)
                 throw agent_host::HttpError::bad_request("from", "from must not be after to");
               return agent_host::Response::json(engine.store().stats(from, to));
             });
}

}  // namespace workflow
