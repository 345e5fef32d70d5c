// The front door on the wire (issue 12): pipelining, closing, timeouts, the
// connection limit, refusals with the JSON error shape, Expect: 100-continue
// and the SIGTERM drain, each against the real host with raw sockets.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "host_fixture.hpp"
#include "raw_http.hpp"

namespace agent_host::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

const std::string kGet = "GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\n\r\n";

// A client connection kept open across steps of a test.
class Client {
 public:
  explicit Client(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~Client() { close(fd_); }
  bool connected() const { return connected_; }
  void send_bytes(const std::string& bytes) {
    ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  }
  // What arrives within `wait`; `ended` tells whether the stream ended.
  std::string receive(milliseconds wait, bool* ended = nullptr) {
    std::string out;
    const auto until = Clock::now() + wait;
    bool eof = false;
    while (!eof && Clock::now() < until) {
      pollfd ready{fd_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
      if (poll(&ready, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[65536];
      const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        eof = true;
        break;
      }
      out.append(buffer, static_cast<size_t>(n));
      if (out.find("\r\n\r\n") != std::string::npos && ended == nullptr) break;
    }
    if (ended) *ended = eof;
    return out;
  }

 private:
  int fd_;
  bool connected_ = false;
};

nlohmann::json config_with(const nlohmann::json& http) {
  auto config = probe_config();
  config["http"] = http;
  return config;
}

nlohmann::json error_of(const RawAnswer& answer) {
  return nlohmann::json::parse(answer.body, nullptr, false);
}

TEST(HttpWire, PipelinedRequestsAreAllAnsweredInOrder) {
  HostProcess host(probe_config());
  // The first is slow and runs on a handler thread; the others wait for it.
  const std::string batch = "GET /probe/slow?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n" +
                            std::string("GET /probe/echo/2 HTTP/1.1\r\nHost: x\r\n\r\n") +
                            "POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Type: "
                            "application/json\r\nContent-Length: 7\r\n\r\n{\"n\":3}";
  const auto outcome = raw_http(host.port(), batch, milliseconds(1500));
  ASSERT_EQ(outcome.answers.size(), 3u) << outcome.bytes;
  for (const auto& answer : outcome.answers) EXPECT_EQ(answer.status, 200) << outcome.bytes;
  EXPECT_EQ(error_of(outcome.answers[1]).value("path", ""), "/probe/echo/2") << outcome.bytes;
  EXPECT_EQ(error_of(outcome.answers[2]).value("path", ""), "/probe/echo") << outcome.bytes;
  EXPECT_FALSE(outcome.closed);
}

TEST(HttpWire, CloseAndHttp10EndTheConnectionAfterTheAnswer) {
  HostProcess host(probe_config());
  for (const std::string request :
       {"GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /probe/echo/1 HTTP/1.0\r\n\r\n",
        "POST /probe/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
        "application/json\r\nContent-Length: 2\r\n\r\n{}"}) {
    // Waiting far longer than a close takes: the stream must end, not go quiet.
    const auto outcome = raw_http(host.port(), request, milliseconds(5000));
    ASSERT_EQ(outcome.answers.size(), 1u) << request << outcome.bytes;
    EXPECT_EQ(outcome.answers[0].header("connection"), "close");
    EXPECT_TRUE(outcome.closed) << request;
    EXPECT_LT(outcome.answers[0].after_last_send, milliseconds(1000));
  }
}

TEST(HttpWire, IdleKeptConnectionsAreClosedAfterTheIdleTimeout) {
  HostProcess host(config_with({{"idle_timeout_ms", 400}}));
  Client client(host.port());
  client.send_bytes(kGet);
  EXPECT_NE(client.receive(milliseconds(2000)).find("200 OK"), std::string::npos);
  bool ended = false;
  client.receive(milliseconds(5000), &ended);
  EXPECT_TRUE(ended) << "an idle connection stays open past http.idle_timeout_ms";
}

TEST(HttpWire, RefusalsAreJsonWithARequestIdAndAreCounted) {
  HostProcess host(config_with({{"max_header_bytes", 2048}, {"max_request_bytes", 4096}}));
  struct Case {
    std::string request;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"HELLO\r\n\r\n", 400, "request_line"},
      {"GET /probe/echo/1 HTTP/1.1\r\n\r\n", 400, "host"},
      {"POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400, "content-length"},
      {"POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", 400,
       "content-length"},
      {"POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n",
       400, "content-length"},
      {"POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: "
       "chunked\r\n\r\n",
       400, "transfer-encoding"},
      {"GET /probe/echo/1 HTTP/1.1\r\nHost: x\r\nX: " + std::string(4000, 'a') + "\r\n\r\n", 431,
       "headers"},
      {"POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2147483648\r\n\r\n", 413, "body"},
      {"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505, "version"},
  };
  for (const auto& c : cases) {
    const auto outcome = raw_http(host.port(), c.request, milliseconds(3000));
    ASSERT_EQ(outcome.answers.size(), 1u) << c.request << "\n" << outcome.bytes;
    const auto& answer = outcome.answers[0];
    EXPECT_EQ(answer.status, c.status) << c.request;
    EXPECT_TRUE(outcome.closed) << c.request;
    EXPECT_LT(answer.after_last_send, milliseconds(1000)) << c.request;
    const auto body = error_of(answer);
    ASSERT_TRUE(body.is_object()) << answer.body;
    EXPECT_EQ(body["error"].value("status", 0), c.status);
    EXPECT_FALSE(body["error"].value("code", "").empty());
    EXPECT_FALSE(body["error"].value("message", "").empty());
    EXPECT_EQ(body["error"].value("field", ""), c.field) << answer.body;
    EXPECT_FALSE(body.value("request_id", "").empty());
    EXPECT_EQ(answer.header("x-request-id"), body.value("request_id", ""));
  }
  const std::string metrics = http("GET", host.metrics_url()).body;
  for (
      const char* line :
      {R"(agent_host_http_requests_total{code="400",method="unknown",plugin="host",route="unparsed"} 6)",
       R"(agent_host_http_requests_total{code="431",method="unknown",plugin="host",route="unparsed"} 1)",
       R"(agent_host_http_requests_total{code="413",method="POST",plugin="host",route="unparsed"} 1)"})
    EXPECT_NE(metrics.find(line), std::string::npos) << line << "\n" << metrics;
}

TEST(HttpWire, SlowClientsGet408WhileHealthAnswers) {
  HostProcess host(config_with({{"header_timeout_ms", 800}}));
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 60; ++i) {
    slow.push_back(std::make_unique<Client>(host.port()));
    slow.back()->send_bytes("POST /probe/echo HTTP/1.1\r\nHost: x\r\n");
  }
  const auto health = raw_http(host.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(health.answers.size(), 1u) << health.bytes;
  EXPECT_EQ(health.answers[0].status, 200);
  EXPECT_LT(health.answers[0].after_last_send, milliseconds(500));
  for (auto& client : slow) {
    bool ended = false;
    const std::string answer = client->receive(milliseconds(5000), &ended);
    EXPECT_EQ(answer.rfind("HTTP/1.1 408 ", 0), 0u) << answer;
    EXPECT_NE(answer.find("\"request_timeout\""), std::string::npos) << answer;
    EXPECT_TRUE(ended);
  }
}

TEST(HttpWire, ChunkedBodiesAreBoundedAndNeverStall) {
  HostProcess host(config_with({{"max_request_bytes", 4096}}));
  // 20,000 one-byte chunks of a 20 KB body: refused at the limit, at once.
  std::string chunks;
  for (int i = 0; i < 20000; ++i) chunks += "1\r\na\r\n";
  const auto outcome = raw_http(host.port(),
                                "POST /probe/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n" +
                                    chunks + "0\r\n\r\n",
                                milliseconds(3000));
  ASSERT_GE(outcome.answers.size(), 1u) << outcome.bytes;
  EXPECT_EQ(outcome.answers[0].status, 413);
  EXPECT_TRUE(outcome.closed);
  EXPECT_EQ(http("GET", host.base_url() + "/healthz").status, 200);
}

TEST(HttpWire, ConnectionLimitAnswers503AndIsLogged) {
  HostProcess host(config_with({{"max_connections", 4}}));
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<Client>(host.port()));
  std::this_thread::sleep_for(milliseconds(200));
  const auto refused = raw_http(host.port(), kGet, milliseconds(2000));
  ASSERT_EQ(refused.answers.size(), 1u) << refused.bytes;
  EXPECT_EQ(refused.answers[0].status, 503);
  EXPECT_NE(refused.answers[0].body.find("http.max_connections"), std::string::npos);
  EXPECT_TRUE(refused.closed);
  bool logged = false;
  for (const auto& line : host.log_lines())
    logged |= line.value("msg", "").find("connection limit reached") != std::string::npos;
  EXPECT_TRUE(logged) << host.logs();
  held.clear();
  int status = 0;
  for (int i = 0; i < 40 && status != 200; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
    status = try_http("GET", host.base_url() + "/healthz").status;
  }
  EXPECT_EQ(status, 200) << "connections are accepted again below the limit";
}

TEST(HttpWire, ExpectContinueIsAnsweredBeforeTheBody) {
  HostProcess host(probe_config());
  Client client(host.port());
  client.send_bytes(
      "POST /probe/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 7\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(client.receive(milliseconds(2000)), "HTTP/1.1 100 Continue\r\n\r\n");
  client.send_bytes("{\"n\":1}");
  EXPECT_EQ(client.receive(milliseconds(2000)).rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
}

TEST(HttpWire, DrainClosesKeptConnectionsFinishesStartedRequestsAndExitsOnTime) {
  constexpr int kDrainMs = 3000;
  HostProcess host(config_with({{"drain_timeout_ms", kDrainMs}}));
  Client idle(host.port());
  idle.send_bytes(kGet);
  ASSERT_NE(idle.receive(milliseconds(2000)).find("keep-alive"), std::string::npos);
  Client busy(host.port());
  busy.send_bytes("GET /probe/slow?ms=1200 HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(milliseconds(200));

  const auto signalled = Clock::now();
  host.terminate();
  bool idle_ended = false;
  idle.receive(milliseconds(1000), &idle_ended);
  EXPECT_TRUE(idle_ended) << "an idle kept connection is closed when the drain starts";

  // The listener stays open while requests drain; what it still serves ends
  // its connection.
  Client later(host.port());
  later.send_bytes(kGet);
  bool later_ended = false;
  const std::string answer = later.receive(milliseconds(2000), &later_ended);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
  EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
  EXPECT_TRUE(later_ended);

  bool busy_ended = false;
  const std::string slow_answer = busy.receive(milliseconds(3000), &busy_ended);
  EXPECT_EQ(slow_answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u)
      << "a started request finishes: " << slow_answer;
  EXPECT_NE(slow_answer.find("Connection: close\r\n"), std::string::npos) << slow_answer;

  EXPECT_EQ(host.wait(milliseconds(kDrainMs + 5000)), 0) << host.logs();
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - signalled);
  EXPECT_LT(took, milliseconds(kDrainMs + 1000)) << "exit within drain_timeout_ms + 1 s";
  EXPECT_FALSE(Client(host.port()).connected()) << "the listener is closed after exit";
}

}  // namespace
}  // namespace agent_host::test
