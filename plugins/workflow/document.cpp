#include "document.hpp"

#include <agent_host/sdk.hpp>

namespace workflow {

nlohmann::json parse_document(std::string_view text, const YamlReader& yaml) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) throw DocumentError("the document is empty");
  try {
    if (text[first] == '{') return agent_host::parse_json(text);
    return yaml(text);
  } catch (const agent_host::InvalidJson& e) {
    throw DocumentError(std::string("invalid JSON: ") + e.what());
  } catch (const agent_host::Error& e) {
    if (e.status() != agent_host::Status::invalid_argument) throw;
    throw DocumentError(std::string("invalid YAML: ") + e.what());
  }
}

}  // namespace workflow
