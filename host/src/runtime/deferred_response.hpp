// A response its handler gives after returning (abi.h response_defer and
// response_finish): the request's facts outlive the handler call here, and
// finishing concludes the request exactly as an immediate answer would.
#pragma once

#include <agent_host/abi.h>

#include <chrono>
#include <string>

#include "runtime/http_types.hpp"

namespace agent_host::runtime {

class DeferredResponse;
class Dispatcher;
class PluginSlot;

// What the dispatcher needs to conclude a request: metrics, logs, the request id.
struct RequestFacts {
  std::chrono::steady_clock::time_point began;
  std::string request_id;
  std::string method;
  std::string route;  // the plugin's prefix + matched pattern, for failure logs
  bool in_process = false;
};

// Lives on the stack of one plugin handler call: what a deferral takes over.
struct HandlerCall {
  Dispatcher* dispatcher;
  PluginSlot* slot;
  Completion* done;  // taken by the deferral; else the dispatcher completes it
  const HttpRequest* request;
  const std::string* route_pattern;
  std::chrono::steady_clock::time_point began;
  ah_response* deferred = nullptr;  // set by response_defer

  // Copied out only when needed: for a deferral or a failure's log line.
  RequestFacts facts() const;
};

}  // namespace agent_host::runtime

// The opaque response handle of abi.h. A handler's own handle points into the
// dispatching call; a deferred one is a heap copy that owns its response.
struct ah_response {
  agent_host::runtime::HttpResponse* response;
  agent_host::runtime::HandlerCall* call = nullptr;           // during the handler only
  agent_host::runtime::DeferredResponse* deferred = nullptr;  // a deferred handle's owner
};

namespace agent_host::runtime {

class DeferredResponse {
 public:
  // Takes over the call's response and its Completion; counts itself on the
  // slot until finished. Null when this call deferred already.
  static ah_response* defer(ah_response& during_handler);
  // Concludes the response (a 500 when `status` is not AH_OK), completes the
  // request with it and frees the handle.
  static void finish(ah_response* deferred, ah_status status, std::string_view error);

 private:
  DeferredResponse(Dispatcher& dispatcher, PluginSlot& slot, RequestFacts facts,
                   HttpResponse response, Completion done);
  Dispatcher& dispatcher_;
  PluginSlot& slot_;
  RequestFacts facts_;
  HttpResponse response_;
  Completion done_;
  ah_response handle_{&response_, nullptr, this};
};

}  // namespace agent_host::runtime
