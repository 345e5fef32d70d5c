#include "http_wire/chunked_body.hpp"

#include <algorithm>

namespace agent_host::http_wire {
namespace {

// 15 hex digits stay below 2^60: no overflow, and far above any body limit.
constexpr std::size_t kMaxSizeDigits = 15;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

ChunkedBody::Status ChunkedBody::refuse(Refusal& refusal, std::string message) {
  refusal = Refusal{400, "bad_request", std::move(message), "transfer-encoding"};
  return Status::Refused;
}

bool ChunkedBody::end_size_line(std::string& body, Refusal& refusal, Status& status) {
  if (digits_ == 0) {
    status = refuse(refusal, "a chunk-size line holds no hexadecimal size");
    return false;
  }
  line_bytes_ = 0;
  saw_cr_ = false;
  if (chunk_left_ == 0) {
    state_ = State::TrailerStart;
    return true;
  }
  if (chunk_left_ > max_body_ - std::min<std::uint64_t>(body.size(), max_body_)) {
    refusal = Refusal{413, "payload_too_large",
                      "the chunked request body exceeds the limit of " + std::to_string(max_body_) +
                          " bytes (http.max_request_bytes)",
                      "body"};
    status = Status::Refused;
    return false;
  }
  state_ = State::Data;
  return true;
}

// Over 80 lines: one switch over the chunked-body states reads as the grammar does (RFC 9112 7.1).
ChunkedBody::Status ChunkedBody::feed(std::string_view input, std::string& body,
                                      std::size_t& consumed, Refusal& refusal) {
  Status status = Status::NeedMore;
  std::size_t i = 0;
  while (i < input.size()) {
    const char c = input[i];
    switch (state_) {
      case State::Size:
        if (hex_value(c) >= 0) {
          if (++digits_ > kMaxSizeDigits) return refuse(refusal, "a chunk size is too large");
          chunk_left_ = chunk_left_ * 16 + static_cast<std::uint64_t>(hex_value(c));
        } else if (c == ';' || c == ' ' || c == '\t') {
          state_ = State::Extension;
        } else if (c == '\r') {
          state_ = State::SizeEnd;
        } else if (c == '\n') {
          if (!end_size_line(body, refusal, status)) return status;
        } else {
          return refuse(refusal, "a chunk size must be hexadecimal");
        }
        ++i;
        break;
      case State::Extension:
        if (++line_bytes_ > max_line_) return refuse(refusal, "a chunk extension is too long");
        if (c == '\r') state_ = State::SizeEnd;
        if (c == '\n' && !end_size_line(body, refusal, status)) return status;
        ++i;
        break;
      case State::SizeEnd:
        if (c != '\n') return refuse(refusal, "a CR in a chunk-size line is not followed by LF");
        if (!end_size_line(body, refusal, status)) return status;
        ++i;
        break;
      case State::Data: {
        const std::size_t take =
            static_cast<std::size_t>(std::min<std::uint64_t>(chunk_left_, input.size() - i));
        body.append(input.data() + i, take);
        chunk_left_ -= take;
        i += take;
        if (chunk_left_ == 0) state_ = State::DataEnd;
        break;
      }
      case State::DataEnd:
        if (c == '\r' && !saw_cr_) {
          saw_cr_ = true;
        } else if (c == '\n') {
          state_ = State::Size;
          digits_ = 0;
          saw_cr_ = false;
        } else {
          return refuse(refusal, "chunk data is longer than its size says");
        }
        ++i;
        break;
      case State::TrailerStart:
        if (c == '\r' && !saw_cr_) {
          saw_cr_ = true;
        } else if (c == '\n') {
          state_ = State::Done;
          consumed = i + 1;
          return Status::Done;
        } else if (saw_cr_) {
          return refuse(refusal, "a CR in the trailer section is not followed by LF");
        } else {
          state_ = State::Trailer;
        }
        ++i;
        break;
      case State::Trailer:
        if (++line_bytes_ > max_line_) return refuse(refusal, "the trailer section is too long");
        if (c == '\n') {
          state_ = State::TrailerStart;
          saw_cr_ = false;
        }
        ++i;
        break;
      case State::Done:
        consumed = i;
        return Status::Done;
    }
  }
  consumed = i;
  return status;
}

}  // namespace agent_host::http_wire
