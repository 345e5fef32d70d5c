// Calls from a plugin (abi.h agent_call, http_request): to an agent loaded
// here, in-process; to a configured peer host, over HTTP with this host's API
// key; to anything else, through the outside network.
#pragma once

#include <agent_host/abi.h>

#include <string>

#include "config/host_config.hpp"
#include "http_client/client.hpp"
#include "runtime/api_keys.hpp"
#include "runtime/dispatcher.hpp"
#include "runtime/outside_network.hpp"
#include "runtime/plugin_set.hpp"

namespace agent_host::runtime {

class OutboundCalls {
 public:
  OutboundCalls(const PluginSet& plugins, Dispatcher& dispatcher, const ApiKeys& api_keys,
                const config::HostConfig& config, http::Client& peers, OutsideNetwork& network)
      : plugins_(plugins),
        dispatcher_(dispatcher),
        api_keys_(api_keys),
        config_(config),
        peers_(peers),
        network_(network) {}

  ah_status agent_call(PluginSlot& caller, const ah_http_call& call, HttpResponse& response,
                       std::string& error);
  ah_status http_request(const ah_http_call& call, HttpResponse& response, std::string& error);

 private:
  ah_status call_peer(const std::string& agent, const std::string& base, const ah_http_call& call,
                      HttpRequest request, HttpResponse& response, std::string& error);

  const PluginSet& plugins_;
  Dispatcher& dispatcher_;
  const ApiKeys& api_keys_;
  const config::HostConfig& config_;
  http::Client& peers_;
  OutsideNetwork& network_;
};

}  // namespace agent_host::runtime
