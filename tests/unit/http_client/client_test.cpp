#include "http_client/client.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <variant>

#include "loopback_http_server.hpp"

namespace agent_host::http {
namespace {

using agent_host::testing::CannedResponse;
using agent_host::testing::closed_loopback_port;
using agent_host::testing::LoopbackHttpServer;
using agent_host::testing::ReceivedRequest;
using namespace std::chrono_literals;

// Answers with the method and body it received, and a header naming the path.
CannedResponse echo(const ReceivedRequest& request) {
  CannedResponse response;
  response.body = request.method + " " + request.body;
  response.headers = {{"X-Seen-Path", request.path}};
  return response;
}

Request get(const std::string& url) {
  Request request;
  request.url = url;
  return request;
}

Request post(const std::string& url, const std::string& body) {
  Request request;
  request.method = "POST";
  request.url = url;
  request.body = body;
  return request;
}

Request with_method(const std::string& method, const std::string& url) {
  Request request = get(url);
  request.method = method;
  return request;
}

Response expect_response(const std::variant<Response, Failure>& result) {
  if (const auto* failure = std::get_if<Failure>(&result)) {
    ADD_FAILURE() << "unexpected failure: " << failure->message;
    return {};
  }
  return std::get<Response>(result);
}

Failure expect_failure(const std::variant<Response, Failure>& result) {
  if (const auto* response = std::get_if<Response>(&result)) {
    ADD_FAILURE() << "unexpected response " << response->status << ": " << response->body;
    return {};
  }
  return std::get<Failure>(result);
}

TEST(HttpClient, GetReturnsStatusBodyAndLowerCaseHeaders) {
  LoopbackHttpServer server(echo);
  Client client;
  const Response response = expect_response(client.send(get(server.base_url() + "/hello")));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "GET ");
  ASSERT_NE(response.header("x-seen-path"), nullptr);
  EXPECT_EQ(*response.header("X-Seen-Path"), "/hello");
  for (const auto& header : response.headers)
    for (char c : header.first) EXPECT_FALSE(std::isupper(static_cast<unsigned char>(c)));
  ASSERT_NE(response.header("content-type"), nullptr);
  EXPECT_EQ(*response.header("content-type"), "text/plain");
}

TEST(HttpClient, MethodsAndBodiesArrive) {
  LoopbackHttpServer server(echo);
  Client client;
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    Request request;
    request.method = method;
    request.url = server.base_url() + "/items?x=1";
    request.body = std::string("{\"method\":\"") + method + "\"}";
    request.headers = {{"Content-Type", "application/json"}};
    const Response response = expect_response(client.send(request));
    EXPECT_EQ(response.status, 200) << method;
    EXPECT_EQ(response.body, std::string(method) + " " + request.body);
  }
  const auto received = server.requests();
  ASSERT_EQ(received.size(), 4u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].path, "/items");
  EXPECT_EQ(received[0].query, "x=1");
  EXPECT_EQ(received[0].header("content-type"), "application/json");
  EXPECT_EQ(received[3].method, "DELETE");
}

TEST(HttpClient, EmptyPutSendsContentLengthZero) {
  LoopbackHttpServer server(echo);
  Client client;
  Request request;
  request.method = "PUT";
  request.url = server.base_url() + "/empty";
  EXPECT_EQ(expect_response(client.send(request)).status, 200);
  const auto received = server.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].header("content-length"), "0");
  // No made-up form content type.
  EXPECT_EQ(received[0].header("content-type"), "");
}

TEST(HttpClient, RequestHeadersArrive) {
  LoopbackHttpServer server(echo);
  Client client;
  Request request;
  request.url = server.base_url() + "/h";
  request.headers = {{"X-Request-Id", "abc-123"}, {"Authorization", "Bearer t0ken"}};
  EXPECT_EQ(expect_response(client.send(request)).status, 200);
  const auto received = server.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].header("x-request-id"), "abc-123");
  EXPECT_EQ(received[0].header("authorization"), "Bearer t0ken");
  EXPECT_EQ(received[0].header("user-agent"), "agent-host");
}

TEST(HttpClient, ErrorStatusesAreResponsesNotFailures) {
  LoopbackHttpServer server([](const ReceivedRequest& request) {
    CannedResponse response;
    response.status = request.path == "/missing" ? 404 : 503;
    response.body = "{\"error\":\"nope\"}";
    response.content_type = "application/json";
    return response;
  });
  Client client;
  const Response missing = expect_response(client.send(get(server.base_url() + "/missing")));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "{\"error\":\"nope\"}");
  EXPECT_EQ(expect_response(client.send(get(server.base_url() + "/down"))).status, 503);
}

TEST(HttpClient, LargeBodiesBothWays) {
  const std::string big(3 * 1024 * 1024, 'x');
  LoopbackHttpServer server([&](const ReceivedRequest& request) {
    CannedResponse response;
    response.body = request.body == big ? big + big : "mismatch";
    return response;
  });
  Client client;
  const Request request = post(server.base_url() + "/big", big);
  const Response response = expect_response(client.send(request));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body.size(), 2 * big.size());
}

TEST(HttpClient, ResponseOverTheLimitFails) {
  LoopbackHttpServer server([](const ReceivedRequest&) {
    CannedResponse response;
    response.body = std::string(4096, 'y');
    return response;
  });
  ClientOptions options;
  options.max_response_bytes = 1000;
  Client client(options);
  const Failure failure = expect_failure(client.send(get(server.base_url() + "/huge")));
  EXPECT_EQ(failure.status, AH_ERR_INTERNAL);
  EXPECT_NE(failure.message.find("exceeds 1000 bytes"), std::string::npos) << failure.message;
}

TEST(HttpClient, TimeoutIsReportedAsTimeout) {
  LoopbackHttpServer server([](const ReceivedRequest&) {
    CannedResponse response;
    response.delay = 1500ms;
    return response;
  });
  Client client;
  Request request = get(server.base_url() + "/slow");
  request.timeout = 200ms;
  const Failure failure = expect_failure(client.send(request));
  EXPECT_EQ(failure.status, AH_ERR_TIMEOUT);
  EXPECT_NE(failure.message.find("GET " + request.url + " timed out after 200 ms"),
            std::string::npos)
      << failure.message;
}

TEST(HttpClient, ConnectionRefusedIsUnavailable) {
  Client client;
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_loopback_port()) + "/x";
  const Failure failure = expect_failure(client.send(get(url)));
  EXPECT_EQ(failure.status, AH_ERR_UNAVAILABLE);
  EXPECT_NE(failure.message.find("GET " + url + " failed: "), std::string::npos) << failure.message;
  EXPECT_NE(failure.message.find("Connection refused"), std::string::npos) << failure.message;
}

TEST(HttpClient, UnknownHostIsUnavailable) {
  Client client;
  const Failure failure = expect_failure(client.send(get("http://no-such-host.invalid/")));
  EXPECT_EQ(failure.status, AH_ERR_UNAVAILABLE);
  EXPECT_NE(failure.message.find("no-such-host.invalid"), std::string::npos) << failure.message;
}

TEST(HttpClient, BadRequestsAreInvalidArguments) {
  Client client;
  struct Case {
    Request request;
    std::string message_part;
  };
  Request bad_header = get("http://127.0.0.1:1/");
  bad_header.headers = {{"X-Evil", "a\r\nInjected: yes"}};
  Request bad_name = get("http://127.0.0.1:1/");
  bad_name.headers = {{"Bad Name", "v"}};
  Request zero_timeout = get("http://127.0.0.1:1/");
  zero_timeout.timeout = 0ms;
  const Case cases[] = {
      {get(""), "request URL is empty"},
      {get("ftp://127.0.0.1/file"), "ftp://127.0.0.1/file"},
      {get("not a url"), "contains spaces"},
      {get("http://[::1"), "http://[::1"},
      {with_method("GE T", "http://127.0.0.1:1/"), "\"GE T\" is not a valid HTTP method"},
      {bad_header, "value of header \"X-Evil\" contains a line break"},
      {bad_name, "header name \"Bad Name\" is not a valid token"},
      {zero_timeout, "timeout must be positive"},
  };
  for (const Case& c : cases) {
    const Failure failure = expect_failure(client.send(c.request));
    EXPECT_EQ(failure.status, AH_ERR_INVALID_ARGUMENT) << c.request.url << ": " << failure.message;
    EXPECT_NE(failure.message.find(c.message_part), std::string::npos) << failure.message;
  }
}

TEST(HttpClient, SequentialCallsReuseOneConnection) {
  LoopbackHttpServer server(echo);
  Client client;
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(expect_response(client.send(get(server.base_url() + "/again"))).status, 200);
  EXPECT_EQ(server.requests().size(), 10u);
  EXPECT_EQ(server.connection_count(), 1u);
}

TEST(HttpClient, ConcurrentCallsFromSeveralThreads) {
  LoopbackHttpServer server(echo);
  Client client;
  constexpr int kThreads = 4;
  constexpr int kCallsEach = 25;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsEach; ++i) {
        const std::string body = std::to_string(t) + "-" + std::to_string(i);
        const auto result = client.send(post(server.base_url() + "/c", body));
        const auto* response = std::get_if<Response>(&result);
        if (response != nullptr && response->status == 200 && response->body == "POST " + body)
          ++good;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good.load(), kThreads * kCallsEach);
  // Pooled handles keep their connections: far fewer connections than calls.
  EXPECT_LE(server.connection_count(), static_cast<std::size_t>(kThreads));
}

}  // namespace
}  // namespace agent_host::http
