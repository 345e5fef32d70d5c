#include "collector.hpp"

#include <future>

namespace reporting {
namespace {

std::string stats_path(const Window& window) {
  return "/stats?from=" + url_encode(format_rfc3339(window.from)) +
         "&to=" + url_encode(format_rfc3339(window.to));
}

// A trend point needs only what happened in its window: the Task Manager then
// skips the figures about the current state of every task.
constexpr const char* kTrendFields = "&fields=created,completed,completion_rate";

// A Task Manager older than `fields` refuses it (400 naming the parameter):
// ask again for every figure.
PeerAnswer trend_point(const PeerClient& peers, const Window& window) {
  PeerAnswer answer = peers.get(kTaskAgent, stats_path(window) + kTrendFields);
  if (!answer.ok && answer.status == 400 && answer.error.find("fields") != std::string::npos)
    answer = peers.get(kTaskAgent, stats_path(window));
  return answer;
}

}  // namespace

Gathered gather(const PeerClient& peers, const Window& current, const std::vector<Window>& previous,
                int list_limit, TimePoint now) {
  auto fetch = [&peers](const char* agent, std::string path) {
    return std::async(std::launch::async,
                      [&peers, agent, path = std::move(path)] { return peers.get(agent, path); });
  };
  // The lists describe what the figures do: tasks created before the window's
  // end, in their state at generation time (task-manager /stats).
  const std::string limit = "&limit=" + std::to_string(list_limit) +
                            "&created_before=" + url_encode(format_rfc3339(current.to));
  auto task_stats = fetch(kTaskAgent, stats_path(current));
  std::vector<std::future<PeerAnswer>> history;
  for (const Window& window : previous)
    history.push_back(
        std::async(std::launch::async, [&peers, window] { return trend_point(peers, window); }));
  auto blocked = fetch(kTaskAgent, "/tasks?status=blocked" + limit);
  const std::string due_before = url_encode(format_rfc3339(std::min(current.to, now)));
  auto overdue =
      fetch(kTaskAgent,
            "/tasks?status=todo,in_progress,blocked&sort=due_at&due_before=" + due_before + limit);
  auto workflow_stats = fetch(kWorkflowAgent, stats_path(current));
  auto workflow_previous = fetch(kWorkflowAgent, stats_path(previous.front()));

  Gathered gathered;
  gathered.task_stats = task_stats.get();
  for (auto& answer : history) gathered.task_history.push_back(answer.get());
  gathered.blocked_tasks = blocked.get();
  gathered.overdue_tasks = overdue.get();
  gathered.workflow_stats = workflow_stats.get();
  gathered.workflow_previous = workflow_previous.get();
  return gathered;
}

}  // namespace reporting
