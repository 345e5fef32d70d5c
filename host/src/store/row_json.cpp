#include "store/row_json.hpp"

#include <string_view>

#include "store/json_text.hpp"

namespace agent_host::store {

std::vector<std::string> json_column_keys(sqlite3_stmt* statement) {
  const int count = sqlite3_column_count(statement);
  std::vector<std::string> keys;
  keys.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const char* name = sqlite3_column_name(statement, i);
    std::string key;
    append_json_string(key, name != nullptr ? name : "");
    key += ':';
    keys.push_back(std::move(key));
  }
  return keys;
}

void append_row_json(sqlite3_stmt* statement, const std::vector<std::string>& keys,
                     std::string& out) {
  out += '{';
  const int count = static_cast<int>(keys.size());
  for (int i = 0; i < count; ++i) {
    if (i > 0) out += ',';
    out += keys[static_cast<std::size_t>(i)];
    switch (sqlite3_column_type(statement, i)) {
      case SQLITE_INTEGER:
        append_json_integer(out, sqlite3_column_int64(statement, i));
        break;
      case SQLITE_FLOAT:
        append_json_double(out, sqlite3_column_double(statement, i));
        break;
      case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, i));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, i));
        append_json_string(out, std::string_view(text != nullptr ? text : "", size));
        break;
      }
      case SQLITE_BLOB: {
        const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(statement, i));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, i));
        append_base64_string(out, data, data != nullptr ? size : 0);
        break;
      }
      default:
        out += "null";
    }
  }
  out += '}';
}

}  // namespace agent_host::store
