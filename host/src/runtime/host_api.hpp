// The ABI adapter layer: the table of host functions handed to every plugin
// (abi.h's ah_host_api), and the call into a plugin's route handler.
#pragma once

#include <agent_host/abi.h>

#include <string>

#include "router/route_pattern.hpp"
#include "runtime/deferred_response.hpp"
#include "runtime/http_types.hpp"
#include "runtime/plugin_slot.hpp"

namespace agent_host::runtime {

const ah_host_api* host_api_table();

// Calls a plugin route's handler (abi.h ah_route_handler) with the request as
// an ah_request; the handler answers into `response` (or defers it through
// `call`). Never throws; a failure's words are in `error`.
ah_status call_route_handler(const Route& route, const HttpRequest& request,
                             const router::Params& path_params, const router::Params& query,
                             HandlerCall& call, HttpResponse& response, std::string& error);

}  // namespace agent_host::runtime
