#include "loader/elf_check.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "loader/descriptor_check.hpp"

namespace agent_host::loader {
namespace {

#if defined(__x86_64__)
constexpr uint16_t kMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kMachine = EM_AARCH64;
#else
#error "add this processor's ELF machine number"
#endif

std::string size_text(uint64_t bytes) {
  if (bytes < 10 * 1024) return std::to_string(bytes) + " bytes";
  return std::to_string((bytes + 512) / 1024) + " KB";
}

class File {
 public:
  explicit File(const std::filesystem::path& path)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)) {}
  ~File() {
    if (fd_ >= 0) ::close(fd_);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  int fd() const { return fd_; }
  // Exactly `size` bytes at `offset`, or false.
  bool read(void* into, size_t size, uint64_t offset) const {
    return ::pread(fd_, into, size, static_cast<off_t>(offset)) == static_cast<ssize_t>(size);
  }

 private:
  int fd_;
};

// The header fields that say where the rest of the file must reach.
void check_header(const Elf64_Ehdr& header, const std::string& origin) {
  const auto refuse = [&](const std::string& why) {
    throw PluginRefused(origin + ": " + why + "; plugin files must be shared libraries (.so) " +
                        "built with the SDK for this machine");
  };
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) refuse("not an ELF file");
  if (header.e_ident[EI_CLASS] != ELFCLASS64) refuse("a 32-bit ELF file, this host is 64-bit");
  const bool little = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
  if (header.e_ident[EI_DATA] != (little ? ELFDATA2LSB : ELFDATA2MSB))
    refuse("an ELF file of the other byte order");
  if (header.e_type != ET_DYN) refuse("an ELF file that is not a shared library");
  if (header.e_machine != kMachine)
    refuse("built for another processor (ELF machine " + std::to_string(header.e_machine) + ")");
  if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum == 0)
    refuse("an ELF file without usable program headers");
}

// The end of the furthest byte that the headers and loadable segments claim.
uint64_t claimed_size(const File& in, const Elf64_Ehdr& header, uint64_t actual,
                      const std::string& origin) {
  uint64_t needed = header.e_phoff + uint64_t{header.e_phnum} * sizeof(Elf64_Phdr);
  if (header.e_shnum != 0)
    needed = std::max(needed, header.e_shoff + uint64_t{header.e_shnum} * header.e_shentsize);
  if (needed > actual) return needed;
  std::vector<Elf64_Phdr> segments(header.e_phnum);
  if (!in.read(segments.data(), segments.size() * sizeof(Elf64_Phdr), header.e_phoff))
    throw PluginRefused(origin + ": cannot read its program headers");
  for (const auto& segment : segments)
    if (segment.p_type == PT_LOAD || segment.p_type == PT_DYNAMIC)
      needed = std::max(needed, segment.p_offset + segment.p_filesz);
  return needed;
}

}  // namespace

void check_elf_file(const std::filesystem::path& file) {
  const std::string origin = file.string();
  File in(file);
  struct stat info {};
  if (in.fd() < 0 || ::fstat(in.fd(), &info) != 0)
    throw PluginRefused(origin + ": cannot be opened: " + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) throw PluginRefused(origin + ": not a regular file");
  const auto actual = static_cast<uint64_t>(info.st_size);
  if (actual == 0) throw PluginRefused(origin + ": an empty file (0 bytes), not a plugin");
  Elf64_Ehdr header{};
  if (!in.read(&header, sizeof header, 0)) {
    throw PluginRefused(origin + ": not an ELF file (" + size_text(actual) +
                        ", shorter than an ELF header)");
  }
  check_header(header, origin);
  const uint64_t needed = claimed_size(in, header, actual, origin);
  if (needed > actual) {
    throw PluginRefused(origin + ": truncated: " + size_text(actual) + " of " + size_text(needed) +
                        "; copy the plugin file again");
  }
}

}  // namespace agent_host::loader
