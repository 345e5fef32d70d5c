// The services through which the runtime touches the world outside the
// process. Injected: the fake host and `agent-host jobs` pass their own; any
// left null is the real one, built from the config.
#pragma once

#include <memory>

#include "runtime/job_clock.hpp"
#include "runtime/llm_service.hpp"
#include "runtime/outside_network.hpp"
#include "runtime/plugin_log.hpp"
#include "runtime/secret_store.hpp"

namespace agent_host::runtime {

struct OutsideWorld {
  std::shared_ptr<SecretStore> secrets;
  std::shared_ptr<LlmService> llm;
  std::shared_ptr<JobClock> clock;
  std::shared_ptr<OutsideNetwork> network;
  std::shared_ptr<PluginLog> log;
};

}  // namespace agent_host::runtime
