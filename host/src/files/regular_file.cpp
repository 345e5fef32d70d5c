#include "files/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace agent_host::files {
namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Closes the descriptor however the read ends.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string read_regular_file(const std::filesystem::path& file, std::size_t limit) {
  const std::string name = file.string();
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  Descriptor in{::open(name.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (in.fd < 0) throw FileError(name + ": cannot open: " + std::strerror(errno));
  struct stat info {};
  if (::fstat(in.fd, &info) != 0) throw FileError(name + ": cannot stat: " + std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    throw FileError(name + ": is " + kind_of(info.st_mode) + ", not a regular file");
  if (static_cast<std::size_t>(info.st_size) > limit) {
    throw FileError(name + ": is " + std::to_string(info.st_size) + " bytes; at most " +
                    std::to_string(limit) + " are read");
  }
  std::string text(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t filled = 0;
  while (filled < text.size()) {
    const ssize_t got = ::read(in.fd, text.data() + filled, text.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw FileError(name + ": cannot read: " + std::strerror(errno));
    if (got == 0) break;  // shrank while reading: keep what is there
    filled += static_cast<std::size_t>(got);
  }
  text.resize(filled);
  return text;
}

}  // namespace agent_host::files
