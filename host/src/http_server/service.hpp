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
  // Answers now (true, `response` filled) or later (false, after asking
  // `later` once for where the answer goes; it may be called on any thread).
  virtual bool serve(runtime::HttpRequest& request, runtime::HttpResponse& response,
                     const runtime::AnswerLater& later) = 0;
  // The JSON answer to a request the wire layer refused before serving it
  // (`method` may be empty when the request line was unreadable).
  virtual runtime::HttpResponse refuse(const http_wire::Refusal& refusal,
                                       const std::string& method) = 0;
};

}  // namespace agent_host::http_server
