// Why the wire layer refuses a request before any handler sees it: the status
// and the fields of the host's JSON error shape (http_wire::json_error).
#pragma once

#include <string>

namespace agent_host::http_wire {

struct Refusal {
  int status = 400;
  std::string code;     // "bad_request", "payload_too_large", ...
  std::string message;  // names what was wrong and, where it helps, the limit
  std::string field;    // the header or part of the request at fault; may be empty
};

}  // namespace agent_host::http_wire
