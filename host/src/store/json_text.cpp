#include "store/json_text.hpp"

#include <charconv>
#include <cmath>

namespace agent_host::store {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr std::string_view kReplacementCharacter = "\\ufffd";

// Length of the valid UTF-8 sequence starting at text[i], or 0 when invalid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t valid_utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const auto continuation = [&](std::size_t k) {
    return k < text.size() && (byte(k) & 0xC0) == 0x80;
  };
  const unsigned char lead = byte(i);
  if (lead >= 0xC2 && lead <= 0xDF) {
    return continuation(i + 1) ? 2 : 0;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!continuation(i + 1) || !continuation(i + 2)) return 0;
    const unsigned char second = byte(i + 1);
    if (lead == 0xE0 && second < 0xA0) return 0;  // overlong
    if (lead == 0xED && second > 0x9F) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!continuation(i + 1) || !continuation(i + 2) || !continuation(i + 3)) return 0;
    const unsigned char second = byte(i + 1);
    if (lead == 0xF0 && second < 0x90) return 0;  // overlong
    if (lead == 0xF4 && second > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

void append_escaped_control(std::string& out, unsigned char c) {
  switch (c) {
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      out += "\\u00";
      out += kHexDigits[c >> 4];
      out += kHexDigits[c & 0xF];
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  std::size_t i = 0;
  std::size_t plain_start = 0;  // bytes copied in runs, not one at a time
  const auto flush = [&](std::size_t end) {
    out.append(text.data() + plain_start, end - plain_start);
  };
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t length = valid_utf8_length(text, i);
      if (length != 0) {
        i += length;
        continue;
      }
      flush(i);
      out += kReplacementCharacter;
      plain_start = ++i;
      continue;
    }
    flush(i);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      append_escaped_control(out, c);
    }
    plain_start = ++i;
  }
  flush(i);
  out += '"';
}

void append_base64_string(std::string& out, const unsigned char* data, std::size_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out.reserve(out.size() + (size + 2) / 3 * 4 + 2);
  out += '"';
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const std::uint32_t triple = (std::uint32_t{data[i]} << 16) |
                                 (std::uint32_t{data[i + 1]} << 8) | std::uint32_t{data[i + 2]};
    out += kAlphabet[(triple >> 18) & 0x3F];
    out += kAlphabet[(triple >> 12) & 0x3F];
    out += kAlphabet[(triple >> 6) & 0x3F];
    out += kAlphabet[triple & 0x3F];
  }
  const std::size_t rest = size - i;
  if (rest > 0) {
    std::uint32_t triple = std::uint32_t{data[i]} << 16;
    if (rest == 2) triple |= std::uint32_t{data[i + 1]} << 8;
    out += kAlphabet[(triple >> 18) & 0x3F];
    out += kAlphabet[(triple >> 12) & 0x3F];
    out += rest == 2 ? kAlphabet[(triple >> 6) & 0x3F] : '=';
    out += '=';
  }
  out += '"';
}

void append_json_integer(std::string& out, std::int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void append_json_double(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

}  // namespace agent_host::store
