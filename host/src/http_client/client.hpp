#pragma once

#include <agent_host/abi.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace agent_host::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method = "GET";
  std::string url;
  HeaderList headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};  // whole call, connect included
};

struct Response {
  int status = 0;
  HeaderList headers;  // names lower-case, in the order received
  std::string body;

  // The first value of header `name` (matched case-insensitively), or nullptr.
  const std::string* header(std::string_view name) const;
};

// No response was received. status: AH_ERR_INVALID_ARGUMENT (bad request: URL,
// method, header), AH_ERR_UNAVAILABLE (connection refused, DNS, TLS, reset),
// AH_ERR_TIMEOUT, AH_ERR_INTERNAL (e.g. response over the size limit).
struct Failure {
  ah_status status = AH_ERR_INTERNAL;
  std::string message;  // names the method, the URL and curl's explanation
};

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  // Idle easy handles (each keeps its own live connections) kept for reuse.
  std::size_t max_idle_handles = 16;
  std::size_t max_response_bytes = 64 * 1024 * 1024;
  bool follow_redirects = false;
  std::string user_agent = "agent-host";
};

// Outbound HTTP(S) over libcurl. Thread-safe: each call borrows an easy handle
// from a pool, so connections are kept alive and reused between calls.
class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  std::variant<Response, Failure> send(const Request& request);

 private:
  struct Impl;
  ClientOptions options_;
  std::once_flag impl_once_;  // an initialiser that throws leaves it unset
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent_host::http
