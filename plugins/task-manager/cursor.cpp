#include "cursor.hpp"

#include <charconv>

namespace task_manager {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3F];
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int value = sextet(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

std::string encode_cursor(const CursorValue& value) {
  return base64url_encode(value.sort + "|" + std::to_string(value.key) + "|" + value.id);
}

std::optional<CursorValue> decode_cursor(std::string_view text) {
  if (text.empty() || text.size() > 400) return std::nullopt;
  const auto decoded = base64url_decode(text);
  if (!decoded) return std::nullopt;
  const auto first = decoded->find('|');
  const auto second = first == std::string::npos ? first : decoded->find('|', first + 1);
  if (second == std::string::npos) return std::nullopt;
  CursorValue value;
  value.sort = decoded->substr(0, first);
  const char* begin = decoded->data() + first + 1;
  const char* end = decoded->data() + second;
  const auto parsed = std::from_chars(begin, end, value.key);
  if (parsed.ec != std::errc() || parsed.ptr != end) return std::nullopt;
  value.id = decoded->substr(second + 1);
  if (value.id.empty()) return std::nullopt;
  return value;
}

}  // namespace task_manager
