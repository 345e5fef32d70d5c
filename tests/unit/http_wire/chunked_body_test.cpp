// The chunked decoder on its own: any split of the input decodes the same,
// no byte is asked for twice, and the limits hold.
#include "http_wire/chunked_body.hpp"

#include <gtest/gtest.h>

#include <string>

namespace agent_host::http_wire {
namespace {

std::string one_byte_chunks(const std::string& body) {
  std::string out;
  for (char c : body) out += std::string("1\r\n") + c + "\r\n";
  return out + "0\r\n\r\n";
}

TEST(ChunkedBody, ByteByByteDecodesAndNeverAsksForAByteAgain) {
  const std::string body(3000, 'q');
  const std::string encoded = one_byte_chunks(body) + "GET /next";
  ChunkedBody decoder(1 << 20, 1024);
  std::string decoded;
  Refusal refusal;
  std::size_t at = 0;
  ChunkedBody::Status status = ChunkedBody::Status::NeedMore;
  while (status == ChunkedBody::Status::NeedMore && at < encoded.size()) {
    std::size_t consumed = 0;
    status = decoder.feed(std::string_view(encoded).substr(at, 1), decoded, consumed, refusal);
    // Everything given is used while more is needed: the caller never re-feeds.
    if (status == ChunkedBody::Status::NeedMore) {
      ASSERT_EQ(consumed, 1u);
    }
    at += consumed;
  }
  ASSERT_EQ(status, ChunkedBody::Status::Done);
  EXPECT_EQ(decoded, body);
  EXPECT_EQ(encoded.substr(at), "GET /next") << "the next request is left alone";
}

TEST(ChunkedBody, ExtensionsAndTrailersAreSkipped) {
  ChunkedBody decoder(1024, 1024);
  std::string decoded;
  Refusal refusal;
  std::size_t consumed = 0;
  const std::string encoded = "5;a=b\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n";
  ASSERT_EQ(decoder.feed(encoded, decoded, consumed, refusal), ChunkedBody::Status::Done);
  EXPECT_EQ(decoded, "hello0123456789");
  EXPECT_EQ(consumed, encoded.size());
}

TEST(ChunkedBody, LimitsAndSyntaxAreRefused) {
  struct Case {
    std::string encoded;
    int status;
  };
  const Case cases[] = {
      {"65\r\n", 413},                                // 101 bytes over a limit of 100
      {one_byte_chunks(std::string(101, 'x')), 413},  // the limit counts every chunk
      {"zz\r\n", 400},
      {"\r\n", 400},
      {"1234567890123456\r\n", 400},  // 16 hex digits
      {"1;" + std::string(300, 'e') + "\r\n", 400},
      {"1\r\nab\r\n", 400},  // data longer than its size
      {"0\r\n" + std::string(300, 't') + "\r\n\r\n", 400},
  };
  for (const auto& c : cases) {
    ChunkedBody decoder(100, 256);
    std::string decoded;
    Refusal refusal;
    std::size_t consumed = 0;
    ASSERT_EQ(decoder.feed(c.encoded, decoded, consumed, refusal), ChunkedBody::Status::Refused)
        << c.encoded.substr(0, 40);
    EXPECT_EQ(refusal.status, c.status) << c.encoded.substr(0, 40);
    EXPECT_LE(decoded.size(), 100u);
  }
}

}  // namespace
}  // namespace agent_host::http_wire
