// A strict RFC 4180 reader for checking CSV output in tests: quoted fields,
// doubled quotes, CRLF rows; throws on malformed input.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace reporting::test {

inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, field_started = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      if (field_started) throw std::runtime_error("quote inside an unquoted field");
      quoted = field_started = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      field_started = false;
    } else if (c == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') throw std::runtime_error("bare CR");
    } else if (c == '\n') {
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      field_started = false;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) throw std::runtime_error("unterminated quoted field");
  if (field_started || !row.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

// The value of the row (section, item, measure), or "<missing>".
inline std::string csv_lookup(const std::vector<std::vector<std::string>>& rows,
                              const std::string& section, const std::string& item,
                              const std::string& measure) {
  for (const auto& row : rows)
    if (row.size() == 4 && row[0] == section && row[1] == item && row[2] == measure) return row[3];
  return "<missing>";
}

}  // namespace reporting::test
