#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agent_host::store {

// What the PostgreSQL backend reads in SQL text before sending it: the
// statement's first keyword, where statements end, the highest $n. Quotes
// ('...', "...", $tag$...$tag$) and comments are skipped.

// The first word of a statement, upper-cased, after blanks and comments.
std::string leading_keyword(std::string_view sql);

// Whether a statement starting with `keyword` is one a plugin may not send:
// transaction control (the host owns transactions), PREPARE, and COPY (which
// would leave the connection waiting for data that never comes).
bool refused_keyword(const std::string& keyword);

// The first keyword of every statement of a script.
std::vector<std::string> script_keywords(std::string_view script);

// Whether the text holds anything but blanks, comments and semicolons.
bool holds_statement(std::string_view sql);

// The highest $n a statement names (0 for none).
std::size_t highest_placeholder(std::string_view sql);

}  // namespace agent_host::store
