// The table of host functions handed to every plugin (abi.h's ah_host_api).
#pragma once

#include <agent_host/abi.h>

namespace agent_host::runtime {

const ah_host_api* host_api_table();

}  // namespace agent_host::runtime
