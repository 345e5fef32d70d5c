// Checks a 5-field cron expression before it reaches the host's scheduler, so an
// upload answers with every problem at once instead of failing later.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace workflow {

// nullopt when valid; otherwise what is wrong and with which field.
std::optional<std::string> cron_problem(std::string_view expression);

}  // namespace workflow
