// Checks a plugin descriptor before the host uses anything in it.
#pragma once

#include <agent_host/abi.h>

#include <stdexcept>
#include <string>

namespace agent_host::loader {

// A plugin the host refuses. what() is one line naming the origin (file), what
// is wrong and how to fix it.
class PluginRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws PluginRefused when the descriptor cannot be used by this host:
// another ABI major, a newer minor, a short struct, missing name/functions,
// a name that is not [a-z][a-z0-9-]*, a prefix that does not start with '/'.
void check_descriptor(const ah_plugin_descriptor* descriptor, const std::string& origin);

}  // namespace agent_host::loader
