// GET /stats: the cross-agent contract the reporting agent reads.
#include <agent_host/list_params.hpp>

#include "clock.hpp"
#include "routes.hpp"

namespace workflow {

void add_stats_routes(agent_host::Host& host, Engine& engine) {
  host.route("GET", "/stats",
             "Run statistics for runs created in [from, to) (default: the last 7 days)",
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
