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
// (1970-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z); parse_time_ms and
// require_time give routes the same rule for times in JSON bodies.
#ifndef AGENT_HOST_LIST_PARAMS_HPP
#define AGENT_HOST_LIST_PARAMS_HPP

#include <agent_host/http.hpp>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agent_host {

inline constexpr int64_t kEarliestTimeMs = 0;              // 1970-01-01T00:00:00.000Z
inline constexpr int64_t kLatestTimeMs = 253402300799999;  // 9999-12-31T23:59:59.999Z
inline constexpr const char* kTimeRangeText = "1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z";

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

namespace detail {
inline std::optional<int> digits(std::string_view text, size_t at, size_t count) {
  if (at + count > text.size()) return std::nullopt;
  const auto value = agent_host::plain_integer(text.substr(at, count));
  return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
}
inline bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}
inline int days_in_month(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}
// Days from 1970-01-01 to year-month-day, for years from 1970 on.
inline int64_t days_since_epoch(int year, int month, int day) {
  auto leap_years_before = [](int y) { return (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400; };
  int64_t days = 365LL * (year - 1970) + leap_years_before(year) - leap_years_before(1970);
  for (int m = 1; m < month; ++m) days += days_in_month(year, m);
  return days + day - 1;
}
}  // namespace detail

// What an RFC 3339 time such as "2024-05-01T09:00:00.250+02:00" (t/z and a space
// separator accepted) means, for the span every agent accepts.
struct ParsedTime {
  enum class Status { ok, malformed, out_of_range } status = Status::malformed;
  int64_t unix_ms = 0;
};

inline ParsedTime parse_time_ms(std::string_view text) {
  using detail::digits;
  ParsedTime result;
  const auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  const auto hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' || text[16] != ':')
    return result;
  if (*month < 1 || *month > 12 || *day < 1 || *day > detail::days_in_month(*year, *month) ||
      *hour > 23 || *minute > 59 || *second > 59)
    return result;
  size_t at = 19;
  int64_t millis = 0;
  if (at < text.size() && text[at] == '.') {
    size_t end = ++at;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == at || end - at > 9) return result;
    for (size_t i = 0; i < 3; ++i) millis = millis * 10 + (at + i < end ? text[at + i] - '0' : 0);
    at = end;
  }
  int64_t offset_minutes = 0;
  const std::string_view zone = text.substr(std::min(at, text.size()));
  if (zone != "Z" && zone != "z") {
    const auto hours = digits(zone, 1, 2), minutes = digits(zone, 4, 2);
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !hours ||
        !minutes || *hours > 23 || *minutes > 59)
      return result;
    offset_minutes = (zone[0] == '-' ? -1 : 1) * (*hours * 60 + *minutes);
  }
  result.status = ParsedTime::Status::out_of_range;
  if (*year < 1970) return result;  // the span starts at the epoch
  const int64_t seconds = detail::days_since_epoch(*year, *month, *day) * 86400 + *hour * 3600 +
                          *minute * 60 + *second - offset_minutes * 60;
  result.unix_ms = seconds * 1000 + millis;
  if (result.unix_ms < kEarliestTimeMs || result.unix_ms > kLatestTimeMs) return result;
  result.status = ParsedTime::Status::ok;
  return result;
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
