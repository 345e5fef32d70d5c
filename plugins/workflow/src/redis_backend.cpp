#include "backend.hpp"

namespace workflow {

Backend make_redis_backend(const RedisConfig&, agent_host::Host&) {
  throw std::runtime_error("redis backend not built yet");
}

}  // namespace workflow
