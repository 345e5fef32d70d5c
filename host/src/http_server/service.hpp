// What a listening port serves. The wire layer (connection.cpp) reads and
// checks requests and writes answers; a Service decides what they say.
#pragma once

#include <string>

#include "http_wire/refusal.hpp"
#include "runtime/http_types.hpp"

namespace agent_host::http_server {

class Service {
 public:
  virtual ~Service() = default;
  // Answers through `done`, exactly once: before returning, or later from
  // any thread.
  virtual void serve(runtime::HttpRequest& request, runtime::Completion done) = 0;
  // The JSON answer to a request the wire layer refused before serving it
  // (`method` may be empty when the request line was unreadable).
  virtual runtime::HttpResponse refuse(const http_wire::Refusal& refusal,
                                       const std::string& method) = 0;
};

}  // namespace agent_host::http_server
