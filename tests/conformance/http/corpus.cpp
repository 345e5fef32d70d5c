#include "corpus.hpp"

#include <utility>

namespace agent_host::test {
namespace {

using std::chrono::milliseconds;

// Slow cases wait past the servers' timeouts (1 s in the test).
constexpr milliseconds kPastTimeouts(2500);

const std::string kGet = "GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\n\r\n";
const std::string kGetClose = "GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

std::string repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

std::string post(const std::string& body, const std::string& extra_headers = {}) {
  return "POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
         extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string chunked(const std::string& chunks, const std::string& extra_headers = {}) {
  return "POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         "Transfer-Encoding: chunked\r\n" +
         extra_headers + "\r\n" + chunks;
}

// A JSON body "{"a":"xxx..."}" as one-byte chunks.
std::string one_byte_chunks(int count) {
  std::string body = "{\"a\":\"" + std::string(static_cast<size_t>(count - 8), 'x') + "\"}";
  std::string out;
  for (char c : body) out += std::string("1\r\n") + c + "\r\n";
  return out + "0\r\n\r\n";
}

ConformanceCase one(std::string name, std::string bytes) {
  ConformanceCase c;
  c.name = std::move(name);
  c.exchange.segments.push_back({std::move(bytes), milliseconds(0)});
  return c;
}

ConformanceCase differs(ConformanceCase c, std::string because, std::string host_class) {
  c.differs_because = std::move(because);
  c.host_class = std::move(host_class);
  return c;
}

ConformanceCase slow(std::string name, std::vector<RawSegment> segments, bool half_close = false) {
  ConformanceCase c;
  c.name = std::move(name);
  c.exchange.segments = std::move(segments);
  c.exchange.half_close = half_close;
  c.exchange.quiet = kPastTimeouts;
  return c;
}

void valid(std::vector<ConformanceCase>& all) {
  all.push_back(one("get", kGet));
  all.push_back(one("get-connection-close", kGetClose));
  all.push_back(one("http10", "GET /probe/echo/1 HTTP/1.0\r\n\r\n"));
  all.push_back(
      one("http10-keep-alive", "GET /probe/echo/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  all.push_back(one("http10-with-host", "GET /probe/echo/1 HTTP/1.0\r\nHost: x\r\n\r\n"));
  all.push_back(one("post-json", post("{\"a\":1}")));
  all.push_back(one("post-empty-body", post("")));
  auto head = one("head", "HEAD /probe/echo/1 HTTP/1.1\r\nHost: x\r\n\r\n");
  head.exchange.head_request = true;
  all.push_back(head);
  all.push_back(one("query", "GET /probe/echo/1?a=b&c HTTP/1.1\r\nHost: x\r\n\r\n"));
  all.push_back(one("absolute-form", "GET http://x/probe/echo/1 HTTP/1.1\r\nHost: x\r\n\r\n"));
  all.push_back(one("leading-empty-line", "\r\n" + kGet));
  all.push_back(one("no-space-after-colon", "GET /probe/echo/1 HTTP/1.1\r\nHost:x\r\n\r\n"));
  all.push_back(one("trailing-spaces", "GET /probe/echo/1 HTTP/1.1\r\nHost: x   \r\n\r\n"));
  all.push_back(one("fifty-headers", "GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\n" +
                                         repeat("X-Filler: 0123456789\r\n", 50) + "\r\n"));
  all.push_back(one("long-header-4k", "GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\nX-Long: " +
                                          std::string(4000, 'a') + "\r\n\r\n"));
  all.push_back(one("names-any-case", "GET /probe/echo/1 HTTP/1.1\r\nhOsT: x\r\n\r\n"));
  all.push_back(
      one("connection-list-with-close",
          "GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, close\r\n\r\n"));
  all.push_back(one("connection-upgrade",
                    "GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\n\r\n"));
  all.push_back(one("http-1.2", "GET /probe/echo/1 HTTP/1.2\r\nHost: x\r\n\r\n"));
  all.push_back(one("lf-only", "GET /probe/echo/1 HTTP/1.1\nHost: x\n\n"));
  all.push_back(one("expect-continue-with-body", post("{}", "Expect: 100-continue\r\n")));
  all.push_back(one("expect-other", post("{}", "Expect: something\r\n")));
  all.push_back(one("post-close", post("{}", "Connection: close\r\n")));
}

void pipelined(std::vector<ConformanceCase>& all) {
  all.push_back(one("pipeline-3-get", repeat(kGet, 3)));
  all.push_back(one("pipeline-6-get", repeat(kGet, 6)));
  all.push_back(one("pipeline-20-get", repeat(kGet, 20)));
  all.push_back(one("pipeline-3-post", repeat(post("{\"title\":\"t\"}"), 3)));
  all.push_back(one("pipeline-close-in-middle", kGet + kGetClose + kGet));
  all.push_back(one("pipeline-then-malformed", kGet + "HELLO\r\n\r\n"));
  all.push_back(one("pipeline-http10-first", "GET /probe/echo/1 HTTP/1.0\r\n\r\n" + kGet));
  all.push_back(one("pipeline-chunked-then-get", chunked("2\r\n{}\r\n0\r\n\r\n") + kGet));
  all.push_back(one("pipeline-post-then-get", post("{}") + kGet));
  ConformanceCase split;
  split.name = "pipeline-split-across-writes";
  const std::string two = kGet + kGet;
  split.exchange.segments = {{two.substr(0, 50), milliseconds(0)},
                             {two.substr(50), milliseconds(100)}};
  all.push_back(split);
}

void malformed(std::vector<ConformanceCase>& all) {
  all.push_back(one("hello", "HELLO\r\n\r\n"));
  all.push_back(differs(one("no-version", "GET /probe/echo/1\r\n\r\n"),
                        "nginx answers an HTTP/0.9 request with a bare body; the host serves "
                        "HTTP/1.x only and refuses it with 400",
                        "4xx close now"));
  all.push_back(one("http09", "GET /probe/echo/1 HTTP/0.9\r\nHost: x\r\n\r\n"));
  all.push_back(one("http99", "GET /probe/echo/1 HTTP/9.9\r\nHost: x\r\n\r\n"));
  all.push_back(one("http20", "GET /probe/echo/1 HTTP/2.0\r\nHost: x\r\n\r\n"));
  all.push_back(one("bad-version-text", "GET /probe/echo/1 HTTX/1.1\r\nHost: x\r\n\r\n"));
  all.push_back(differs(
      one("header-without-colon", "GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"),
      "nginx drops invalid header lines (ignore_invalid_headers); RFC 9112 5 makes the head "
      "malformed and the host refuses it rather than guess",
      "4xx close now"));
  all.push_back(
      one("folded-header", "GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n"));
  all.push_back(one("bare-cr-in-header", "GET /probe/echo/1 HTTP/1.1\r\nHost: x\rY: z\r\n\r\n"));
  all.push_back(one("nul-in-header", std::string("GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\nX: a") +
                                         '\0' + "b\r\n\r\n"));
  all.push_back(one("missing-host", "GET /probe/echo/1 HTTP/1.1\r\n\r\n"));
  all.push_back(one("two-hosts", "GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"));
  all.push_back(one("binary-garbage",
                    std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15)));
  all.push_back(one("target-20k",
                    "GET /probe/echo/" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"));
  all.push_back(one("header-20k", "GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                      std::string(20000, 'a') + "\r\n\r\n"));
  all.push_back(one("headers-40k-total",
                    "GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\n" +
                        repeat("X-Filler: " + std::string(990, 'b') + "\r\n", 40) + "\r\n"));
  all.push_back(one("target-without-slash", "GET probe/echo/1 HTTP/1.1\r\nHost: x\r\n\r\n"));
  all.push_back(one("space-before-colon", "GET /probe/echo/1 HTTP/1.1\r\nHost : x\r\n\r\n"));
}

void content_length(std::vector<ConformanceCase>& all) {
  const std::string head =
      "POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
  all.push_back(one("cl-minus-1", head + "Content-Length: -1\r\n\r\n"));
  all.push_back(one("cl-minus-5", head + "Content-Length: -5\r\n\r\n"));
  all.push_back(one("cl-overflow", head + "Content-Length: 99999999999999999999\r\n\r\n"));
  all.push_back(
      differs(one("cl-2gib", head + "Content-Length: 2147483648\r\n\r\n"),
              "both answer 413 at once; nginx then keeps the connection to read and drop the "
              "declared body, the host closes since it will not read a body it refused",
              "4xx close now"));
  all.push_back(
      differs(one("cl-2mib-head-only", head + "Content-Length: 2097152\r\n\r\n"),
              "both answer 413 at once; nginx then keeps the connection to read and drop the "
              "declared body, the host closes since it will not read a body it refused",
              "4xx close now"));
  all.push_back(one("cl-plus-sign", head + "Content-Length: +2\r\n\r\n{}"));
  all.push_back(one("cl-hex", head + "Content-Length: 0x2\r\n\r\n{}"));
  all.push_back(one("cl-space-inside", head + "Content-Length: 1 2\r\n\r\n"));
  all.push_back(one("cl-empty", head + "Content-Length: \r\n\r\n"));
  all.push_back(
      one("cl-repeated-different", head + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}"));
  all.push_back(one("cl-repeated-same", head + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}"));
  all.push_back(one("cl-list", head + "Content-Length: 2, 2\r\n\r\n{}"));
}

void smuggling(std::vector<ConformanceCase>& all) {
  const std::string head =
      "POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
  all.push_back(
      one("cl-and-te", head + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
  all.push_back(
      one("te-and-cl", head + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"));
  all.push_back(one("te-and-cl-zero",
                    head + "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n0\r\n\r\n"));
  all.push_back(
      one("te-twice",
          head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
  all.push_back(one("te-gzip-chunked", head + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"));
  all.push_back(one("te-identity", head + "Transfer-Encoding: identity\r\n\r\n"));
  all.push_back(one("te-xchunked", head + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"));
  all.push_back(one("te-in-http10",
                    "POST /probe/echo HTTP/1.0\r\nContent-Type: application/json\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
  all.push_back(
      one("te-space-before-colon", head + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"));
  all.push_back(
      one("te-upper-case", head + "Transfer-Encoding: CHUNKED\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
}

void chunked_bodies(std::vector<ConformanceCase>& all) {
  all.push_back(one("chunked", chunked("2\r\n{}\r\n0\r\n\r\n")));
  all.push_back(
      one("chunked-1500-one-byte-close", chunked(one_byte_chunks(1500), "Connection: close\r\n")));
  all.push_back(one("chunked-1500-one-byte", chunked(one_byte_chunks(1500))));
  all.push_back(
      one("chunked-5000-one-byte-close", chunked(one_byte_chunks(5000), "Connection: close\r\n")));
  all.push_back(one("chunked-extension", chunked("2;name=value\r\n{}\r\n0\r\n\r\n")));
  all.push_back(one("chunked-trailer", chunked("2\r\n{}\r\n0\r\nX-Trailer: 1\r\n\r\n")));
  all.push_back(one("chunked-upper-hex", chunked("A\r\n{\"a\":\"12\"}\r\n0\r\n\r\n")));
  all.push_back(one("chunked-bad-hex", chunked("zz\r\n{}\r\n0\r\n\r\n")));
  all.push_back(one("chunked-size-overflow", chunked("fffffffffffffffffffff\r\n{}\r\n0\r\n\r\n")));
  all.push_back(one("chunked-data-longer-than-size", chunked("1\r\n{}\r\n0\r\n\r\n")));
  all.push_back(
      differs(one("chunked-over-limit",
                  chunked("200000\r\n" + std::string(0x200000, 'a') + "\r\n0\r\n\r\n")),
              "nginx's `return 200` drops a chunked body without counting it against "
              "client_max_body_size; the host reads it for the route and answers 413 at the limit",
              "4xx close now"));
}

void slow_and_half_closed(std::vector<ConformanceCase>& all) {
  all.push_back(slow("slow-head-completes", {{"GET /probe/echo/1 HTTP/1.1\r\n", milliseconds(0)},
                                             {"Host: x\r\n", milliseconds(300)},
                                             {"\r\n", milliseconds(300)}}));
  all.push_back(
      differs(slow("slow-head-never-ends", {{"GET /probe/echo/1 HTTP/1.1\r\n", milliseconds(0)},
                                            {"Host: x\r\n", milliseconds(100)}}),
              "nginx closes a slow head without a word; the host answers 408 JSON "
              "(RFC 9110 15.5.9), as issue 12 asks",
              "4xx close late"));
  all.push_back(slow("connect-and-say-nothing", {{"", milliseconds(0)}}));
  all.push_back(
      differs(slow("body-never-ends",
                   {{post("{\"a\":1}").substr(0, post("{\"a\":1}").size() - 3), milliseconds(0)}}),
              "nginx's `return 200` answers without reading the body; the host's route needs it, "
              "waits, and answers 408 after http.request_timeout_ms",
              "4xx close late"));
  all.push_back(differs(slow("chunked-never-ends", {{chunked("2\r\n{}\r\n"), milliseconds(0)}}),
                        "nginx's `return 200` answers without reading the body; the host's route "
                        "needs it, waits, and answers 408 after http.request_timeout_ms",
                        "4xx close late"));
  all.push_back(
      differs(slow("expect-continue-waits-for-body",
                   {{"POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n",
                     milliseconds(0)}}),
              "both send 100 Continue; nginx's `return 200` answers without reading the body; the "
              "host's route needs it, waits, and answers 408 after http.request_timeout_ms",
              "4xx close late"));
  all.push_back(slow("expect-continue-body-after-100",
                     {{"POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n",
                       milliseconds(0)},
                      {"{}", milliseconds(200)}}));
  all.push_back(slow("half-close-after-request", {{kGet, milliseconds(0)}}, true));
  all.push_back(
      slow("half-close-mid-head", {{"GET /probe/echo/1 HTTP/1.1\r\nHo", milliseconds(0)}}, true));
  all.push_back(differs(
      slow("half-close-mid-body",
           {{post("{\"a\":1}").substr(0, post("{\"a\":1}").size() - 2), milliseconds(0)}}, true),
      "nginx's `return 200` answers without the body; the host has no complete request to answer "
      "and closes",
      "none close"));
  all.push_back(slow("pipeline-then-half-close", {{repeat(kGet, 3), milliseconds(0)}}, true));
}

}  // namespace

std::vector<ConformanceCase> conformance_corpus() {
  std::vector<ConformanceCase> all;
  valid(all);
  pipelined(all);
  malformed(all);
  content_length(all);
  smuggling(all);
  chunked_bodies(all);
  slow_and_half_closed(all);
  return all;
}

}  // namespace agent_host::test
