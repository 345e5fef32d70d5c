#include "config/yaml_to_json.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include "config/config_error.hpp"
#include "text/utf8.hpp"

namespace agent_host::config {
namespace {

std::string where(const std::string& file, const YAML::Mark& mark) {
  // yaml-cpp counts from 0; editors count from 1.
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

bool is_null_word(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> as_bool(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

// YAML 1.2 core schema scalars, matched by hand: std::regex costs start-up
// time to compile and trips GCC 12's -Wmaybe-uninitialized in the ASan build.
bool is_decimal(char c) {
  return c >= '0' && c <= '9';
}
bool is_octal(char c) {
  return c >= '0' && c <= '7';
}
bool is_hexadecimal(char c) {
  return is_decimal(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_sign(char c) {
  return c == '-' || c == '+';
}

// One or more characters of `s` from `from` on, every one a `digit`.
bool digits_from(const std::string& s, std::size_t from, bool (*digit)(char)) {
  if (from >= s.size()) return false;
  for (std::size_t i = from; i < s.size(); ++i)
    if (!digit(s[i])) return false;
  return true;
}

// [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool is_float_text(const std::string& s) {
  std::size_t i = 0;
  const auto skip_digits = [&] {
    const std::size_t start = i;
    while (i < s.size() && is_decimal(s[i])) ++i;
    return i - start;
  };
  if (i < s.size() && is_sign(s[i])) ++i;
  const std::size_t whole = skip_digits();
  std::size_t fraction = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    fraction = skip_digits();
  }
  if (whole == 0 && fraction == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && is_sign(s[i])) ++i;
    if (skip_digits() == 0) return false;
  }
  return i == s.size();
}

std::optional<nlohmann::json> as_integer(const std::string& s) {
  int base = 10;
  std::string digits = s;
  if (s.rfind("0o", 0) == 0 && digits_from(s, 2, is_octal)) {
    base = 8;
    digits = s.substr(2);
  } else if (s.rfind("0x", 0) == 0 && digits_from(s, 2, is_hexadecimal)) {
    base = 16;
    digits = s.substr(2);
  } else if (!digits_from(s, !s.empty() && is_sign(s[0]) ? 1 : 0, is_decimal)) {
    return std::nullopt;
  }
  errno = 0;
  if (digits[0] == '-') {
    const long long value = std::strtoll(digits.c_str(), nullptr, base);
    if (errno != ERANGE) return nlohmann::json(static_cast<std::int64_t>(value));
  } else {
    const unsigned long long value = std::strtoull(digits.c_str(), nullptr, base);
    if (errno != ERANGE) {
      if (value <= static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max())) {
        return nlohmann::json(static_cast<std::int64_t>(value));
      }
      return nlohmann::json(static_cast<std::uint64_t>(value));
    }
  }
  // Too large for 64 bits: still a number, as a float.
  return nlohmann::json(std::strtod(s.c_str(), nullptr));
}

std::optional<double> as_float(const std::string& s) {
  if (is_float_text(s)) return std::strtod(s.c_str(), nullptr);
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF") {
    return std::numeric_limits<double>::infinity();
  }
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -std::numeric_limits<double>::infinity();
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  return std::nullopt;
}

nlohmann::json scalar_to_json(const YAML::Node& node, const std::string& text) {
  // "!" marks a quoted (non-plain) scalar; "!!str" an explicit string.
  if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return text;
  if (is_null_word(text)) return nullptr;
  if (auto boolean = as_bool(text)) return *boolean;
  if (auto integer = as_integer(text)) return *integer;
  if (auto floating = as_float(text)) return *floating;
  return text;
}

// Turns yaml-cpp's node graph into JSON within limits. Aliases make that
// graph a DAG (or, with an alias inside its own anchor, a cycle), so its
// expansion can be exponentially larger than the text: every value is
// charged against a budget derived from the text's size, and nesting has a
// ceiling, so a hostile document is refused after bounded work.
class Converter {
 public:
  Converter(const std::string& file, std::size_t text_size)
      : file_(file), budget_(std::min(kMaxBudget, std::max(kMinBudget, 16 * text_size))) {}

  nlohmann::json convert(const YAML::Node& node) {
    if (++depth_ > kYamlMaxDepth) {
      throw ConfigError(where(file_, node.Mark()) + ": nested deeper than " +
                        std::to_string(kYamlMaxDepth) +
                        " levels (an alias inside its own anchor?); flatten the document");
    }
    nlohmann::json value = convert_one(node);
    --depth_;
    return value;
  }

 private:
  // A value costs a fixed overhead plus its text, roughly what it occupies.
  static constexpr std::size_t kValueCost = 16;
  static constexpr std::size_t kMinBudget = 1 << 20;
  static constexpr std::size_t kMaxBudget = 64 << 20;

  void charge(const YAML::Node& node, std::size_t text_bytes) {
    const std::size_t cost = kValueCost + text_bytes;
    if (cost > budget_) {
      throw ConfigError(where(file_, node.Mark()) +
                        ": the document expands to far more than its text (YAML aliases "
                        "repeated inside each other?); write the values out or use fewer aliases");
    }
    budget_ -= cost;
  }

  const std::string& text_of(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    const std::size_t bad = text::invalid_utf8_at(text);
    if (bad != std::string::npos) {
      throw ConfigError(where(file_, node.Mark()) + ": byte " + std::to_string(bad + 1) +
                        " of this value is not valid UTF-8; save the file as UTF-8");
    }
    return text;
  }

  nlohmann::json convert_one(const YAML::Node& node) {
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        charge(node, 0);
        return nullptr;
      case YAML::NodeType::Scalar:
        charge(node, node.Scalar().size());
        return scalar_to_json(node, text_of(node));
      case YAML::NodeType::Sequence: {
        charge(node, 0);
        nlohmann::json array = nlohmann::json::array();
        for (const YAML::Node& item : node) array.push_back(convert(item));
        return array;
      }
      case YAML::NodeType::Map:
        charge(node, 0);
        return convert_map(node);
    }
    return nullptr;
  }

  nlohmann::json convert_map(const YAML::Node& node) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& member : node) {
      const YAML::Node& key = member.first;
      if (!key.IsScalar()) {
        throw ConfigError(where(file_, key.Mark()) +
                          ": a mapping key must be a plain word or string, not a list or "
                          "mapping (check the indentation)");
      }
      charge(key, key.Scalar().size());
      const std::string& name = text_of(key);
      if (object.contains(name)) {
        throw ConfigError(where(file_, key.Mark()) + ": duplicate key '" + name +
                          "' (remove one of the two; YAML keeps only one silently)");
      }
      object[name] = convert(member.second);
    }
    return object;
  }

  const std::string& file_;
  std::size_t budget_;
  int depth_ = 0;
};

// Where the documents of a stream start, from the parser's events alone (no
// nodes are built). yaml-cpp 0.7's LoadAll never returns on some invalid
// streams, e.g. "[]\n," (a stray comma after a flow collection): its parser
// keeps reporting an empty document at the same place without consuming
// anything, and LoadAll stores them until memory runs out (yaml-cpp issue
// 1040; fixed upstream after 0.8.0, which Debian does not ship). Found by the
// config_yaml fuzz harness.
class DocumentStarts : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  std::vector<YAML::Mark> marks;
};

// How many documents the stream holds, counting up to 3 (one is all we take).
// Throws ConfigError where a document did not move the parser forward.
std::size_t count_documents(const std::string& text, const std::string& file) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStarts documents;
  while (documents.marks.size() < 3 && parser.HandleNextDocument(documents)) {
    const auto& marks = documents.marks;
    if (marks.size() >= 2 && marks.back().pos == marks[marks.size() - 2].pos) {
      const char c = static_cast<std::size_t>(marks.back().pos) < text.size()
                         ? text[static_cast<std::size_t>(marks.back().pos)]
                         : ' ';
      const std::string what =
          c > ' ' && c < 0x7f ? "'" + std::string(1, c) + "'" : std::string("this character");
      throw ConfigError(where(file, marks.back()) + ": YAML syntax error: unexpected " + what +
                        " outside any list or mapping (check the indentation, colons and "
                        "quotes around that line)");
    }
  }
  return documents.marks.size();
}

}  // namespace

nlohmann::json yaml_to_json(const std::string& text, const std::string& file) {
  YAML::Node document;
  try {
    const std::size_t documents = count_documents(text, file);
    if (documents == 0) return nullptr;
    if (documents > 1) {
      throw ConfigError(file + ": holds " + (documents > 2 ? "3 or more" : std::string("2")) +
                        " YAML documents (separated by ---); keep exactly one");
    }
    document = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw ConfigError(where(file, error.mark) + ": YAML syntax error: " + error.msg +
                      " (check the indentation, colons and quotes around that line)");
  }
  return Converter(file, text.size()).convert(document);
}

}  // namespace agent_host::config
