#pragma once

#include <string>

#include "runtime/http_types.hpp"

namespace agent_host::http_server {

// How the answer to one request must look on the wire.
struct ReplyShape {
  bool http10 = false;     // answer with the request's version
  bool keep_alive = true;  // "Connection: keep-alive", else "Connection: close"
  bool head = false;       // headers only; Content-Length still tells the body's size
};

// The whole HTTP/1.x response (status line, headers, body) as one buffer.
// The host writes it through the connection's transport in one call instead
// of Pistache's ResponseWriter::send, which formats the same bytes through
// typed header objects and several std::ostreams per response. A CR, LF or
// NUL inside a header name or value (which would split the response) is
// written as a space; Connection, Content-Length and Transfer-Encoding are
// the host's alone (one set by a plugin is left out).
std::string response_bytes(const runtime::HttpResponse& response, const ReplyShape& shape);

}  // namespace agent_host::http_server
