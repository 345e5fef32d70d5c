#pragma once

#include <string>

namespace task_manager {

// A UUIDv7 (time-ordered, 74 random bits) in canonical text form; used for task
// and event ids, so ids sort roughly by creation time.
std::string new_id();

}  // namespace task_manager
