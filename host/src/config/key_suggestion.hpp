#pragma once

#include <optional>
#include <string>
#include <vector>

namespace agent_host::config {

// Levenshtein distance between two strings (bytes).
std::size_t edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `word` when it is close enough to be a plausible
// typo (at most a third of the word's length, and at least 1, edits away).
std::optional<std::string> nearest_key(const std::string& word,
                                       const std::vector<std::string>& candidates);

}  // namespace agent_host::config
