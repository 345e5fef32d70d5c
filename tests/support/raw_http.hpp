// Raw HTTP/1.x over loopback, byte for byte: what a client sends (in timed
// segments, optionally half-closing) and everything the server answers until
// it closes or stays quiet. For the wire-level tests of the host and the
// differential conformance test against nginx.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace agent_host::test {

struct RawSegment {
  std::string bytes;
  std::chrono::milliseconds pause_before{0};
};

struct RawExchange {
  std::vector<RawSegment> segments;
  bool half_close = false;    // shutdown(SHUT_WR) after the last segment
  bool head_request = false;  // answers carry no body whatever Content-Length says
  // Reading stops this long after the last byte sent or received.
  std::chrono::milliseconds quiet{500};
};

struct RawAnswer {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
  std::chrono::milliseconds after_last_send{0};  // when the answer was complete
  std::string header(const std::string& lower_name) const;
};

struct RawOutcome {
  bool connected = false;
  std::vector<RawAnswer> answers;  // interim (1xx) answers included
  bool closed = false;             // the server ended the stream (FIN or reset)
  std::string bytes;               // everything received
  std::string unparsed;            // received bytes that are no complete answer
};

RawOutcome raw_http(int port, const RawExchange& exchange);
// The common case: one write.
RawOutcome raw_http(int port, const std::string& bytes,
                    std::chrono::milliseconds quiet = std::chrono::milliseconds(500));

}  // namespace agent_host::test
