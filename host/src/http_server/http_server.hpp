// The network face of the host: the API port (plugin routes and host
// endpoints) and the metrics port, both on Pistache's TCP layer with the
// host's own HTTP/1.1 (network_thread.hpp, connection.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/runtime.hpp"

namespace agent_host::http_server {

class HttpServer {
 public:
  explicit HttpServer(runtime::Runtime& runtime);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds both ports and starts serving. Throws std::runtime_error naming the
  // config key and address when a port cannot be bound.
  void start();
  // SIGTERM: from now on answers carry "Connection: close" and the
  // connection closes after them; idle kept connections are closed.
  void begin_drain();
  // Closes the listeners; in-flight requests must have drained before.
  void shutdown();

  std::uint16_t port() const;
  std::uint16_t metrics_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent_host::http_server
