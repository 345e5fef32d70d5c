// A real redis-server for tests: started on a free loopback port with no
// persistence, stopped (SIGTERM) on destruction. Given a password it runs
// with `--requirepass`, as the deployment's Redis does.
//
//   agent_host::test::RedisServer redis;
//   config["redis"]["url"] = redis.url();
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace agent_host::test {

// Where the server listens: port 0 = a free port of the address.
struct RedisListen {
  std::string address = "127.0.0.1";
  int port = 0;
};

class RedisServer {
 public:
  // Throws std::runtime_error when redis-server is missing or does not come up.
  explicit RedisServer(std::string password = {}, RedisListen listen = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  std::string url() const;  // redis://<address>:<port> (never with the password)
  // Runs redis-cli against this server (logged in when it has a password);
  // returns its stdout (trailing newline removed).
  std::string cli(const std::vector<std::string>& args) const;
  // The folder holding the server's files (its log is redis.log).
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::string password_;
  std::string address_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::filesystem::path dir_;
};

}  // namespace agent_host::test
