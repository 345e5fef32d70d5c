#include "scaffold/placeholders.hpp"

#include <cctype>

namespace agent_host::scaffold {
namespace {

std::string identifier_of(const std::string& plugin_name) {
  std::string identifier = plugin_name;
  for (char& c : identifier)
    if (c == '-') c = '_';
  return identifier;
}

// Each dash-separated part capitalised and joined: "demo-notes" -> "DemoNotes".
std::string camel_case_of(const std::string& plugin_name) {
  std::string camel;
  bool part_starts = true;
  for (char c : plugin_name) {
    if (c == '-') {
      part_starts = true;
      continue;
    }
    camel.push_back(part_starts ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                                : c);
    part_starts = false;
  }
  return camel;
}

// The placeholder of `placeholders` that starts `text`, or nullptr.
const Placeholder* placeholder_at(std::string_view text,
                                  const std::vector<Placeholder>& placeholders) {
  for (const auto& placeholder : placeholders)
    if (text.substr(0, placeholder.token.size()) == placeholder.token) return &placeholder;
  return nullptr;
}

}  // namespace

std::vector<Placeholder> placeholders_for(const std::string& plugin_name) {
  const std::string identifier = identifier_of(plugin_name);
  return {{"SCAFFOLD_PLUGIN_NAME", plugin_name},
          {"SCAFFOLD_IDENTIFIER", identifier},
          {"SCAFFOLD_NAMESPACE", identifier + "_plugin"},
          {"SCAFFOLD_CAMEL", camel_case_of(plugin_name)}};
}

std::string render(std::string_view text, const std::vector<Placeholder>& placeholders) {
  std::string out;
  out.reserve(text.size());
  std::size_t position = 0;
  while (position < text.size()) {
    if (const Placeholder* placeholder = placeholder_at(text.substr(position), placeholders)) {
      out += placeholder->value;
      position += placeholder->token.size();
    } else {
      out.push_back(text[position++]);
    }
  }
  return out;
}

}  // namespace agent_host::scaffold
