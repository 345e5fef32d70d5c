#pragma once

#include <string>
#include <vector>

namespace agent_host::config {

// One thing wrong with a configuration document.
struct Problem {
  std::string path;        // dotted key path, e.g. "plugins.task-manager.config.retention_days"
  std::string message;     // what is wrong, e.g. "expected an integer, got a string (\"7d\")"
  std::string suggestion;  // how to fix it, may be empty, e.g. "did you mean 'threads'?"
};

// "<file>: <path>: <message> (<suggestion>)" — the suggestion part only when present.
std::string format_problem(const Problem& problem, const std::string& file);

// Every problem on its own line, followed by one line saying how to go on.
std::string format_problems(const std::vector<Problem>& problems, const std::string& file);

}  // namespace agent_host::config
