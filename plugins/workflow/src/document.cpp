#include "document.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <string>

namespace workflow {

namespace {

using nlohmann::json;

bool looks_integer(const std::string& s) {
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

json plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (looks_integer(s)) {
    try {
      return std::stoll(s);
    } catch (const std::out_of_range&) {
      return s;
    }
  }
  const char c = s[0];
  if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
    try {
      size_t used = 0;
      double value = std::stod(s, &used);
      if (used == s.size()) return value;
    } catch (const std::exception&) {
    }
  }
  return s;
}

json convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // A quoted scalar carries the non-specific tag "!": always a string.
      if (node.Tag() == "!") return node.Scalar();
      return plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(convert(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& entry : node) out[entry.first.as<std::string>()] = convert(entry.second);
      return out;
    }
  }
  return nullptr;
}

}  // namespace

json parse_document(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) throw DocumentError("the document is empty");
  if (text[first] == '{') {
    try {
      return json::parse(text);
    } catch (const json::parse_error& e) {
      throw DocumentError(std::string("invalid JSON: ") + e.what());
    }
  }
  try {
    return convert(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {
    throw DocumentError("invalid YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                        std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

}  // namespace workflow
