// Shared set-up for the host's integration tests.
#pragma once

#include <agent_host/abi.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "host_process.hpp"

namespace agent_host::test {

inline nlohmann::json probe_config(nlohmann::json probe_section = nlohmann::json::object()) {
  return {{"plugin_dirs", {binary_dir().string(), AH_FIXTURE_PLUGIN_DIR}},
          {"plugins", {{"probe", {{"config", std::move(probe_section)}}}}}};
}

// Runs the binary with arguments; returns the exit code and what it printed.
struct CommandResult {
  int exit_code;
  std::string output;
};

inline CommandResult run_command(const std::string& arguments) {
  const std::string command = (binary_dir() / "agent-host").string() + " " + arguments + " 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), output};
}

inline std::string write_file(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << text;
  return file.string();
}

}  // namespace agent_host::test
