#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace agent_host::testing {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One request as the test server received it. Header names are lower-case.
struct ReceivedRequest {
  std::string method;
  std::string path;
  std::string query;  // raw, without '?'
  HeaderList headers;
  std::string body;
  std::string peer;  // "ip:port" of the client's connection

  // The value of header `name` (lower-case), or "" when absent.
  std::string header(const std::string& name) const;
};

// What the test server answers.
struct CannedResponse {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain";
  HeaderList headers;
  // Sleep this long before answering (to provoke client timeouts).
  std::chrono::milliseconds delay{0};
};

// A real HTTP server (Pistache) on 127.0.0.1 and a free port, for tests. Every
// request is recorded and answered by the handler. Stops on destruction.
class LoopbackHttpServer {
 public:
  using Handler = std::function<CannedResponse(const ReceivedRequest&)>;

  explicit LoopbackHttpServer(Handler handler, std::size_t threads = 4);
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  std::uint16_t port() const;
  // "http://127.0.0.1:<port>"
  std::string base_url() const;
  std::vector<ReceivedRequest> requests() const;
  // How many distinct client connections requests arrived on.
  std::size_t connection_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A loopback port with nothing listening on it (bound, then closed).
std::uint16_t closed_loopback_port();

}  // namespace agent_host::testing
