#include "backend.hpp"
#include "crypto.hpp"
#include "redis_queue.hpp"
#include "redis_store.hpp"

namespace workflow {

Backend make_redis_backend(const RedisConfig& config, agent_host::Host& host) {
  // Blocking reads wait up to 200 ms, so the socket timeout must exceed that.
  auto pool = std::make_shared<redis::Pool>(redis::parse_url(config.url),
                                            std::max<int64_t>(config.connect_timeout_ms, 1000));
  pool->command({"PING"});  // fail the start with a clear message when Redis is unreachable
  const std::string consumer =
      host.environment().value("instance", std::string("workflow")) + "-" + crypto::random_hex(4);
  Backend backend;
  backend.store = std::make_unique<RedisStore>(*pool, config);
  backend.queue = std::make_unique<RedisQueue>(*pool, config, consumer);
  auto gates = std::make_unique<RedisGates>(*pool, config);
  RedisGates* gates_ptr = gates.get();
  backend.gates = std::move(gates);
  backend.busy_retry_ms = 100;
  backend.upkeep = [gates_ptr, pool](int64_t) { gates_ptr->refresh(); };
  backend.keep_alive = pool;
  return backend;
}

}  // namespace workflow
