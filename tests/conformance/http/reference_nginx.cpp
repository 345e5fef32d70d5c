#include "reference_nginx.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "host_process.hpp"
#include "raw_http.hpp"

namespace agent_host::test {
namespace {

std::string find_nginx() {
  for (const char* candidate : {"/usr/sbin/nginx", "/usr/bin/nginx"})
    if (access(candidate, X_OK) == 0) return candidate;
  throw std::runtime_error(
      "ReferenceNginx: nginx is not installed; install nginx-light (tools/install-deps.sh --test)");
}

// One process, no workers: no user switch when the tests run as root.
std::string config_text(const std::filesystem::path& dir, int port, const ReferenceLimits& l) {
  std::ostringstream out;
  const std::string d = dir.string();
  out << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
      << "pid " << d << "/nginx.pid;\nerror_log " << d << "/error.log warn;\n"
      << "events { worker_connections 1024; }\nhttp {\n  access_log off;\n"
      << "  client_body_temp_path " << d << ";\n  proxy_temp_path " << d << ";\n"
      << "  fastcgi_temp_path " << d << ";\n  uwsgi_temp_path " << d << ";\n"
      << "  scgi_temp_path " << d << ";\n"
      << "  client_header_timeout " << l.header_timeout_ms << "ms;\n"
      << "  client_body_timeout " << l.body_timeout_ms << "ms;\n"
      << "  keepalive_timeout " << l.idle_timeout_ms << "ms;\n"
      << "  client_max_body_size " << l.max_body_bytes << ";\n"
      << "  server {\n    listen 127.0.0.1:" << port << ";\n"
      << "    location / { default_type application/json; return 200 '{}'; }\n  }\n}\n";
  return out.str();
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

ReferenceNginx::ReferenceNginx(const ReferenceLimits& limits) {
  const std::string nginx = find_nginx();
  std::string pattern =
      (std::filesystem::temp_directory_path() / "reference-nginx-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("ReferenceNginx: mkdtemp failed");
  dir_ = pattern;
  port_ = free_port();
  std::ofstream(dir_ / "nginx.conf") << config_text(dir_, port_, limits);
  pid_ = fork();
  if (pid_ == 0) {
    const std::string prefix = dir_.string();
    const std::string conf = (dir_ / "nginx.conf").string();
    execl(nginx.c_str(), nginx.c_str(), "-p", prefix.c_str(), "-c", conf.c_str(), "-e",
          (prefix + "/error.log").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 200; ++i) {
    if (raw_http(port_, "", std::chrono::milliseconds(1)).connected) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  const std::string log = read_file(dir_ / "error.log");
  this->~ReferenceNginx();
  throw std::runtime_error("ReferenceNginx: nginx did not come up: " + log);
}

ReferenceNginx::~ReferenceNginx() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

}  // namespace agent_host::test
