#include "runtime/llm_service.hpp"

#include "runtime/secret_store.hpp"

namespace agent_host::runtime {
namespace {

llm::OllamaClient::Options ollama_options(const config::HostConfig& config,
                                          const SecretStore& secrets) {
  llm::OllamaClient::Options options;
  options.url = config.llm.url;
  options.model = config.llm.model;
  options.num_ctx = config.llm.num_ctx;
  options.timeout = std::chrono::milliseconds(config.llm.timeout_ms);
  std::string value, ignored;
  if (options.url.empty() && secrets.read(config.llm.secret + "/url", value, ignored) == AH_OK)
    options.url = value;
  if (options.model.empty() && secrets.read(config.llm.secret + "/model", value, ignored) == AH_OK)
    options.model = value;
  if (options.model.empty()) options.model = "llama3.2";
  return options;
}

}  // namespace

ah_status LlmService::generate(const std::string& request_json, std::string& response_json,
                               std::string& error) {
  const auto request = nlohmann::json::parse(request_json, nullptr, false);
  if (!request.is_object() || !request.contains("prompt") || !request["prompt"].is_string()) {
    error = "llm_generate needs a JSON object with a string \"prompt\"";
    return AH_ERR_INVALID_ARGUMENT;
  }
  nlohmann::json response;
  const ah_status status = answer(request, response, error);
  if (status == AH_OK) response_json = response.dump();
  return status;
}

OllamaLlm::OllamaLlm(const config::HostConfig& config, const SecretStore& secrets,
                     http::Client& http)
    : client_(ollama_options(config, secrets), http) {}

ah_status OllamaLlm::answer(const nlohmann::json& request, nlohmann::json& response,
                            std::string& error) {
  auto result = client_.generate(request);
  if (auto* failure = std::get_if<llm::Failure>(&result)) {
    error = failure->message;
    return failure->status;
  }
  response = std::move(std::get<nlohmann::json>(result));
  return AH_OK;
}

}  // namespace agent_host::runtime
