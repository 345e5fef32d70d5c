// A route path such as "/tasks/{id}/transitions": literal segments and
// `{name}` segments that capture exactly one path segment.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agent_host::router {

using Params = std::vector<std::pair<std::string, std::string>>;

class RoutePatternError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class RoutePattern {
 public:
  // Throws RoutePatternError naming the pattern and the problem.
  static RoutePattern parse(std::string_view pattern);

  // True when `path` matches; the captured segments are appended to `params`
  // (percent-decoded). `params` is left as it was on a mismatch.
  bool match(std::string_view path, Params& params) const;

  // Two patterns that could match the same path with the same shape.
  bool same_shape(const RoutePattern& other) const;

  const std::string& text() const { return text_; }
  // Literal segments win over captures: used to order candidates.
  int literal_count() const { return literal_count_; }

 private:
  struct Segment {
    std::string text;  // literal text, or the capture name
    bool capture = false;
  };
  std::string text_;
  std::vector<Segment> segments_;
  int literal_count_ = 0;
};

// The public path of a route below a plugin's prefix, as clients call it and
// as /openapi.json, metrics and logs name it: the route "/" is the prefix
// itself ("/notes", not "/notes/"), and a plugin mounted at "/" adds nothing.
std::string public_path(std::string_view prefix, std::string_view pattern);

// Percent-decodes `text` ('+' stays '+'; query strings decode '+' themselves).
std::string percent_decode(std::string_view text);

// Splits a raw query string into decoded name/value pairs ('+' means space).
Params parse_query(std::string_view query);

}  // namespace agent_host::router
