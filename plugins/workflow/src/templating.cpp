#include "templating.hpp"

#include <cctype>
#include <optional>

#include "json_path.hpp"

namespace workflow::templating {

namespace {

struct Piece {
  bool is_template = false;
  std::string text;  // literal text, or the template's path text
  std::vector<std::string> segments;
};

bool segment_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// "a.b[0].c" -> {"a","b","0","c"}; nullopt with a reason when malformed.
std::optional<std::vector<std::string>> parse_path(const std::string& text, std::string& reason) {
  std::vector<std::string> segments;
  size_t i = 0;
  if (text.empty()) {
    reason = "empty template; write a path such as {{ input.name }}";
    return std::nullopt;
  }
  while (i < text.size()) {
    if (text[i] == '[') {
      size_t close = text.find(']', i);
      if (close == std::string::npos || close == i + 1) {
        reason = "unclosed or empty [index] in '" + text + "'";
        return std::nullopt;
      }
      const std::string index = text.substr(i + 1, close - i - 1);
      for (char c : index)
        if (!std::isdigit(static_cast<unsigned char>(c))) {
          reason = "index [" + index + "] in '" + text + "' is not a number";
          return std::nullopt;
        }
      segments.push_back(index);
      i = close + 1;
    } else {
      size_t start = i;
      while (i < text.size() && segment_char(text[i])) ++i;
      if (i == start) {
        reason = "unexpected '" + std::string(1, text[i]) + "' in '" + text +
                 "'; templates hold only a path like steps.fetch.output.body.id";
        return std::nullopt;
      }
      segments.push_back(text.substr(start, i - start));
    }
    if (i < text.size()) {
      if (text[i] == '.') {
        ++i;
        if (i == text.size()) {
          reason = "path '" + text + "' ends with '.'";
          return std::nullopt;
        }
      } else if (text[i] != '[') {
        reason = "unexpected '" + std::string(1, text[i]) + "' in '" + text + "'";
        return std::nullopt;
      }
    }
  }
  return segments;
}

// Splits a string into literal and template pieces; throws TemplateError on syntax.
std::vector<Piece> split(const std::string& text) {
  std::vector<Piece> pieces;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string::npos) {
      pieces.push_back(Piece{false, text.substr(pos), {}});
      break;
    }
    if (open > pos) pieces.push_back(Piece{false, text.substr(pos, open - pos), {}});
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos)
      throw TemplateError("'{{' without a closing '}}' in \"" + text + "\"");
    std::string inner = text.substr(open + 2, close - open - 2);
    const size_t first = inner.find_first_not_of(" \t");
    const size_t last = inner.find_last_not_of(" \t");
    inner = first == std::string::npos ? "" : inner.substr(first, last - first + 1);
    std::string reason;
    auto segments = parse_path(inner, reason);
    if (!segments) throw TemplateError(reason);
    pieces.push_back(Piece{true, inner, std::move(*segments)});
    pos = close + 2;
  }
  return pieces;
}

const json& resolve(const Piece& piece, const json& context) {
  if (const json* found = json_path::find(context, json_path::pointer_of(piece.segments)))
    return *found;
  const size_t resolved = json_path::resolved_prefix(context, piece.segments);
  std::string walked;
  for (size_t i = 0; i < resolved; ++i) walked += (i ? "." : "") + piece.segments[i];
  const std::string& segment = piece.segments[resolved];
  throw TemplateError("{{ " + piece.text + " }}: " +
                      (walked.empty() ? "'" + segment + "' is not defined"
                                      : "'" + walked + "' has no '" + segment + "'") +
                      (walked.empty() ? "; use input, steps or run" : ""));
}

void scan_into(const json& value, const std::string& path, Problems& problems,
               std::vector<Reference>& out) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (text.find("{{") == std::string::npos) return;
    try {
      for (auto& piece : split(text))
        if (piece.is_template) out.push_back(Reference{piece.segments, piece.text, path});
    } catch (const TemplateError& e) {
      problems.add(path, std::string("invalid template: ") + e.what());
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i)
      scan_into(value[i], index_path(path, i), problems, out);
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items())
      scan_into(item, join_path(path, key), problems, out);
  }
}

std::string as_text(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::vector<Reference> scan(const json& value, const std::string& path, Problems& problems) {
  std::vector<Reference> out;
  scan_into(value, path, problems, out);
  return out;
}

json render(const json& value, const json& context) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (text.find("{{") == std::string::npos) return value;
    const auto pieces = split(text);
    if (pieces.size() == 1 && pieces[0].is_template) return resolve(pieces[0], context);
    std::string out;
    for (const auto& piece : pieces)
      out += piece.is_template ? as_text(resolve(piece, context)) : piece.text;
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& item : value) out.push_back(render(item, context));
    return out;
  }
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, item] : value.items()) out[key] = render(item, context);
    return out;
  }
  return value;
}

bool is_static(const json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>().find("{{") == std::string::npos;
  if (value.is_structured()) {
    for (const auto& item : value) {
      if (!is_static(item)) return false;
    }
  }
  return true;
}

}  // namespace workflow::templating
