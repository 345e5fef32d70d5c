// The shipped configs/all-in-one.yaml as tests run it: the file users run,
// changed only where a test machine must differ.
#pragma once

#include <nlohmann/json.hpp>

namespace agent_host::test {

// configs/all-in-one.yaml of this source tree as the README's product command
// runs it, on loopback ports 0 with the test's own data folder, no secrets
// (the LLM note replaces the summary) and the build's plugins; the shipped
// workflow templates from this source tree. Throws std::runtime_error when
// the file cannot be read.
nlohmann::json all_in_one_test_config();

}  // namespace agent_host::test
