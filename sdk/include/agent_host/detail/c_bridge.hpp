// agent_host/detail/c_bridge.hpp — the one place the C++ SDK meets abi.h's
// types: string views, output sinks, and the C enums' C++ twins. Nothing here
// is for plugin code; the public headers use it to stay free of C types.
#ifndef AGENT_HOST_DETAIL_C_BRIDGE_HPP
#define AGENT_HOST_DETAIL_C_BRIDGE_HPP

#include <agent_host/abi.h>

#include <string>
#include <string_view>

namespace agent_host::detail {

inline ah_str view(std::string_view s) {
  return ah_str{s.data(), s.size()};
}
inline std::string_view view(ah_str s) {
  return {s.data ? s.data : "", s.size};
}

// A sink that appends into a std::string the caller owns.
class StringSink {
 public:
  StringSink() : sink_{&text_, &StringSink::append} {}
  StringSink(const StringSink&) = delete;
  StringSink& operator=(const StringSink&) = delete;
  ah_sink* get() { return &sink_; }
  std::string& text() { return text_; }

 private:
  static void append(void* state, const char* data, size_t size) {
    static_cast<std::string*>(state)->append(data, size);
  }
  std::string text_;
  ah_sink sink_;
};

inline void write(ah_sink* sink, std::string_view text) {
  if (sink && sink->append) sink->append(sink->state, text.data(), text.size());
}

// At most `limit` bytes of `text`, cut on a character boundary, for messages.
inline std::string excerpt(std::string_view text, std::size_t limit = 120) {
  if (text.size() <= limit) return std::string(text);
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "...";
}

}  // namespace agent_host::detail

#endif  // AGENT_HOST_DETAIL_C_BRIDGE_HPP
