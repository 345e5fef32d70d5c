#include "postgres_server.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include "host_process.hpp"

namespace agent_host::test {
namespace {

void run_script(const std::string& arguments) {
  const std::string command = std::string(AH_POSTGRES_SCRIPT) + " " + arguments + " >/dev/null";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

std::filesystem::path fresh_dir() {
  static std::atomic<int> counter{0};
  return std::filesystem::temp_directory_path() /
         ("ah-postgres-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
}

}  // namespace

PostgresServer::PostgresServer() : dir_(fresh_dir()), port_(free_port()) {
  run_script("start " + dir_.string() + " " + std::to_string(port_));
}

PostgresServer::~PostgresServer() {
  try {
    run_script("stop " + dir_.string());
  } catch (...) {
    // Stopping is best effort; the folder is temporary.
  }
}

void PostgresServer::pause() {
  run_script("pause " + dir_.string());
}

void PostgresServer::resume() {
  run_script("resume " + dir_.string() + " " + std::to_string(port_));
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

}  // namespace agent_host::test
