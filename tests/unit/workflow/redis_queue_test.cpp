// The Redis queue against a real redis-server: the deliveries a killed
// process left pending are taken over as a backlog, batch after batch, not
// one batch per claim_idle_ms/4 (the kill -9 test of the workflow runs had a
// few dozen runs wait minutes after 20 kills).
#include "redis_queue.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <redis_server.hpp>
#include <set>
#include <string>

#include "config.hpp"
#include "config/schema_validator.hpp"
#include "redis_client.hpp"

namespace workflow {
namespace {

using std::chrono::milliseconds;

// The Redis settings as shipped: the schema's defaults, filled in the way the host fills them.
RedisConfig shipped_redis_config() {
  nlohmann::json section = nlohmann::json::object();
  agent_host::config::apply_defaults(nlohmann::json::parse(kConfigSchema), section);
  return PluginConfig::from_json(section).redis;
}

// Makes the deliveries look as old as those of a process killed a minute ago.
void age_deliveries(redis::Pool& pool, const RedisConfig& config, const std::vector<Lease>& held,
                    const std::string& owner) {
  std::vector<std::string> command = {"XCLAIM", config.stream, config.group, owner, "0"};
  for (const auto& lease : held) command.push_back(lease.token);
  for (const char* option : {"IDLE", "60000", "JUSTID"}) command.push_back(option);
  pool.command(command);
}

TEST(RedisQueue, TheDeliveriesOfAKilledProcessAreTakenOverBatchAfterBatch) {
  agent_host::test::RedisServer server;
  redis::Pool pool(redis::parse_url(server.url()), 2000);
  const RedisConfig config = shipped_redis_config();  // claim_idle_ms 30 s: reclaims every 7.5 s
  RedisQueue killed(pool, config, "killed");
  for (int i = 0; i < 20; ++i)
    server.cli({"XADD", config.stream, "*", "run", "run-" + std::to_string(i)});
  const auto held = killed.take(20, milliseconds(10));
  ASSERT_EQ(held.size(), 20u);
  age_deliveries(pool, config, held, "killed");

  RedisQueue survivor(pool, config, "survivor");
  std::set<std::string> taken_over;
  for (int take = 0; take < 5; ++take)  // well within one reclaim period
    for (const auto& lease : survivor.take(4, milliseconds(10))) {
      EXPECT_TRUE(lease.reclaimed);
      taken_over.insert(lease.run_id);
    }
  EXPECT_EQ(taken_over.size(), 20u);
}

}  // namespace
}  // namespace workflow
