// Plugin routes, host endpoints, errors, auth, secrets and agent calls.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "host_fixture.hpp"

namespace agent_host::test {
namespace {

TEST(HostHttp, RoutesCarryParamsQueryHeadersAndBody) {
  HostProcess host(probe_config());
  auto reply =
      http("GET", host.base_url() + "/probe/echo/42?tag=a%20b&x=1", {}, {{"X-Trace", "t1"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto body = reply.json();
  EXPECT_EQ(body["route"], "/echo/{id}");
  EXPECT_EQ(body["params"]["id"], "42");
  EXPECT_EQ(body["query"]["tag"], "a b");
  EXPECT_EQ(body["query"]["x"], "1");
  EXPECT_EQ(body["headers"]["x-trace"], "t1");
  EXPECT_EQ(body["in_process"], false);
  EXPECT_FALSE(reply.header("x-request-id").empty());

  reply = http("POST", host.base_url() + "/probe/echo", R"({"a":1})");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json()["body"], R"({"a":1})");
}

TEST(HostHttp, HealthReadinessLivenessAndOpenApi) {
  HostProcess host(probe_config());
  auto health = http("GET", host.base_url() + "/health");
  ASSERT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "ok");
  EXPECT_EQ(health.json()["service"], "test");
  EXPECT_EQ(health.json()["plugins"]["probe"]["status"], "ok");
  EXPECT_EQ(http("GET", host.base_url() + "/healthz").status, 200);
  EXPECT_EQ(http("GET", host.base_url() + "/readyz").status, 200);
  auto openapi = http("GET", host.base_url() + "/openapi.json").json();
  EXPECT_EQ(openapi["openapi"], "3.1.0");
  EXPECT_TRUE(openapi["paths"].contains("/probe/echo/{id}"));
  EXPECT_EQ(openapi["paths"]["/probe/echo/{id}"]["get"]["parameters"][0]["name"], "id");
}

// Behind an Ingress that routes only the plugins' prefixes, <prefix>/health
// is how the console (and an operator) reaches the health of that pod.
TEST(HostHttp, EveryPluginPrefixAnswersTheHostsHealth) {
  HostProcess host(probe_config());
  const auto root = http("GET", host.base_url() + "/health");
  const auto under_prefix = http("GET", host.base_url() + "/probe/health");
  ASSERT_EQ(under_prefix.status, 200) << under_prefix.body;
  EXPECT_EQ(under_prefix.json()["instance"], root.json()["instance"]);
  EXPECT_EQ(under_prefix.json()["plugins"]["probe"]["status"], "ok");
  EXPECT_EQ(http("GET", host.base_url() + "/nothing/health").status, 404);
  EXPECT_EQ(http("GET", host.base_url() + "/probe/echo/health").status, 200);  // the plugin's
  const std::string metrics = http("GET", host.metrics_url()).body;
  EXPECT_NE(metrics.find(R"(route="/{prefix}/health")"), std::string::npos);
}

TEST(HostHttp, ARouteAtThePrefixRootIsNamedByThePrefix) {
  HostProcess host(probe_config());
  EXPECT_EQ(http("GET", host.base_url() + "/probe").status, 200);
  EXPECT_EQ(http("GET", host.base_url() + "/probe/").status, 200);
  const auto openapi = http("GET", host.base_url() + "/openapi.json").json();
  EXPECT_TRUE(openapi["paths"].contains("/probe")) << openapi["paths"].dump();
  EXPECT_FALSE(openapi["paths"].contains("/probe/"));
  const std::string metrics = http("GET", host.metrics_url()).body;
  EXPECT_NE(metrics.find(R"(plugin="probe",route="/probe"})"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find(R"(route="/probe/")"), std::string::npos) << metrics;
}

TEST(HostHttp, ErrorsAreJsonWithStatusCodeAndRequestId) {
  HostProcess host(probe_config());
  auto missing = http("GET", host.base_url() + "/probe/nothing-here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["error"]["code"], "not_found");

  auto outside = http("GET", host.base_url() + "/nowhere");
  EXPECT_EQ(outside.status, 404);
  EXPECT_EQ(outside.json()["error"]["status"], 404);

  auto wrong_method = http("DELETE", host.base_url() + "/probe/echo/1");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.header("allow"), "GET");
  EXPECT_EQ(wrong_method.json()["error"]["code"], "method_not_allowed");

  auto boom = http("GET", host.base_url() + "/probe/boom");
  EXPECT_EQ(boom.status, 500);
  const std::string request_id = boom.json()["request_id"];
  EXPECT_FALSE(request_id.empty());
  bool logged = false;
  for (const auto& line : host.log_lines())
    logged |= line.value("request_id", "") == request_id &&
              line.value("error", "").find("probe exploded on purpose") != std::string::npos;
  EXPECT_TRUE(logged) << host.logs();
}

TEST(HostHttp, BodyOverTheLimitIs413Json) {
  auto config = probe_config();
  config["http"] = {{"max_request_bytes", 1024}};
  HostProcess host(config);
  const std::string small(1000, 'a'), big(3000, 'a');
  EXPECT_EQ(http("POST", host.base_url() + "/probe/echo", "\"" + small + "\"").status, 200);
  auto reply = http("POST", host.base_url() + "/probe/echo", "\"" + big + "\"");
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.json()["error"]["field"], "body");
  // Far over the limit Pistache itself refuses; still a 413.
  EXPECT_EQ(http("POST", host.base_url() + "/probe/echo", std::string(100000, 'a')).status, 413);
}

// Sends raw HTTP/1.1 requests without "Connection: keep-alive" on one socket.
TEST(HostHttp, Http11ClientsKeepTheirConnectionWithoutAskingForIt) {
  HostProcess host(probe_config());
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(host.port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  for (int i = 0; i < 3; ++i) {
    const std::string request =
        "GET /probe/echo/" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()))
        << "connection closed before request " << i;
    char buffer[8192];
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    ASSERT_GT(n, 0) << "no answer to request " << i << " on the same connection";
    const std::string answer(buffer, static_cast<size_t>(n));
    EXPECT_NE(answer.find("200 OK"), std::string::npos) << answer;
    EXPECT_NE(answer.find("\r\nConnection: keep-alive\r\n"), std::string::npos) << answer;
  }
  close(fd);
}

// One raw request on a fresh connection: everything the host sends until the
// stream ends or stays silent.
struct RawAnswer {
  std::string bytes;
};
RawAnswer raw_exchange(int port, const std::string& request) {
  RawAnswer answer;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return answer;
  }
  timeval timeout{0, 500000};  // a kept connection stays silent; a closed one ends at once
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  char buffer[8192];
  for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;)
    answer.bytes.append(buffer, static_cast<size_t>(n));
  close(fd);
  return answer;
}

TEST(HostHttp, Http10CloseAndHeadAreAnsweredAsHttpSays) {
  HostProcess host(probe_config());
  const RawAnswer get = raw_exchange(host.port(), "GET /probe/label HTTP/1.1\r\nHost: x\r\n\r\n");
  const size_t body_at = get.bytes.find("\r\n\r\n");
  ASSERT_NE(body_at, std::string::npos) << get.bytes;
  const std::string body = get.bytes.substr(body_at + 4);
  ASSERT_FALSE(body.empty()) << get.bytes;

  const RawAnswer http10 = raw_exchange(host.port(), "GET /probe/label HTTP/1.0\r\n\r\n");
  EXPECT_EQ(http10.bytes.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << http10.bytes;
  EXPECT_NE(http10.bytes.find("\r\nConnection: close\r\n"), std::string::npos) << http10.bytes;
  EXPECT_EQ(http10.bytes.substr(http10.bytes.find("\r\n\r\n") + 4), body) << http10.bytes;

  const RawAnswer asked_close = raw_exchange(
      host.port(), "GET /probe/label HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(asked_close.bytes.find("\r\nConnection: close\r\n"), std::string::npos)
      << asked_close.bytes;

  const RawAnswer head = raw_exchange(host.port(), "HEAD /probe/label HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(head.bytes.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head.bytes;
  EXPECT_NE(head.bytes.find("\r\nContent-Length: " + std::to_string(body.size()) + "\r\n"),
            std::string::npos)
      << head.bytes;
  EXPECT_EQ(head.bytes.substr(head.bytes.find("\r\n\r\n") + 4), "") << "HEAD carries no body";

  // The host still answers after the closed connections.
  EXPECT_EQ(http("GET", host.base_url() + "/probe/label").status, 200);
}

TEST(HostHttp, MetricsCountRequestsByPluginRouteMethodAndCode) {
  HostProcess host(probe_config());
  http("GET", host.base_url() + "/probe/echo/1");
  http("GET", host.base_url() + "/probe/echo/2");
  const std::string metrics = http("GET", host.metrics_url()).body;
  EXPECT_NE(
      metrics.find(
          R"(agent_host_http_requests_total{code="200",method="GET",plugin="probe",route="/probe/echo/{id}"} 2)"),
      std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("agent_host_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics.find("agent_host_plugins_loaded 1"), std::string::npos);
  EXPECT_NE(metrics.find("agent_host_build_info{"), std::string::npos);
}

TEST(HostAuth, PluginRoutesNeedAKeyHealthAndMetricsDoNot) {
  auto config = probe_config();
  HostOptions options;
  options.work_dir =
      std::filesystem::temp_directory_path() / ("ah-auth-" + std::to_string(getpid()));
  const auto keys =
      write_file(options.work_dir / "keys", "# rotated 2026-11\nfirst-key-123\n\nsecond-key-456\n");
  config["auth"] = {{"api_keys_file", keys}};
  options.config = config;
  HostProcess host(options);
  EXPECT_EQ(http("GET", host.base_url() + "/probe/echo/1").status, 401);
  EXPECT_EQ(http("GET", host.base_url() + "/probe/echo/1", {}, {{"Authorization", "Bearer wrong"}})
                .status,
            401);
  EXPECT_EQ(http("GET", host.base_url() + "/probe/echo/1", {},
                 {{"Authorization", "Bearer first-key-123"}})
                .status,
            200);
  EXPECT_EQ(http("GET", host.base_url() + "/probe/echo/1", {},
                 {{"Authorization", "Bearer second-key-456"}})
                .status,
            200);
  EXPECT_EQ(http("GET", host.base_url() + "/health").status, 200);
  EXPECT_EQ(http("GET", host.base_url() + "/openapi.json").status, 200);
  EXPECT_EQ(http("GET", host.metrics_url()).status, 200);
  EXPECT_EQ(http("POST", host.base_url() + "/jobs/probe/tick").status, 401);
  std::filesystem::remove_all(options.work_dir);
}

TEST(HostSecrets, ValuesReadFromSecretFilesNeverReachTheLog) {
  HostOptions options;
  options.config = probe_config();
  options.work_dir =
      std::filesystem::temp_directory_path() / ("ah-secret-" + std::to_string(getpid()));
  write_file(options.work_dir / "secrets" / "db-secret" / "password", "s3cr3t-Pa55word\n");
  HostProcess host(options);
  auto reply = http("GET", host.base_url() + "/probe/secret?name=db-secret/password");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json()["length"], 15);
  EXPECT_EQ(http("GET", host.base_url() + "/probe/secret?name=../etc/passwd").status, 500);
  host.terminate();
  host.wait();
  const std::string logs = host.logs();
  EXPECT_EQ(logs.find("s3cr3t-Pa55word"), std::string::npos) << logs;
  EXPECT_NE(logs.find("[REDACTED]"), std::string::npos) << logs;
  std::filesystem::remove_all(options.work_dir);
}

TEST(HostJobs, JobsEndpointRunsAJobNow) {
  HostProcess host(probe_config());
  EXPECT_EQ(http("GET", host.base_url() + "/probe/ticks").json()["n"], 0);
  auto reply = http("POST", host.base_url() + "/jobs/probe/tick");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json()["ok"], true);
  EXPECT_EQ(http("GET", host.base_url() + "/probe/ticks").json()["n"], 1);
  auto unknown = http("POST", host.base_url() + "/jobs/probe/nope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.json()["error"]["message"].get<std::string>().find("tick"), std::string::npos);
  const std::string metrics = http("GET", host.metrics_url()).body;
  EXPECT_NE(metrics.find(R"(agent_host_job_runs_total{job="tick",outcome="ok",plugin="probe"} 1)"),
            std::string::npos)
      << metrics;
}

TEST(HostAgentCalls, InProcessWhenLocalHttpToThePeerOtherwise) {
  HostProcess hello(nlohmann::json{{"plugins", {{"hello", {{"config", {{"greeting", "Hey"}}}}}}}});
  auto config = probe_config();
  config["peers"] = {{"hello", hello.base_url()},
                     {"gone", "http://127.0.0.1:" + std::to_string(free_port())}};
  HostProcess host(config);

  auto local =
      http("POST", host.base_url() + "/probe/call", R"({"agent":"probe","path":"/echo/7?q=1"})");
  ASSERT_EQ(local.status, 200) << local.body;
  auto echoed = nlohmann::json::parse(local.json()["body"].get<std::string>());
  EXPECT_EQ(echoed["in_process"], true);
  EXPECT_EQ(echoed["params"]["id"], "7");
  EXPECT_EQ(echoed["query"]["q"], "1");

  auto remote =
      http("POST", host.base_url() + "/probe/call", R"({"agent":"hello","path":"/greet/ann"})");
  ASSERT_EQ(remote.status, 200) << remote.body;
  EXPECT_EQ(remote.json()["status"], 200);
  EXPECT_EQ(nlohmann::json::parse(remote.json()["body"].get<std::string>())["message"],
            "Hey, ann!");

  auto down = http("POST", host.base_url() + "/probe/call", R"({"agent":"gone","path":"/x"})");
  EXPECT_EQ(down.status, 502);
  EXPECT_EQ(down.json()["code"], AH_ERR_UNAVAILABLE);

  auto unknown = http("POST", host.base_url() + "/probe/call", R"({"agent":"nobody","path":"/x"})");
  EXPECT_EQ(unknown.status, 502);
  EXPECT_EQ(unknown.json()["code"], AH_ERR_NOT_FOUND);
  EXPECT_NE(unknown.json()["error"].get<std::string>().find("peers.nobody"), std::string::npos);
}

}  // namespace
}  // namespace agent_host::test
