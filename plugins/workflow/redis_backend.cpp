#include "backend.hpp"
#include "crypto.hpp"
#include "redis_queue.hpp"
#include "redis_store.hpp"

namespace workflow {

namespace {

const char* const kPasswordKey = "plugins.workflow.config.redis.password_secret";

// The URL's endpoint with the password of the mounted secret, when one is named.
redis::Endpoint endpoint_of(const RedisConfig& config, agent_host::Host& host) {
  redis::Endpoint endpoint = redis::parse_url(config.url);
  const std::string& name = config.password_secret;
  if (name.empty()) return endpoint;
  if (!endpoint.password.empty())
    throw redis::RedisError(std::string(kPasswordKey) +
                            ": redis.url carries a password too; keep it in the secret only");
  auto password = host.secret(name);
  if (!password || password->empty())
    throw redis::RedisError(std::string(kPasswordKey) + ": the secret \"" + name +
                            "\" is not mounted or empty; mount the Secret at <secrets_dir>/" +
                            name + " (deploy: Secret redis-secret, key password)");
  endpoint.password = *password;
  endpoint.password_from = std::string(kPasswordKey) + " (" + name + ")";
  return endpoint;
}

// Fails the start with a clear message when Redis is unreachable or wants a
// password it was not given.
void check_reachable(redis::Pool& pool, const redis::Endpoint& endpoint) {
  try {
    pool.command({"PING"});
  } catch (const redis::RedisError& e) {
    if (std::string(e.what()).find("NOAUTH") == std::string::npos) throw;
    throw redis::RedisError("Redis at " + endpoint.address() + " requires a password (" + e.what() +
                            "); set " + kPasswordKey +
                            " to the mounted secret holding it, e.g. redis-secret/password");
  }
}

}  // namespace

Backend make_redis_backend(const RedisConfig& config, agent_host::Host& host) {
  const redis::Endpoint endpoint = endpoint_of(config, host);
  // Blocking reads wait up to 200 ms, so the socket timeout must exceed that.
  auto pool =
      std::make_shared<redis::Pool>(endpoint, std::max<int64_t>(config.connect_timeout_ms, 1000));
  check_reachable(*pool, endpoint);
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
