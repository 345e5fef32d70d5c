// agent_host/conditional.hpp — conditional requests as RFC 9110 §13 defines them.
//
// One place for every route that answers an ETag: parse If-Match and
// If-None-Match ("*" or a list of entity tags), compare (If-Match strongly,
// If-None-Match weakly) and decide, in the RFC's order:
//
//   const auto conditions = agent_host::Preconditions::from(request);  // 400 if malformed
//   conditions.require(agent_host::EntityTag::strong("7"), agent_host::Access::read);
//   // -> proceed, or not_modified (If-None-Match on a read); throws 412 otherwise
//
// A header that parses but names no current tag is a 412, never a 400: only a
// syntactically broken field value is the client's syntax error.
#ifndef AGENT_HOST_CONDITIONAL_HPP
#define AGENT_HOST_CONDITIONAL_HPP

#include <agent_host/http.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agent_host {

// An entity tag: the opaque text between the quotes, weak when prefixed "W/".
struct EntityTag {
  std::string opaque;
  bool weak = false;

  static EntityTag strong(std::string opaque) { return EntityTag{std::move(opaque), false}; }
  // The header form: "7" or W/"7".
  std::string text() const { return (weak ? "W/\"" : "\"") + opaque + "\""; }

  // Strong comparison (If-Match): both strong and the same opaque text.
  bool strongly_matches(const EntityTag& other) const {
    return !weak && !other.weak && opaque == other.opaque;
  }
  // Weak comparison (If-None-Match): the same opaque text, weak or not.
  bool weakly_matches(const EntityTag& other) const { return opaque == other.opaque; }
};

// The field value of If-Match or If-None-Match: "*" or one or more entity tags.
struct TagCondition {
  bool any = false;  // "*"
  std::vector<EntityTag> tags;
};

namespace detail {
inline bool is_etag_char(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c <= 0x7E) || c >= 0x80;  // etagc: no DQUOTE, no space
}
inline void skip_spaces(std::string_view& text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
}
// One entity tag at the start of `text`, consumed; nullopt when there is none.
inline std::optional<EntityTag> take_entity_tag(std::string_view& text) {
  EntityTag tag;
  if (text.substr(0, 2) == "W/") {
    tag.weak = true;
    text.remove_prefix(2);
  }
  if (text.empty() || text.front() != '"') return std::nullopt;
  const size_t close = text.find('"', 1);
  if (close == std::string_view::npos) return std::nullopt;
  for (char c : text.substr(1, close - 1))
    if (!is_etag_char(static_cast<unsigned char>(c))) return std::nullopt;
  tag.opaque = std::string(text.substr(1, close - 1));
  text.remove_prefix(close + 1);
  return tag;
}
}  // namespace detail

// "*" or `#entity-tag` (commas, optional spaces, empty elements ignored);
// nullopt when the value is not that (e.g. a bare 7, an unclosed quote, "*, \"1\"").
inline std::optional<TagCondition> parse_tag_condition(std::string_view value) {
  TagCondition condition;
  std::string_view text = value;
  detail::skip_spaces(text);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text == "*") {
    condition.any = true;
    return condition;
  }
  while (!text.empty()) {
    if (text.front() != ',') {
      auto tag = detail::take_entity_tag(text);
      if (!tag) return std::nullopt;
      condition.tags.push_back(std::move(*tag));
      detail::skip_spaces(text);
      if (!text.empty() && text.front() != ',') return std::nullopt;
    }
    if (!text.empty()) text.remove_prefix(1);  // the comma
    detail::skip_spaces(text);
  }
  if (condition.tags.empty()) return std::nullopt;
  return condition;
}

enum class Precondition { proceed, not_modified };
// What the request does to the resource: a read (GET, HEAD) or a change.
enum class Access { read, change };

// The If-Match and If-None-Match of one request (or of a bulk item's
// "if_match" member), evaluated against a resource that exists.
class Preconditions {
 public:
  Preconditions() = default;

  // Reads both headers; a malformed value is a 400 `invalid_header` naming it.
  static Preconditions from(const Request& request) {
    Preconditions conditions;
    conditions.if_match_ = header(request, "if-match", "If-Match");
    conditions.if_none_match_ = header(request, "if-none-match", "If-None-Match");
    return conditions;
  }
  // If-Match with one strong tag, reported as `field` when it fails (e.g. "update[2].if_match").
  static Preconditions if_match(EntityTag tag, std::string field) {
    Preconditions conditions;
    conditions.if_match_ = TagCondition{false, {std::move(tag)}};
    conditions.if_match_field_ = std::move(field);
    return conditions;
  }

  bool empty() const { return !if_match_ && !if_none_match_; }

  // RFC 9110 §13.2.2: If-Match first (strong comparison), then If-None-Match
  // (weak comparison; a match is not_modified for a read — answer 304 — and
  // a 412 for a change). Throws HttpError 412 `precondition_failed` naming the
  // header, with `current_etag`, merged with `details`.
  Precondition require(const EntityTag& current, Access access,
                       const json& details = nullptr) const {
    if (if_match_ && !matches(*if_match_, current, true))
      throw failed(if_match_field_, "does not name the current entity tag " + current.text(),
                   current, details);
    if (if_none_match_ && matches(*if_none_match_, current, false)) {
      if (access == Access::read) return Precondition::not_modified;
      throw failed("If-None-Match", "names the current entity tag " + current.text(), current,
                   details);
    }
    return Precondition::proceed;
  }

 private:
  static std::optional<TagCondition> header(const Request& request, std::string_view lower_name,
                                            const std::string& name) {
    const auto value = request.header(lower_name);
    if (!value) return std::nullopt;
    auto condition = parse_tag_condition(*value);
    if (!condition)
      throw HttpError(400, "invalid_header",
                      name +
                          " must be \"*\" or a comma-separated list of entity tags such as "
                          "\"3\" or W/\"3\"",
                      name);
    return condition;
  }
  static bool matches(const TagCondition& condition, const EntityTag& current, bool strong) {
    if (condition.any) return true;  // the resource exists
    for (const auto& tag : condition.tags)
      if (strong ? tag.strongly_matches(current) : tag.weakly_matches(current)) return true;
    return false;
  }
  static HttpError failed(const std::string& field, const std::string& why,
                          const EntityTag& current, const json& details) {
    json merged = details.is_object() ? details : json::object();
    merged["current_etag"] = current.text();
    return HttpError(412, "precondition_failed",
                     field + " " + why + "; read the resource again and retry with its ETag", field,
                     merged);
  }

  std::optional<TagCondition> if_match_;
  std::optional<TagCondition> if_none_match_;
  std::string if_match_field_ = "If-Match";
};

}  // namespace agent_host

#endif  // AGENT_HOST_CONDITIONAL_HPP
