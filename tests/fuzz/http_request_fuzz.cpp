// libFuzzer harness for the host's HTTP/1.1 request reader: arbitrary bytes
// go through the head parser and, when the head frames a chunked body, the
// chunked decoder, fed in two pieces as a network would split them. Neither
// may crash, hang or read out of bounds, and a complete head must never claim
// more bytes than it was given.
//   clang++ -fsanitize=fuzzer,address,undefined -std=c++17 -Ihost/src \
//     tests/fuzz/http_request_fuzz.cpp host/src/http_wire/*.cpp -o http_request_fuzz
//   ./http_request_fuzz tests/fuzz/corpus/http_request
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http_wire/chunked_body.hpp"
#include "http_wire/request_head.hpp"

namespace {

constexpr std::size_t kMaxHead = 4096;
constexpr std::size_t kMaxBody = 65536;

void read_chunked(std::string_view input) {
  agent_host::http_wire::ChunkedBody decoder(kMaxBody, kMaxHead);
  agent_host::http_wire::Refusal refusal;
  std::string body;
  const std::size_t half = input.size() / 2;
  for (const std::string_view piece : {input.substr(0, half), input.substr(half)}) {
    std::size_t consumed = 0;
    const auto status = decoder.feed(piece, body, consumed, refusal);
    if (consumed > piece.size() || body.size() > kMaxBody) std::abort();
    if (status != agent_host::http_wire::ChunkedBody::Status::NeedMore) return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::string_view input(bytes);
  agent_host::http_wire::HttpRequest request;
  agent_host::http_wire::HeadFacts facts;
  agent_host::http_wire::Refusal refusal;
  std::size_t scanned = 0;
  // First as if only half had arrived, then all of it, with the same scan state.
  auto status = agent_host::http_wire::parse_request_head(input.substr(0, size / 2), kMaxHead,
                                                          scanned, request, facts, refusal);
  if (status == agent_host::http_wire::HeadStatus::Incomplete)
    status = agent_host::http_wire::parse_request_head(input, kMaxHead, scanned, request, facts,
                                                       refusal);
  if (status == agent_host::http_wire::HeadStatus::Complete) {
    if (facts.size == 0 || facts.size > size) std::abort();
    if (facts.chunked) read_chunked(input.substr(facts.size));
  }
  if (status == agent_host::http_wire::HeadStatus::Refused &&
      (refusal.status < 400 || refusal.message.empty()))
    std::abort();
  return 0;
}
