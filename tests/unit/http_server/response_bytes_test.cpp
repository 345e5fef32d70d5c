// The bytes the host writes for a response: status line, headers, body.
#include "http_server/response_bytes.hpp"

#include <gtest/gtest.h>

namespace agent_host::http_server {
namespace {

runtime::HttpResponse json_answer() {
  runtime::HttpResponse response;
  response.status = 201;
  response.body = R"({"id":"t1"})";
  response.headers = {{"location", "tasks/t1"}, {"x-request-id", "abc-1"}};
  return response;
}

TEST(ResponseBytes, KeepAliveJsonAnswerIsExact) {
  EXPECT_EQ(response_bytes(json_answer(), ReplyShape{}),
            "HTTP/1.1 201 Created\r\n"
            "Connection: keep-alive\r\n"
            "Content-Type: application/json\r\n"
            "location: tasks/t1\r\n"
            "x-request-id: abc-1\r\n"
            "Content-Length: 11\r\n"
            "\r\n"
            R"({"id":"t1"})");
}

TEST(ResponseBytes, Http10CloseAndHeadShapeTheAnswer) {
  ReplyShape shape;
  shape.http10 = true;
  shape.keep_alive = false;
  shape.head = true;
  const std::string bytes = response_bytes(json_answer(), shape);
  EXPECT_EQ(bytes.rfind("HTTP/1.0 201 Created\r\nConnection: close\r\n", 0), 0u) << bytes;
  // HEAD: the length of the body a GET would carry, and no body.
  EXPECT_NE(bytes.find("Content-Length: 11\r\n\r\n"), std::string::npos) << bytes;
  EXPECT_EQ(bytes.substr(bytes.size() - 4), "\r\n\r\n");
}

TEST(ResponseBytes, NoContentTypeWhenEmptyAndEmptyBodyHasZeroLength) {
  runtime::HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  const std::string bytes = response_bytes(response, ReplyShape{});
  EXPECT_EQ(bytes,
            "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");
}

TEST(ResponseBytes, LineBreaksInHeadersCannotSplitTheResponse) {
  runtime::HttpResponse response;
  response.headers = {{"x-evil\r\nset-cookie", "a\r\n\r\nHTTP/1.1 200 OK\nb"}};
  response.headers[0].second.push_back('\0');
  EXPECT_EQ(response_bytes(response, ReplyShape{}),
            "HTTP/1.1 200 OK\r\n"
            "Connection: keep-alive\r\n"
            "Content-Type: application/json\r\n"
            "x-evil  set-cookie: a    HTTP/1.1 200 OK b \r\n"
            "Content-Length: 0\r\n"
            "\r\n");
}

TEST(ResponseBytes, FramingHeadersArePutByTheHostOnly) {
  runtime::HttpResponse response;
  response.body = "{}";
  response.headers = {{"Content-Length", "999"},
                      {"transfer-encoding", "chunked"},
                      {"connection", "upgrade"},
                      {"etag", "\"1\""}};
  EXPECT_EQ(response_bytes(response, ReplyShape{}),
            "HTTP/1.1 200 OK\r\n"
            "Connection: keep-alive\r\n"
            "Content-Type: application/json\r\n"
            "etag: \"1\"\r\n"
            "Content-Length: 2\r\n"
            "\r\n"
            "{}");
}

TEST(ResponseBytes, UnknownStatusCodesKeepTheirNumber) {
  runtime::HttpResponse response;
  response.status = 299;
  EXPECT_EQ(response_bytes(response, ReplyShape{}).rfind("HTTP/1.1 299 ", 0), 0u);
}

}  // namespace
}  // namespace agent_host::http_server
