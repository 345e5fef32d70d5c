#include "router/route_pattern.hpp"

namespace agent_host::router {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

// Calls fn(segment) for each '/'-separated segment after the leading '/'.
template <typename Fn>
void for_each_segment(std::string_view path, Fn&& fn) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    fn(path.substr(start,
                   slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
}

}  // namespace

std::string public_path(std::string_view prefix, std::string_view pattern) {
  if (prefix.empty() || prefix == "/") return std::string(pattern.empty() ? "/" : pattern);
  if (pattern.empty() || pattern == "/") return std::string(prefix);
  return std::string(prefix).append(pattern);
}

std::string percent_decode(std::string_view text) {
  return decode(text, false);
}

Params parse_query(std::string_view query) {
  Params params;
  size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view item = query.substr(start, end - start);
    if (!item.empty()) {
      const size_t eq = item.find('=');
      if (eq == std::string_view::npos)
        params.emplace_back(decode(item, true), std::string());
      else
        params.emplace_back(decode(item.substr(0, eq), true), decode(item.substr(eq + 1), true));
    }
    if (end == query.size()) break;
    start = end + 1;
  }
  return params;
}

RoutePattern RoutePattern::parse(std::string_view pattern) {
  RoutePattern result;
  result.text_ = std::string(pattern);
  if (pattern.empty() || pattern.front() != '/')
    throw RoutePatternError("route \"" + result.text_ + "\" must start with '/'");
  std::string problem;
  for_each_segment(pattern, [&](std::string_view segment) {
    if (!problem.empty()) return;
    if (segment.empty()) {
      problem = "has an empty segment ('//' or a trailing '/')";
      return;
    }
    if (segment.front() == '{') {
      if (segment.back() != '}' || segment.size() < 3) {
        problem = "has a malformed capture \"" + std::string(segment) + "\"; write {name}";
        return;
      }
      const std::string_view name = segment.substr(1, segment.size() - 2);
      for (char c : name)
        if (!is_name_char(c)) {
          problem = "capture \"" + std::string(segment) + "\" may hold only letters, digits and _";
          return;
        }
      for (const auto& existing : result.segments_)
        if (existing.capture && existing.text == name) {
          problem = "captures {" + std::string(name) + "} twice";
          return;
        }
      result.segments_.push_back(Segment{std::string(name), true});
    } else {
      if (segment.find_first_of("{}") != std::string_view::npos) {
        problem = "segment \"" + std::string(segment) + "\" mixes text and a capture";
        return;
      }
      result.segments_.push_back(Segment{std::string(segment), false});
      ++result.literal_count_;
    }
  });
  if (!problem.empty()) throw RoutePatternError("route \"" + result.text_ + "\" " + problem);
  return result;
}

bool RoutePattern::match(std::string_view path, Params& params) const {
  // "/tasks/" is "/tasks": clients and proxies add a trailing slash freely.
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const size_t mark = params.size();
  size_t index = 0;
  bool ok = true;
  for_each_segment(path, [&](std::string_view segment) {
    if (!ok) return;
    if (index >= segments_.size() || segment.empty()) {
      ok = false;
      return;
    }
    const Segment& expected = segments_[index++];
    if (expected.capture)
      params.emplace_back(expected.text, percent_decode(segment));
    else if (segment != expected.text)
      ok = false;
  });
  if (!ok || index != segments_.size()) {
    params.resize(mark);
    return false;
  }
  return true;
}

bool RoutePattern::same_shape(const RoutePattern& other) const {
  if (segments_.size() != other.segments_.size()) return false;
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& a = segments_[i];
    const Segment& b = other.segments_[i];
    if (a.capture != b.capture) return false;
    if (!a.capture && a.text != b.text) return false;
  }
  return true;
}

}  // namespace agent_host::router
