// What a plugin reaches beyond this host and its configured peers: agents no
// one here knows and any URL (abi.h agent_call, http_request). The network in
// production; stubs in the fake host; refusals in `agent-host jobs`.
#pragma once

#include <agent_host/abi.h>

#include <string>

#include "http_client/client.hpp"
#include "runtime/http_types.hpp"

namespace agent_host::runtime {

class OutsideNetwork {
 public:
  virtual ~OutsideNetwork() = default;
  // An agent call to an agent neither loaded here nor configured as a peer.
  virtual ah_status call_agent(const HttpRequest& request, const std::string& agent,
                               HttpResponse& response, std::string& error) = 0;
  // An outbound http_request.
  virtual ah_status send(http::Request request, HttpResponse& response, std::string& error) = 0;
};

// The real network: an unknown agent is an error that says how to add a peer.
class Internet final : public OutsideNetwork {
 public:
  explicit Internet(http::Client& client) : client_(client) {}
  ah_status call_agent(const HttpRequest& request, const std::string& agent, HttpResponse& response,
                       std::string& error) override;
  ah_status send(http::Request request, HttpResponse& response, std::string& error) override;

 private:
  http::Client& client_;
};

// Sends `request` with `client` and copies the answer into `response`.
ah_status send_http(http::Client& client, http::Request request, HttpResponse& response,
                    std::string& error);

}  // namespace agent_host::runtime
