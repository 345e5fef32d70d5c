// Task events as the cross-agent contract defines them (sent to the workflow agent).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "task.hpp"

namespace task_manager {

json created_event(const Task& task, int64_t at_ms);
json updated_event(const Task& task, const std::vector<std::string>& changes, int64_t at_ms);
json transitioned_event(const Task& task, const std::string& from, int64_t at_ms);
json deleted_event(const Task& task, int64_t at_ms);

}  // namespace task_manager
