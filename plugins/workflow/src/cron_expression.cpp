#include "cron_expression.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>
#include <vector>

namespace workflow {

namespace {

struct Field {
  const char* name;
  int low;
  int high;
  std::vector<std::string> names;  // names[i] stands for low + i
};

const std::array<Field, 5>& fields() {
  static const std::array<Field, 5> table = {{
      {"minute", 0, 59, {}},
      {"hour", 0, 23, {}},
      {"day-of-month", 1, 31, {}},
      {"month",
       1,
       12,
       {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
      {"day-of-week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
  }};
  return table;
}

std::optional<int> value_of(const Field& field, std::string token) {
  std::transform(token.begin(), token.end(), token.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (size_t i = 0; i < field.names.size(); ++i)
    if (field.names[i] == token) return field.low + static_cast<int>(i);
  if (token.empty() || token.size() > 3) return std::nullopt;
  for (char c : token)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  return std::stoi(token);
}

std::optional<std::string> item_problem(const Field& field, const std::string& item) {
  std::string range = item;
  const size_t slash = item.find('/');
  if (slash != std::string::npos) {
    range = item.substr(0, slash);
    auto step = value_of(Field{field.name, 1, 999, {}}, item.substr(slash + 1));
    if (!step || *step < 1)
      return "step '" + item.substr(slash + 1) + "' must be a positive number";
  }
  if (range == "*") return std::nullopt;
  const size_t dash = range.find('-');
  const std::string first = range.substr(0, dash);
  auto low = value_of(field, first);
  if (!low) return "'" + first + "' is not a number or name";
  int high = *low;
  if (dash != std::string::npos) {
    auto parsed = value_of(field, range.substr(dash + 1));
    if (!parsed) return "'" + range.substr(dash + 1) + "' is not a number or name";
    high = *parsed;
  }
  if (*low < field.low || high > field.high)
    return "'" + range + "' is outside " + std::to_string(field.low) + "-" +
           std::to_string(field.high);
  if (high < *low) return "range '" + range + "' runs backwards";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> cron_problem(std::string_view expression) {
  std::istringstream in{std::string(expression)};
  std::vector<std::string> parts;
  for (std::string part; in >> part;) parts.push_back(part);
  if (parts.size() != 5)
    return "a cron expression has 5 fields (minute hour day-of-month month day-of-week), got " +
           std::to_string(parts.size()) + "; e.g. \"0 9 * * 1-5\"";
  for (size_t i = 0; i < 5; ++i) {
    std::stringstream items(parts[i]);
    for (std::string item; std::getline(items, item, ',');) {
      if (auto problem = item_problem(fields()[i], item))
        return std::string(fields()[i].name) + " field: " + *problem;
    }
    if (parts[i].back() == ',' || parts[i].front() == ',')
      return std::string(fields()[i].name) + " field: empty list item";
  }
  return std::nullopt;
}

}  // namespace workflow
