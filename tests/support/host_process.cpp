#include "host_process.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "http_client/client.hpp"

#ifndef AH_BINARY_DIR
#error "AH_BINARY_DIR must name the build's bin folder"
#endif

namespace agent_host::test {
namespace {

std::filesystem::path make_temp_dir() {
  std::random_device device;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto dir =
        std::filesystem::temp_directory_path() / ("agent-host-it-" + std::to_string(device()));
    if (std::filesystem::create_directory(dir)) return dir;
  }
  throw std::runtime_error("cannot create a temporary folder");
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string tail(const std::string& text, size_t lines) {
  size_t pos = text.size();
  for (size_t n = 0; n <= lines && pos != std::string::npos && pos > 0; ++n)
    pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos ? text : text.substr(pos);
}

http::Client& client() {
  static http::Client shared;
  return shared;
}

}  // namespace

std::filesystem::path binary_dir() {
  return AH_BINARY_DIR;
}

std::string Reply::header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return {};
}

Reply try_http(const std::string& method, const std::string& url, const std::string& body,
               std::vector<std::pair<std::string, std::string>> headers,
               std::chrono::milliseconds timeout) {
  http::Request request;
  request.method = method;
  request.url = url;
  request.body = body;
  if (!body.empty()) {
    bool has_type = false;
    for (const auto& header : headers)
      has_type |= header.first == "content-type" || header.first == "Content-Type";
    if (!has_type) headers.emplace_back("content-type", "application/json");
  }
  request.headers = std::move(headers);
  request.timeout = timeout;
  auto result = client().send(request);
  if (auto* failure = std::get_if<http::Failure>(&result)) {
    Reply reply;
    reply.failure = failure->message;
    return reply;
  }
  auto& response = std::get<http::Response>(result);
  return Reply{response.status, response.headers, response.body, {}};
}

Reply http(const std::string& method, const std::string& url, const std::string& body,
           std::vector<std::pair<std::string, std::string>> headers,
           std::chrono::milliseconds timeout) {
  http::Request request;
  request.method = method;
  request.url = url;
  request.body = body;
  if (!body.empty()) headers.emplace_back("content-type", "application/json");
  request.headers = std::move(headers);
  request.timeout = timeout;
  auto result = client().send(request);
  if (auto* failure = std::get_if<http::Failure>(&result))
    throw std::runtime_error(failure->message);
  auto& response = std::get<http::Response>(result);
  return Reply{response.status, response.headers, response.body, {}};
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int port = ntohs(address.sin_port);
  close(fd);
  return port;
}

namespace {
HostOptions options_with(nlohmann::json config) {
  HostOptions options;
  options.config = std::move(config);
  return options;
}
}  // namespace

HostProcess::HostProcess(nlohmann::json config) : HostProcess(options_with(std::move(config))) {}

HostProcess::HostProcess(HostOptions options) : options_(std::move(options)) {
  work_dir_ = options_.work_dir;
  if (work_dir_.empty()) {
    work_dir_ = make_temp_dir();
    owns_work_dir_ = true;
  }
  std::filesystem::create_directories(work_dir_);
  write_config(options_.config);
  start();
}

HostProcess::~HostProcess() {
  if (pid_ > 0) {
    terminate();
    if (wait(std::chrono::milliseconds(15000)) == -1000) kill9();
  }
  if (owns_work_dir_ && !std::getenv("AH_KEEP_TEST_DIRS")) {
    std::error_code ignored;
    std::filesystem::remove_all(work_dir_, ignored);
  }
}

nlohmann::json HostProcess::merged(const nlohmann::json& config) const {
  nlohmann::json document = {
      {"service", "test"},
      {"http", {{"address", "127.0.0.1"}, {"port", 0}, {"drain_timeout_ms", 5000}}},
      {"metrics", {{"address", "127.0.0.1"}, {"port", 0}}},
      {"log", {{"level", "info"}, {"format", "json"}}},
      {"storage", {{"data_dir", (work_dir_ / "data").string()}}},
      {"secrets_dir", (work_dir_ / "secrets").string()},
      {"plugin_dirs", {binary_dir().string()}}};
  document.merge_patch(config);
  return document;
}

void HostProcess::write_config(const nlohmann::json& config) {
  if (&config != &options_.config) options_.config = config;
  config_ = merged(options_.config);
  // A stopped host restarts on the ports it had; a running one reloads the
  // file, where other ports than it started with would be a change that
  // needs a restart.
  const bool pinned = !running() || ports_pinned_;
  if (pinned && port_ > 0) config_["http"]["port"] = port_;
  if (pinned && metrics_port_ > 0) config_["metrics"]["port"] = metrics_port_;
  // JSON is valid YAML: the host reads it as its YAML config. Written to a
  // temporary file and renamed, as a ConfigMap update would be.
  const auto temp = work_dir_ / "config.yaml.tmp";
  {
    std::ofstream out(temp);
    out << config_.dump(2) << "\n";
  }
  std::filesystem::rename(temp, config_file());
}

void HostProcess::start() {
  if (pid_ > 0) throw std::logic_error("HostProcess already running");
  // A restart binds the ports of the first run, so base_url() stays valid.
  if (port_ > 0) {
    write_config(options_.config);
    ports_pinned_ = true;  // this run reads them from its file: keep them there
  }
  ++runs_;
  const auto log_file = work_dir_ / "host.log";
  const std::string binary = (binary_dir() / "agent-host").string();
  const std::string config = config_file().string();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    for (const auto& [name, value] : options_.env) setenv(name.c_str(), value.c_str(), 1);
    execl(binary.c_str(), binary.c_str(), "--config", config.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  learn_ports(options_.ready_timeout);
  if (options_.wait_ready) wait_ready(options_.ready_timeout);
}

// Each run logs one "listening" line with the ports it bound; the run-th one is ours.
void HostProcess::learn_ports(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("agent-host exited during startup; log tail:\n" + tail(logs(), 20));
    }
    int count = 0;
    for (const auto& line : log_lines()) {
      if (line.value("msg", "") != "listening" || ++count < runs_) continue;
      port_ = line.value("http_port", 0);
      metrics_port_ = line.value("metrics_port", 0);
      write_config(options_.config);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  throw std::runtime_error("agent-host did not report its ports in time; log tail:\n" +
                           tail(logs(), 20));
}

void HostProcess::wait_ready(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (try_http("GET", base_url() + "/readyz", {}, {}, std::chrono::milliseconds(2000)).status ==
        200)
      return;
    int status = 0;
    if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("agent-host exited before it was ready; log tail:\n" +
                               tail(logs(), 20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("agent-host was not ready in time; log tail:\n" + tail(logs(), 20));
}

std::string HostProcess::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}
std::string HostProcess::metrics_url() const {
  return "http://127.0.0.1:" + std::to_string(metrics_port_) + "/metrics";
}

void HostProcess::signal(int number) const {
  if (pid_ > 0) ::kill(pid_, number);
}

void HostProcess::terminate() {
  signal(SIGTERM);
}

int HostProcess::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1000;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return -WTERMSIG(status);
      return -999;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1000;  // still running
}

void HostProcess::kill9() {
  signal(SIGKILL);
  wait(std::chrono::milliseconds(10000));
}

void HostProcess::restart() {
  terminate();
  if (wait(std::chrono::milliseconds(15000)) == -1000) kill9();
  start();
}

std::string HostProcess::logs() const {
  return read_file(work_dir_ / "host.log");
}

std::vector<nlohmann::json> HostProcess::log_lines() const {
  std::vector<nlohmann::json> lines;
  std::istringstream in(logs());
  std::string line;
  while (std::getline(in, line)) {
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    if (parsed.is_object()) lines.push_back(std::move(parsed));
  }
  return lines;
}

int kill_cycles(int fallback) {
  const char* text = std::getenv("AH_KILL_CYCLES");
  return text ? std::max(1, std::atoi(text)) : fallback;
}

}  // namespace agent_host::test
