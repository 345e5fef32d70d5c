#include "redis_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace agent_host::test {

namespace {

int unused_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t size = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("RedisServer: no free loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

bool accepts_connections(const std::string& host, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  ::inet_pton(AF_INET, host.c_str(), &address.sin_addr);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

pid_t spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + args[0] +
                             "; install redis-server (tools/install-deps.sh)");
  return pid;
}

// One shell word.
std::string quoted(const std::string& text) {
  std::string word = "'";
  for (char c : text) word += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return word + "'";
}

}  // namespace

RedisServer::RedisServer(std::string password, RedisListen listen)
    : password_(std::move(password)), address_(std::move(listen.address)) {
  std::random_device random;
  dir_ = std::filesystem::temp_directory_path() /
         ("ah-redis-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(dir_);
  for (int attempt = 0; attempt < 5 && pid_ < 0; ++attempt) {
    port_ = listen.port ? listen.port : unused_loopback_port();
    const std::string log = (dir_ / "redis.log").string();
    std::vector<std::string> args = {"redis-server", "--port", std::to_string(port_)};
    args.insert(args.end(), {"--bind", address_, "--save", "", "--appendonly", "no"});
    args.insert(args.end(), {"--dir", dir_.string(), "--logfile", log});
    if (!password_.empty()) args.insert(args.end(), {"--requirepass", password_});
    const pid_t pid = spawn(args);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      if (accepts_connections(address_, port_)) {
        pid_ = pid;
        break;
      }
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid)
        break;  // exited (port taken meanwhile): try another
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (pid_ < 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  if (pid_ < 0)
    throw std::runtime_error("redis-server did not start; see " + (dir_ / "redis.log").string());
}

RedisServer::~RedisServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string RedisServer::url() const {
  return "redis://" + address_ + ":" + std::to_string(port_);
}

std::string RedisServer::cli(const std::vector<std::string>& args) const {
  // REDISCLI_AUTH keeps the password off the command line (and its warning off stdout).
  std::string command = (password_.empty() ? "" : "REDISCLI_AUTH=" + quoted(password_) + " ") +
                        "redis-cli -h " + address_ + " -p " + std::to_string(port_);
  for (const auto& a : args) command += " " + quoted(a);
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run redis-cli");
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  ::pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace agent_host::test
