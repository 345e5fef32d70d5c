// Builds the storage and queue for the configured mode.
#pragma once

#include <agent_host/sdk.hpp>

#include "config.hpp"
#include "engine.hpp"

namespace workflow {

// SQL store + in-process queue (no Redis configured).
Backend make_local_backend(agent_host::Host& host);
// Redis store + stream queue; throws when Redis cannot be reached.
Backend make_redis_backend(const RedisConfig& config, agent_host::Host& host);

}  // namespace workflow
