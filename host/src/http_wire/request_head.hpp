// The head of one HTTP/1.x request (request line and header fields), read as
// RFC 9112 says, with every check that decides where the request ends made
// before any handler runs: a head that is malformed, too large, or frames its
// body ambiguously (request smuggling) is refused, never guessed at.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http_wire/exchange.hpp"
#include "http_wire/refusal.hpp"

namespace agent_host::http_wire {

// What the head says about the exchange, beyond what the handler sees.
struct HeadFacts {
  bool http10 = false;           // answer as HTTP/1.0
  bool keep_alive = true;        // the client lets the connection stay open
  bool expect_continue = false;  // "Expect: 100-continue"
  bool head_method = false;      // HEAD: the answer carries no body
  bool chunked = false;          // "Transfer-Encoding: chunked"
  std::uint64_t content_length = 0;
  std::size_t size = 0;  // bytes of the head, the empty line that ends it included
};

enum class HeadStatus { Incomplete, Complete, Refused };

// Reads the head at the start of `input`. Incomplete: call again when more
// bytes arrived, with the same `scanned` (how far the search for the head's
// end got, so a head that trickles in is scanned once). Complete: `request`
// (method, path, query, lower-case headers; body untouched) and `facts` are
// filled. Refused: `refusal` says why; the connection cannot be trusted after
// it and must be closed once answered.
HeadStatus parse_request_head(std::string_view input, std::size_t max_head_bytes,
                              std::size_t& scanned, HttpRequest& request, HeadFacts& facts,
                              Refusal& refusal);

}  // namespace agent_host::http_wire
