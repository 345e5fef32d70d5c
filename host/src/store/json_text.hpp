#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace agent_host::store {

// Writers of JSON text, used to stream rows without building a JSON tree.

// Appends `text` as a quoted JSON string. Bytes that are not valid UTF-8 become
// U+FFFD so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

// Appends the bytes as a quoted standard base64 string (with padding).
void append_base64_string(std::string& out, const unsigned char* data, std::size_t size);

void append_json_integer(std::string& out, std::int64_t value);

// Shortest text that reads back as the same double; NaN and infinities (which
// JSON cannot express) become null.
void append_json_double(std::string& out, double value);

}  // namespace agent_host::store
