// The request head reader on its own: incremental arrival, exact framing,
// and the refusals that decide where a request ends.
#include "http_wire/request_head.hpp"

#include <gtest/gtest.h>

#include <string>

namespace agent_host::http_wire {
namespace {

constexpr std::size_t kMaxHead = 1024;

struct Parsed {
  HeadStatus status;
  HttpRequest request;
  HeadFacts facts;
  Refusal refusal;
};

Parsed parse(const std::string& bytes) {
  Parsed out{};
  std::size_t scanned = 0;
  out.status = parse_request_head(bytes, kMaxHead, scanned, out.request, out.facts, out.refusal);
  return out;
}

TEST(RequestHead, AHeadArrivingByteByByteIsReadWhenComplete) {
  const std::string head =
      "POST /task/tasks?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nX-A: b\r\n\r\n";
  HttpRequest request;
  HeadFacts facts;
  Refusal refusal;
  std::size_t scanned = 0;
  for (std::size_t size = 1; size < head.size(); ++size)
    ASSERT_EQ(parse_request_head(std::string_view(head).substr(0, size), kMaxHead, scanned, request,
                                 facts, refusal),
              HeadStatus::Incomplete)
        << size;
  ASSERT_EQ(parse_request_head(head, kMaxHead, scanned, request, facts, refusal),
            HeadStatus::Complete);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/task/tasks");
  EXPECT_EQ(request.query, "x=1");
  EXPECT_EQ(facts.content_length, 2u);
  EXPECT_EQ(facts.size, head.size());
  ASSERT_EQ(request.headers.size(), 3u);
  EXPECT_EQ(request.headers[2].first, "x-a");
  EXPECT_EQ(request.headers[2].second, "b");
}

TEST(RequestHead, PipelinedBytesAfterTheHeadAreNotPartOfIt) {
  const std::string first = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
  const auto parsed = parse(first + "GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(parsed.status, HeadStatus::Complete);
  EXPECT_EQ(parsed.facts.size, first.size());
  EXPECT_EQ(parsed.request.path, "/a");
}

TEST(RequestHead, ConnectionSemanticsFollowTheVersion) {
  EXPECT_TRUE(parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n").facts.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").facts.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.0\r\n\r\n").facts.keep_alive);
  EXPECT_TRUE(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").facts.keep_alive);
  EXPECT_TRUE(
      parse("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n").facts.expect_continue);
}

TEST(RequestHead, BadHeadsAreRefusedWithStatusAndField) {
  struct Case {
    std::string head;
    int status;
    std::string field;
  };
  const Case cases[] = {
      {"HELLO\r\n\r\n", 400, "request_line"},
      {"GET / HTTP/1.1\r\n\r\n", 400, "host"},
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "host"},
      {"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", 400, "headers"},
      {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "headers"},
      {"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "version"},
      {"GET / HTTP/0.9\r\n\r\n", 400, "version"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400, "content-length"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1234567890123456789\r\n\r\n", 400,
       "content-length"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", 400,
       "content-length"},
      {"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
       "transfer-encoding"},
      {"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "transfer-encoding"},
      {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "transfer-encoding"},
      {"GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(2000, 'a') + "\r\n\r\n", 431, "headers"},
  };
  for (const auto& c : cases) {
    const auto parsed = parse(c.head);
    ASSERT_EQ(parsed.status, HeadStatus::Refused) << c.head;
    EXPECT_EQ(parsed.refusal.status, c.status) << c.head;
    EXPECT_EQ(parsed.refusal.field, c.field) << c.head;
    EXPECT_FALSE(parsed.refusal.message.empty());
  }
}

TEST(RequestHead, AnEndlessHeadIsRefusedOnceOverTheLimit) {
  std::string head = "GET / HTTP/1.1\r\nHost: a\r\n";
  while (head.size() <= kMaxHead) head += "X: y\r\n";
  const auto parsed = parse(head);
  ASSERT_EQ(parsed.status, HeadStatus::Refused);
  EXPECT_EQ(parsed.refusal.status, 431);
}

}  // namespace
}  // namespace agent_host::http_wire
