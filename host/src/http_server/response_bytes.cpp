#include "http_server/response_bytes.hpp"

#include <pistache/http_defs.h>

#include <charconv>
#include <string_view>

namespace agent_host::http_server {
namespace {

void append_field(std::string& out, std::string_view text) {
  const size_t start = out.size();
  out.append(text);
  for (size_t i = start; i < out.size(); ++i)
    if (out[i] == '\r' || out[i] == '\n' || out[i] == '\0') out[i] = ' ';
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  append_field(out, name);
  out.append(": ");
  append_field(out, value);
  out.append("\r\n");
}

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

// Framing is the host's: a second Content-Length or a Transfer-Encoding from
// a plugin would make clients and proxies disagree about where the answer ends.
bool framing_header(std::string_view name) {
  return same_name(name, "content-length") || same_name(name, "transfer-encoding") ||
         same_name(name, "connection");
}

void append_number(std::string& out, size_t number) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
  out.append(digits, end);
}

}  // namespace

std::string response_bytes(const runtime::HttpResponse& response, const ReplyShape& shape) {
  size_t header_bytes = 128 + response.content_type.size();
  for (const auto& [name, value] : response.headers) header_bytes += name.size() + value.size() + 4;
  std::string out;
  out.reserve(header_bytes + (shape.head ? 0 : response.body.size()));

  out.append(shape.http10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  append_number(out, static_cast<size_t>(response.status));
  out.push_back(' ');
  const char* reason =
      Pistache::Http::codeString(static_cast<Pistache::Http::Code>(response.status));
  if (reason != nullptr) out.append(reason);
  out.append("\r\n");
  out.append(shape.keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
  if (!response.content_type.empty()) append_header(out, "Content-Type", response.content_type);
  for (const auto& [name, value] : response.headers)
    if (!framing_header(name)) append_header(out, name, value);
  out.append("Content-Length: ");
  append_number(out, response.body.size());
  out.append("\r\n\r\n");
  if (!shape.head) out.append(response.body);
  return out;
}

}  // namespace agent_host::http_server
