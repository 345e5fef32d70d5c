#include "llm/ollama_client.hpp"

#include "llm/ollama_wire.hpp"

namespace agent_host::llm {
namespace {

std::string without_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

OllamaClient::OllamaClient(Options options, http::Client& http)
    : options_(std::move(options)), http_(http) {
  options_.url = without_trailing_slashes(options_.url);
}

std::variant<nlohmann::json, Failure> OllamaClient::generate(const nlohmann::json& request) const {
  if (!configured())
    return Failure{AH_ERR_UNSUPPORTED,
                   "LLM not configured: set llm.url in the config or the llm-config secret's url "
                   "file"};
  auto call = wire::build_generate_call(request, options_);
  if (auto* failure = std::get_if<Failure>(&call)) return *failure;
  const auto& generate_call = std::get<wire::GenerateCall>(call);

  http::Request http_request;
  http_request.method = "POST";
  http_request.url = options_.url + "/api/generate";
  http_request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  http_request.body = generate_call.body.dump();
  http_request.timeout = generate_call.timeout;

  auto result = http_.send(http_request);
  if (auto* failure = std::get_if<http::Failure>(&result))
    return Failure{failure->status, "Ollama request failed: " + failure->message};
  const auto& response = std::get<http::Response>(result);
  return wire::parse_generate_reply(response.status, response.body, http_request.url);
}

}  // namespace agent_host::llm
