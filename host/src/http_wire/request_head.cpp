#include "http_wire/request_head.hpp"

#include <cstring>
#include <string>

namespace agent_host::http_wire {
namespace {

constexpr std::size_t kMaxMethodLength = 32;
// 18 decimal digits always fit in 64 bits; a longer Content-Length is refused.
constexpr std::size_t kMaxLengthDigits = 18;

// RFC 9110 token characters (method and field names).
bool token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!token_char(c)) return false;
  return true;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_lower(std::string_view text, std::string_view lower_case) {
  if (text.size() != lower_case.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (lower(text[i]) != lower_case[i]) return false;
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Refusal bad_request(std::string message, std::string field = {}) {
  return Refusal{400, "bad_request", std::move(message), std::move(field)};
}

// One line without its ending; a lone CR inside it is refused by the callers.
std::string_view without_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool has_control(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) return true;
  }
  return false;
}

// "METHOD SP request-target SP HTTP/1.x"
bool parse_request_line(std::string_view line, HttpRequest& request, HeadFacts& facts,
                        Refusal& refusal) {
  const std::size_t first = line.find(' ');
  const std::size_t last = line.rfind(' ');
  if (first == std::string_view::npos || first == last) {
    refusal = bad_request(
        "the request line must be 'METHOD /path HTTP/1.1' (HTTP/0.9 requests are not served)",
        "request_line");
    return false;
  }
  const std::string_view method = line.substr(0, first);
  const std::string_view target = line.substr(first + 1, last - first - 1);
  const std::string_view version = line.substr(last + 1);
  if (!is_token(method) || method.size() > kMaxMethodLength) {
    refusal = bad_request("the method is not an HTTP token", "method");
    return false;
  }
  if (target.empty() || target.find(' ') != std::string_view::npos || has_control(target)) {
    refusal = bad_request("the request target must be one word without spaces or controls",
                          "request_target");
    return false;
  }
  if (version.size() != 8 || version.compare(0, 5, "HTTP/") != 0 || version[6] != '.' ||
      version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
    refusal = bad_request("the HTTP version must look like 'HTTP/1.1'", "version");
    return false;
  }
  if (version[5] != '1') {
    refusal = version[5] == '0'
                  ? bad_request("HTTP/0.x requests are not served; use HTTP/1.1", "version")
                  : Refusal{505, "http_version_not_supported",
                            "only HTTP/1.0 and HTTP/1.1 are served", "version"};
    return false;
  }
  facts.http10 = version[7] == '0';
  facts.keep_alive = !facts.http10;
  request.method.assign(method);
  facts.head_method = method == "HEAD";

  std::string_view path = target;
  // absolute-form (RFC 9112 3.2.2): the path is what follows the authority.
  const std::size_t scheme_end = path.find("://");
  if (path.front() != '/' && scheme_end != std::string_view::npos) {
    const std::size_t path_start = path.find('/', scheme_end + 3);
    path = path_start == std::string_view::npos ? std::string_view("/") : path.substr(path_start);
  }
  if (path.front() != '/' && path != "*") {
    refusal = bad_request("the request target must start with '/'", "request_target");
    return false;
  }
  const std::size_t question = path.find('?');
  request.path.assign(path.substr(0, question));
  if (question == std::string_view::npos)
    request.query.clear();
  else
    request.query.assign(path.substr(question + 1));
  return true;
}

// Content-Length: 1*DIGIT, nothing else (no sign, no spaces inside, no list).
bool parse_length(std::string_view value, std::uint64_t& length) {
  if (value.empty() || value.size() > kMaxLengthDigits) return false;
  length = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
    length = length * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

// Connection: a comma-separated list of options.
void read_connection_options(std::string_view value, HeadFacts& facts) {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    const std::string_view option = trim(value.substr(0, comma));
    if (equals_lower(option, "close")) facts.keep_alive = false;
    if (equals_lower(option, "keep-alive") && facts.http10) facts.keep_alive = true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// Counts of the fields that frame the request; each may appear once.
struct FramingFields {
  int host = 0;
  int content_length = 0;
  int transfer_encoding = 0;
};

bool read_field(std::string_view name, std::string_view value, HeadFacts& facts,
                FramingFields& seen, Refusal& refusal) {
  if (equals_lower(name, "host")) {
    if (++seen.host > 1) {
      refusal = bad_request("more than one Host header", "host");
      return false;
    }
  } else if (equals_lower(name, "content-length")) {
    if (++seen.content_length > 1) {
      refusal = bad_request("more than one Content-Length header", "content-length");
      return false;
    }
    if (!parse_length(value, facts.content_length)) {
      refusal =
          bad_request("Content-Length must be a non-negative decimal number of at most 18 digits",
                      "content-length");
      return false;
    }
  } else if (equals_lower(name, "transfer-encoding")) {
    if (++seen.transfer_encoding > 1) {
      refusal = bad_request("more than one Transfer-Encoding header", "transfer-encoding");
      return false;
    }
    if (!equals_lower(value, "chunked")) {
      refusal = Refusal{501, "not_implemented", "the only Transfer-Encoding served is 'chunked'",
                        "transfer-encoding"};
      return false;
    }
    facts.chunked = true;
  } else if (equals_lower(name, "connection")) {
    read_connection_options(value, facts);
  } else if (equals_lower(name, "expect")) {
    facts.expect_continue = equals_lower(value, "100-continue");
  }
  return true;
}

// Checks that need the whole head: who frames the body, and Host.
bool check_framing(const HeadFacts& facts, const FramingFields& seen, Refusal& refusal) {
  if (seen.host == 0 && !facts.http10) {
    refusal = bad_request("an HTTP/1.1 request must carry a Host header", "host");
    return false;
  }
  if (facts.chunked && seen.content_length > 0) {
    refusal = bad_request("Content-Length and Transfer-Encoding together are refused",
                          "transfer-encoding");
    return false;
  }
  if (facts.chunked && facts.http10) {
    refusal =
        bad_request("Transfer-Encoding is not allowed in an HTTP/1.0 request", "transfer-encoding");
    return false;
  }
  return true;
}

// The header lines of a complete head (between the request line and the empty line).
bool parse_fields(std::string_view lines, HttpRequest& request, HeadFacts& facts,
                  Refusal& refusal) {
  FramingFields seen;
  std::size_t count = 0;
  while (!lines.empty()) {
    const std::size_t end = lines.find('\n');
    const std::string_view line = without_cr(lines.substr(0, end));
    lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 1);
    if (line.find('\r') != std::string_view::npos) {
      refusal = bad_request("a lone CR inside the headers", "headers");
      return false;
    }
    if (line.empty() || line.front() == ' ' || line.front() == '\t') {
      refusal = bad_request("folded header lines (obs-fold) are refused", "headers");
      return false;
    }
    const std::size_t colon = line.find(':');
    const std::string_view name = line.substr(0, colon);
    if (colon == std::string_view::npos || !is_token(name)) {
      refusal = bad_request("a header line must be 'Name: value' with a token name", "headers");
      return false;
    }
    const std::string_view value = trim(line.substr(colon + 1));
    if (has_control(value)) {
      refusal = bad_request("header '" + std::string(name) + "' holds a control character",
                            std::string(name));
      return false;
    }
    if (!read_field(name, value, facts, seen, refusal)) return false;
    if (count == request.headers.size()) request.headers.emplace_back();
    auto& [lower_name, stored] = request.headers[count++];
    lower_name.assign(name);
    for (auto& c : lower_name) c = lower(c);
    stored.assign(value);
  }
  request.headers.resize(count);
  return check_framing(facts, seen, refusal);
}

Refusal too_large(std::size_t max_head_bytes) {
  return Refusal{431, "request_header_fields_too_large",
                 "the request line and headers exceed " + std::to_string(max_head_bytes) +
                     " bytes (http.max_header_bytes)",
                 "headers"};
}

// Where the empty line ending the head ends, or npos; `scanned` moves on.
std::size_t find_head_end(std::string_view input, std::size_t from, std::size_t& scanned) {
  std::size_t at = scanned > from ? scanned : from;
  while (at < input.size()) {
    const void* found = std::memchr(input.data() + at, '\n', input.size() - at);
    if (found == nullptr) break;
    const auto newline = static_cast<std::size_t>(static_cast<const char*>(found) - input.data());
    const std::size_t left = input.size() - newline - 1;
    if (left >= 1 && input[newline + 1] == '\n') return newline + 2;
    if (left >= 2 && input[newline + 1] == '\r' && input[newline + 2] == '\n') return newline + 3;
    if (left == 0 || (left == 1 && input[newline + 1] == '\r')) {
      scanned = newline;  // too few bytes yet to tell whether an empty line follows
      return std::string_view::npos;
    }
    at = newline + 1;
  }
  scanned = input.size();
  return std::string_view::npos;
}

}  // namespace

HeadStatus parse_request_head(std::string_view input, std::size_t max_head_bytes,
                              std::size_t& scanned, HttpRequest& request, HeadFacts& facts,
                              Refusal& refusal) {
  // Empty lines before a request are ignored (RFC 9112 2.2).
  std::size_t start = 0;
  while (start < input.size() && (input[start] == '\r' || input[start] == '\n')) ++start;
  if (start > max_head_bytes) {
    refusal = too_large(max_head_bytes);
    return HeadStatus::Refused;
  }
  const std::size_t line_end = input.find('\n', start);
  if (line_end == std::string_view::npos) {
    if (input.size() - start > max_head_bytes) {
      refusal = too_large(max_head_bytes);
      return HeadStatus::Refused;
    }
    return HeadStatus::Incomplete;
  }
  facts = HeadFacts{};
  // The request line is judged as soon as it is complete, so a client sending
  // garbage is answered at once rather than when its head times out.
  const std::string_view request_line = without_cr(input.substr(start, line_end - start));
  if (request_line.find('\r') != std::string_view::npos) {
    refusal = bad_request("a lone CR in the request line", "request_line");
    return HeadStatus::Refused;
  }
  if (!parse_request_line(request_line, request, facts, refusal)) return HeadStatus::Refused;

  const std::size_t end = find_head_end(input, line_end, scanned);
  if (end == std::string_view::npos || end > max_head_bytes + start) {
    if (input.size() - start > max_head_bytes) {
      refusal = too_large(max_head_bytes);
      return HeadStatus::Refused;
    }
    return HeadStatus::Incomplete;
  }
  // Header lines run from after the request line to the empty line.
  const std::size_t empty_line = input[end - 2] == '\r' ? 2 : 1;
  const std::string_view fields = input.substr(line_end + 1, end - empty_line - line_end - 1);
  if (!parse_fields(fields, request, facts, refusal)) return HeadStatus::Refused;
  facts.size = end;
  return HeadStatus::Complete;
}

}  // namespace agent_host::http_wire
