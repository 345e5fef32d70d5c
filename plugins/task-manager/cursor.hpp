// Opaque pagination cursors: base64url of "<sort>|<key>|<id>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace task_manager {

struct CursorValue {
  std::string sort;
  int64_t key = 0;
  std::string id;
};

std::string encode_cursor(const CursorValue& value);
std::optional<CursorValue> decode_cursor(std::string_view text);

}  // namespace task_manager
