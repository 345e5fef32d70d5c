// The console's files, embedded at build time (embed.cmake).
#ifndef AGENT_HOST_CONSOLE_ASSETS_HPP
#define AGENT_HOST_CONSOLE_ASSETS_HPP

#include <string_view>
#include <vector>

namespace console {

struct Asset {
  std::string_view name;   // file name, e.g. "app.js"
  std::string_view bytes;  // the file as built
};

const std::vector<Asset>& assets();

}  // namespace console

#endif
