#include "runtime/text_boundary.hpp"

#include "text/utf8.hpp"

namespace agent_host::runtime {
namespace {

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool textual(const std::string* content_type) {
  if (!content_type || content_type->empty()) return true;
  std::string type = content_type->substr(0, content_type->find(';'));
  for (auto& c : type)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return type.rfind("text/", 0) == 0 || contains(type, "json") || contains(type, "yaml") ||
         contains(type, "xml") || type == "application/x-www-form-urlencoded";
}

HttpResponse refusal(const HttpRequest& request, const std::string& field, std::size_t at) {
  return json_error(400, "invalid_encoding",
                    field + " is not valid UTF-8 (byte " + std::to_string(at + 1) +
                        "); send text as UTF-8, percent-encoded in the path and query",
                    request.request_id, field);
}

template <typename Pairs>
std::optional<HttpResponse> check(const HttpRequest& request, const Pairs& pairs,
                                  const std::string& kind) {
  for (const auto& [name, value] : pairs) {
    std::size_t at = text::invalid_utf8_at(name);
    if (at == std::string::npos) at = text::invalid_utf8_at(value);
    if (at == std::string::npos) continue;
    // The name goes into the answer, so it must be text itself.
    const std::string shown = text::valid_utf8(name) ? name : std::string("(not UTF-8)");
    return refusal(request, kind + "." + shown, at);
  }
  return std::nullopt;
}

}  // namespace

std::optional<HttpResponse> refuse_invalid_text(const HttpRequest& request,
                                                const router::Params& path_params,
                                                const router::Params& query) {
  if (auto refused = check(request, path_params, "path")) return refused;
  if (auto refused = check(request, query, "query")) return refused;
  if (auto refused = check(request, request.headers, "header")) return refused;
  if (textual(request.header("content-type"))) {
    const std::size_t at = text::invalid_utf8_at(request.body);
    if (at != std::string::npos) return refusal(request, "body", at);
  }
  return std::nullopt;
}

}  // namespace agent_host::runtime
