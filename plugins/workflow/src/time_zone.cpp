#include "time_zone.hpp"

#include <date/tz.h>

namespace workflow {

bool is_known_time_zone(const std::string& name) {
  try {
    return date::locate_zone(name) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace workflow
