// IANA time zone names, checked against the system tz database.
#pragma once

#include <string>

namespace workflow {
bool is_known_time_zone(const std::string& name);
}
