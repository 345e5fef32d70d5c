// What tests that attack the product users run share: the shipped
// all-in-one config (shipped_config.hpp) and running agent-host commands.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "host_process.hpp"
#include "shipped_config.hpp"

namespace agent_host::test {

inline const std::filesystem::path kSourceDir(AH_SOURCE_DIR);

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct Command {
  int exit_code;  // -1 when killed by a signal
  std::string output;
};

// Runs a shell command line; its standard output and exit code.
inline Command run_shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, got);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// Runs `agent-host ARGUMENTS`, killed after 20 s so that a hang fails the test.
inline Command run_agent_host(const std::string& arguments) {
  return run_shell("timeout -s KILL 20 " + (binary_dir() / "agent-host").string() + " " +
                   arguments + " 2>&1");
}

}  // namespace agent_host::test
