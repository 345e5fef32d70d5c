// nginx answering `return 200` on a free loopback port, with the timeouts and
// limits the conformance test also gives the host: the reference behaviour
// for raw HTTP/1.1 edge cases.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace agent_host::test {

struct ReferenceLimits {
  int header_timeout_ms;
  int body_timeout_ms;
  int idle_timeout_ms;
  long max_body_bytes;
};

class ReferenceNginx {
 public:
  explicit ReferenceNginx(const ReferenceLimits& limits);  // throws with the error log
  ~ReferenceNginx();
  ReferenceNginx(const ReferenceNginx&) = delete;
  ReferenceNginx& operator=(const ReferenceNginx&) = delete;
  int port() const { return port_; }

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace agent_host::test
