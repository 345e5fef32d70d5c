#include "store/pg_sql_text.hpp"

#include <algorithm>
#include <cctype>

namespace agent_host::store {
namespace {

constexpr const char* kRefusedKeywords[] = {"BEGIN", "START",     "COMMIT",  "END",     "ROLLBACK",
                                            "ABORT", "SAVEPOINT", "RELEASE", "PREPARE", "COPY"};

// Calls `visit(i)` for every character of `sql` outside quotes ('...',
// "...", $tag$...$tag$) and comments: where statements end and $n stand.
template <typename Visit>
void for_each_code_char(std::string_view sql, Visit&& visit) {
  std::size_t i = 0;
  const auto skip_to = [&](std::string_view end) {
    const std::size_t found = sql.find(end, i);
    i = found == std::string_view::npos ? sql.size() : found + end.size();
  };
  while (i < sql.size()) {
    const char c = sql[i];
    const std::size_t close = c == '$' ? sql.find('$', i + 1) : std::string_view::npos;
    const std::string_view tag =
        close == std::string_view::npos ? std::string_view() : sql.substr(i, close - i + 1);
    // $1 is a parameter; $$ and $name$ open a dollar-quoted string.
    const bool dollar_quote = !tag.empty() && !std::isdigit(static_cast<unsigned char>(tag[1])) &&
                              std::all_of(tag.begin() + 1, tag.end() - 1, [](char t) {
                                return std::isalnum(static_cast<unsigned char>(t)) != 0 || t == '_';
                              });
    if (c == '\'' || c == '"') {
      ++i;
      skip_to(std::string_view(&c, 1));  // a doubled quote reads as two strings: same result
    } else if (sql.substr(i, 2) == "--") {
      skip_to("\n");
    } else if (sql.substr(i, 2) == "/*") {
      skip_to("*/");
    } else if (dollar_quote) {
      i += tag.size();
      skip_to(tag);
    } else {
      visit(i++);
    }
  }
}

}  // namespace

std::string leading_keyword(std::string_view sql) {
  std::size_t i = 0;
  for (;;) {
    while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i])) != 0) ++i;
    if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) return "";
    } else if (sql.substr(i, 2) == "/*") {
      i = sql.find("*/", i + 2);
      if (i == std::string_view::npos) return "";
      i += 2;
    } else {
      break;
    }
  }
  std::string word;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])) != 0)
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++])));
  return word;
}

bool refused_keyword(const std::string& keyword) {
  return std::any_of(std::begin(kRefusedKeywords), std::end(kRefusedKeywords),
                     [&](const char* refused) { return keyword == refused; });
}

std::vector<std::string> script_keywords(std::string_view script) {
  std::vector<std::string> keywords;
  std::size_t start = 0;
  for_each_code_char(script, [&](std::size_t i) {
    if (script[i] != ';') return;
    keywords.push_back(leading_keyword(script.substr(start, i - start)));
    start = i + 1;
  });
  keywords.push_back(leading_keyword(script.substr(start)));
  return keywords;
}

bool holds_statement(std::string_view sql) {
  bool found = false;
  for_each_code_char(sql, [&](std::size_t i) {
    const char c = sql[i];
    if (c != ';' && std::isspace(static_cast<unsigned char>(c)) == 0) found = true;
  });
  return found;
}

std::size_t highest_placeholder(std::string_view sql) {
  std::size_t highest = 0;
  for_each_code_char(sql, [&](std::size_t i) {
    if (sql[i] != '$') return;
    std::size_t number = 0;
    while (++i < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i])) != 0)
      number = number * 10 + static_cast<std::size_t>(sql[i] - '0');
    highest = std::max(highest, number);
  });
  return highest;
}

}  // namespace agent_host::store
