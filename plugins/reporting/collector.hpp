// Gathers what a report needs from the Task Manager and Workflow agents, all
// calls in parallel; each answer carries its own error when the peer failed.
#pragma once

#include <vector>

#include "peer_client.hpp"
#include "time_window.hpp"

namespace reporting {

inline constexpr const char* kTaskAgent = "task-manager";
inline constexpr const char* kWorkflowAgent = "workflow";

struct Gathered {
  PeerAnswer task_stats;                 // GET /task/stats for the report window
  std::vector<PeerAnswer> task_history;  // the same for earlier windows, most recent first
  PeerAnswer blocked_tasks;              // GET /task/tasks?status=blocked
  PeerAnswer overdue_tasks;              // GET /task/tasks?overdue=true
  PeerAnswer workflow_stats;             // GET /workflow/stats for the report window
  PeerAnswer workflow_previous;          // the same for the window before
};

// `previous` lists earlier windows, most recent first (at least one). Overdue
// means open and due before the window's end (or `now`, when that is earlier).
Gathered gather(const PeerClient& peers, const Window& current, const std::vector<Window>& previous,
                int list_limit, TimePoint now);

}  // namespace reporting
