// GET /stats: the cross-agent contract the reporting agent reads.
#include "clock.hpp"
#include "routes.hpp"

namespace workflow {

void add_stats_routes(agent_host::Host& host, Engine& engine) {
  host.route(
      "GET", "/stats", "Run statistics for runs created in [from, to) (default: the last 7 days)",
      [&engine](const agent_host::Request& request) {
        reject_unknown_query(request, {"from", "to"});
        auto read = [&](const char* name, int64_t fallback) {
          auto text = request.query(name);
          if (!text) return fallback;
          auto value = parse_time(*text);
          if (!value)
            throw agent_host::HttpError::bad_request(
                name, std::string(name) + " must be an RFC 3339 time such as 2024-05-01T00:00:00Z");
          return *value;
        };
        const int64_t to = read("to", now_ms());
        const int64_t from = read("from", to - 7 * 86'400'000LL);
        if (from > to)
          throw agent_host::HttpError::bad_request("from", "from must not be after to");
        return agent_host::Response::json(engine.store().stats(from, to));
      });
}

}  // namespace workflow
