// A plugin file is checked before dlopen maps it: a truncated library maps
// past its end, and touching that memory kills the process with SIGBUS, which
// no error handling can catch.
#pragma once

#include <filesystem>

namespace agent_host::loader {

// Throws PluginRefused naming `file` and the reason when it is not a complete
// shared library for this machine: empty, not ELF, another word size, byte
// order or processor, not a shared object, or shorter than its own headers
// say ("truncated: 99 KB of 198 KB").
void check_elf_file(const std::filesystem::path& file);

}  // namespace agent_host::loader
