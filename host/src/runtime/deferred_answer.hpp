// A response its handler gives after returning (abi.h response_defer and
// response_finish): the request's facts outlive the handler call here, and
// finishing concludes the request exactly as an immediate answer would.
#pragma once

#include <agent_host/abi.h>

#include <chrono>
#include <string>

#include "runtime/http_types.hpp"

namespace agent_host::runtime {

class DeferredAnswer;
class PluginSlot;
class Runtime;

// What the runtime needs to conclude a request: metrics, logs, the request id.
struct RequestFacts {
  std::chrono::steady_clock::time_point began;
  std::string request_id;
  std::string method;
  std::string route;  // the plugin's prefix + matched pattern, for failure logs
  bool in_process = false;
};

// Lives on the stack of a plugin handler call: whether, and how, the handler
// may answer later.
struct Answering {
  Runtime* runtime;
  PluginSlot* slot;
  const AnswerLater& later;
  const HttpRequest* request;
  const std::string* route_pattern;
  std::chrono::steady_clock::time_point began;
  ah_response* deferred = nullptr;  // set by response_defer

  // Copied out only when needed: for a late answer or a failure's log line.
  RequestFacts facts() const;
};

}  // namespace agent_host::runtime

// The opaque response handle of abi.h. A handler's own handle points into the
// dispatching call; a deferred one is a heap copy that owns its response.
struct ah_response {
  agent_host::runtime::HttpResponse* response;
  agent_host::runtime::Answering* answering = nullptr;      // during the handler only
  agent_host::runtime::DeferredAnswer* deferred = nullptr;  // a deferred handle's owner
};

namespace agent_host::runtime {

class DeferredAnswer {
 public:
  // Takes over `answering`'s response; counts itself on the slot until finished.
  static ah_response* defer(ah_response& during_handler);
  // Sends the response (or a 500 when `status` is not AH_OK) and frees it.
  static void finish(ah_response* deferred, ah_status status, std::string_view error);

 private:
  DeferredAnswer(Runtime& runtime, PluginSlot& slot, RequestFacts facts, HttpResponse response);
  Runtime& runtime_;
  PluginSlot& slot_;
  RequestFacts facts_;
  LateAnswer target_;
  HttpResponse response_;
  ah_response handle_{&response_, nullptr, this};
};

}  // namespace agent_host::runtime
