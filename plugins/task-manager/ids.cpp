#include "ids.hpp"

#include <agent_host/time.hpp>
#include <cstdint>
#include <random>

namespace task_manager {

std::string new_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const uint64_t millis = static_cast<uint64_t>(agent_host::now_ms());
  const uint64_t bits_a = random();
  const uint64_t bits_b = random();
  // Layout: 48-bit ms | version 7 | 12 random | variant 10 | 62 random.
  const uint64_t high = (millis << 16) | 0x7000 | (bits_a & 0x0FFF);
  const uint64_t low = (bits_b & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  const auto put = [&](uint64_t value, int nibbles) {
    for (int shift = (nibbles - 1) * 4; shift >= 0; shift -= 4)
      text += kHex[(value >> shift) & 0xF];
  };
  put(high >> 32, 8);
  text += '-';
  put((high >> 16) & 0xFFFF, 4);
  text += '-';
  put(high & 0xFFFF, 4);
  text += '-';
  put(low >> 48, 4);
  text += '-';
  put(low & 0xFFFFFFFFFFFFull, 12);
  return text;
}

}  // namespace task_manager
