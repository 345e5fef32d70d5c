#include "config/problem.hpp"

namespace agent_host::config {

std::string format_problem(const Problem& problem, const std::string& file) {
  std::string line =
      file + ": " + (problem.path.empty() ? "(top level)" : problem.path) + ": " + problem.message;
  if (!problem.suggestion.empty()) line += " (" + problem.suggestion + ")";
  return line;
}

std::string format_problems(const std::vector<Problem>& problems, const std::string& file) {
  std::string text;
  for (const Problem& problem : problems) text += format_problem(problem, file) + "\n";
  text += "Fix the key" + std::string(problems.size() == 1 ? "" : "s") + " above in " + file +
          " (check it with `agent-host check-config --config " + file + "`).";
  return text;
}

}  // namespace agent_host::config
