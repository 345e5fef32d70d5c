// The HTTP exchange as the runtime answers it: the wire layer's request and
// response types (http_wire/exchange.hpp), and where a response goes.
#pragma once

#include <functional>

#include "http_wire/exchange.hpp"

namespace agent_host::runtime {

using http_wire::HeaderList;
using http_wire::HttpRequest;
using http_wire::HttpResponse;
using http_wire::json_error;
using http_wire::json_response;

// Where the response to one request goes: called exactly once, on the thread
// that dispatched the request when the answer is ready at once, or later on
// whichever thread finished a deferred response (abi.h response_defer).
using Completion = std::function<void(HttpResponse)>;

}  // namespace agent_host::runtime
