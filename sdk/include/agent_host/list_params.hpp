// agent_host/list_params.hpp — the query parameters of list routes, read one way.
//
// Every agent's lists take `limit`, `cursor`, time bounds and enum filters;
// ListParams reads them strictly, with the same 400 naming the parameter on
// every agent:
//
//   const agent_host::ListParams params(request, {"status", "from", "limit", "cursor"});
//   const int64_t limit = params.limit(50, 200);              // "3abc", "1e2", "0" -> 400
//   const auto cursor = params.cursor();                      // "cursor=" -> 400
//   const auto from = params.time("from");                    // RFC 3339, 1970..9999
//   const auto statuses = params.enums("status", {"todo", "done"});  // a,b or repeated
//
// Times are Unix milliseconds between kEarliestTimeMs and kLatestTimeMs
// (1970-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z), read by time.hpp's
// parse_time_ms; require_time gives routes the same rule for times in JSON bodies.
#ifndef AGENT_HOST_LIST_PARAMS_HPP
#define AGENT_HOST_LIST_PARAMS_HPP

#include <agent_host/http.hpp>
#include <agent_host/time.hpp>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agent_host {

// A non-negative integer in plain digits (no sign, space or exponent: "3abc"
// and "1e2" are not numbers); nullopt otherwise or beyond 18 digits.
inline std::optional<int64_t> plain_integer(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// A time a client sent as `field` (query parameter or JSON member); a 400
// naming it when it is not RFC 3339 or lies outside the accepted span.
inline int64_t require_time(std::string_view text, const std::string& field) {
  const ParsedTime parsed = parse_time_ms(text);
  if (parsed.status == ParsedTime::Status::malformed)
    throw HttpError::bad_request(
        field, field + " must be an RFC 3339 time such as 2024-05-01T09:00:00Z, not '" +
                   std::string(text) + "'");
  if (parsed.status == ParsedTime::Status::out_of_range)
    throw HttpError::bad_request(field, field + " '" + std::string(text) +
                                            "' is outside the times accepted, " + kTimeRangeText);
  return parsed.unix_ms;
}

// The query parameters of one list request. Unknown names are refused on construction.
class ListParams {
 public:
  ListParams(const Request& request, std::vector<std::string> known_names)
      : request_(request), known_(std::move(known_names)) {
    for (const auto& name : request_.query_names()) {
      bool listed = false;
      for (const auto& k : known_) listed = listed || k == name;
      if (!listed)
        throw HttpError::bad_request(
            name, "unknown query parameter '" + name + "'; known: " + joined(known_));
    }
  }

  // `limit`: an integer from 1 to `max` written in plain digits; `fallback` when absent.
  int64_t limit(int64_t fallback, int64_t max) const {
    const auto text = request_.query("limit");
    if (!text) return fallback;
    const auto value = plain_integer(*text);
    if (!value || *value < 1 || *value > max)
      throw HttpError::bad_request("limit", "limit must be an integer from 1 to " +
                                                std::to_string(max) + ", not '" + *text + "'");
    return *value;
  }

  // `cursor`: absent for the first page; present, it must not be empty.
  std::optional<std::string> cursor() const {
    auto text = request_.query("cursor");
    if (text && text->empty())
      throw HttpError::bad_request("cursor",
                                   "cursor is empty; leave it out for the first page, then pass "
                                   "next_cursor from the previous page unchanged");
    return text;
  }
  // The answer for a cursor the route cannot decode.
  static HttpError bad_cursor() {
    return HttpError::bad_request("cursor",
                                  "cursor is not one this API returned; pass next_cursor from "
                                  "the previous page unchanged");
  }

  // A time bound (RFC 3339, within kEarliestTimeMs..kLatestTimeMs) as Unix ms.
  std::optional<int64_t> time(const std::string& name) const {
    const auto text = request_.query(name);
    if (!text) return std::nullopt;
    return require_time(*text, name);
  }

  // An enum filter: comma-separated and/or repeated, each value one of `allowed`.
  std::vector<std::string> enums(const std::string& name,
                                 const std::vector<std::string>& allowed) const {
    std::vector<std::string> values;
    for (const auto& raw : request_.query_all(name)) {
      size_t start = 0;
      while (start <= raw.size()) {
        const size_t comma = std::min(raw.find(',', start), raw.size());
        values.push_back(one_of(name, raw.substr(start, comma - start), allowed));
        start = comma + 1;
      }
    }
    return values;
  }
  // A single enum value (e.g. `period`), nullopt when absent.
  std::optional<std::string> one(const std::string& name,
                                 const std::vector<std::string>& allowed) const {
    const auto text = request_.query(name);
    if (!text) return std::nullopt;
    return one_of(name, *text, allowed);
  }

  // Free text of 1..max_bytes bytes, nullopt when absent.
  std::optional<std::string> text(const std::string& name, size_t max_bytes) const {
    auto value = request_.query(name);
    if (value && (value->empty() || value->size() > max_bytes))
      throw HttpError::bad_request(
          name, name + " must be 1.." + std::to_string(max_bytes) + " bytes long");
    return value;
  }

 private:
  static std::string joined(const std::vector<std::string>& names) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    return list;
  }
  static std::string one_of(const std::string& name, const std::string& value,
                            const std::vector<std::string>& allowed) {
    for (const auto& a : allowed)
      if (a == value) return value;
    throw HttpError::bad_request(name, name + " '" + value + "' is not one of " + joined(allowed));
  }

  const Request& request_;
  std::vector<std::string> known_;
};

// JSON Schemas of the parameters ListParams reads, for RouteDoc::query (since
// ABI 1.4), so the document states the rule the route enforces:
//   doc.query("limit", param_schema::limit(50, 200), "page size")
//      .query("status", param_schema::enums({"todo", "done"}), "a,b or repeated");
namespace param_schema {
// time(): an RFC 3339 time in the accepted span.
inline nlohmann::json time() {
  return {{"type", "string"}, {"format", "date-time"}};
}
// limit(): plain digits from 1 to `max`, `fallback` when absent.
inline nlohmann::json limit(int64_t fallback, int64_t max) {
  return {{"type", "integer"}, {"minimum", 1}, {"maximum", max}, {"default", fallback}};
}
// enums(): one or more of `allowed`, comma-separated or repeated.
inline nlohmann::json enums(const std::vector<std::string>& allowed) {
  return {{"type", "array"}, {"items", {{"enum", allowed}}}};
}
// text(): free text of 1..max_bytes bytes.
inline nlohmann::json text(size_t max_bytes) {
  return {{"type", "string"}, {"minLength", 1}, {"maxLength", max_bytes}};
}
}  // namespace param_schema

}  // namespace agent_host

#endif  // AGENT_HOST_LIST_PARAMS_HPP
