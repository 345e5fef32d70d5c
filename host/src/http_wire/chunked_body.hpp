// A chunked request body (RFC 9112 7.1), decoded as it arrives: every byte is
// looked at once, whatever the number or size of the chunks, and the decoded
// size, a chunk-size line and the trailer section are bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http_wire/refusal.hpp"

namespace agent_host::http_wire {

class ChunkedBody {
 public:
  enum class Status { NeedMore, Done, Refused };

  // `max_body_bytes`: the most decoded bytes accepted; `max_line_bytes`: the
  // longest chunk-size line (with extensions) and trailer section.
  ChunkedBody(std::size_t max_body_bytes, std::size_t max_line_bytes)
      : max_body_(max_body_bytes), max_line_(max_line_bytes) {}

  // Decodes what `input` holds, appending data to `body`; `consumed` is how
  // many bytes of `input` were used (all of them unless Done, when the rest
  // belongs to the next request).
  Status feed(std::string_view input, std::string& body, std::size_t& consumed, Refusal& refusal);

 private:
  enum class State { Size, Extension, SizeEnd, Data, DataEnd, TrailerStart, Trailer, Done };
  Status refuse(Refusal& refusal, std::string message);
  // Ends a chunk-size line: the next state, or Refused.
  bool end_size_line(std::string& body, Refusal& refusal, Status& status);

  std::size_t max_body_;
  std::size_t max_line_;
  State state_ = State::Size;
  std::uint64_t chunk_left_ = 0;
  std::size_t digits_ = 0;
  std::size_t line_bytes_ = 0;  // of the current size line, or of the trailer section
  bool saw_cr_ = false;
};

}  // namespace agent_host::http_wire
