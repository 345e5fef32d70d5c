#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace agent_host::files {

// A file that read_regular_file refused; the message names the file and why.
class FileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The whole content of `file` (symbolic links followed, as Kubernetes mounts
// ConfigMaps and Secrets), read only when it is a regular file of at most
// `limit` bytes. A FIFO, device (/dev/zero), socket or folder is refused
// without reading from it, so a wrong path can never hang or exhaust memory.
std::string read_regular_file(const std::filesystem::path& file, std::size_t limit);

}  // namespace agent_host::files
