// The language model behind abi.h llm_generate: Ollama in production, a stub
// in the fake host.
#pragma once

#include <agent_host/abi.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "config/host_config.hpp"
#include "http_client/client.hpp"
#include "llm/ollama_client.hpp"

namespace agent_host::runtime {

class SecretStore;

class LlmService {
 public:
  virtual ~LlmService() = default;
  // Checks that the request is an object with a string "prompt", then asks the model.
  ah_status generate(const std::string& request_json, std::string& response_json,
                     std::string& error);

 private:
  virtual ah_status answer(const nlohmann::json& request, nlohmann::json& response,
                           std::string& error) = 0;
};

class OllamaLlm final : public LlmService {
 public:
  // The config's llm section; what it leaves empty comes from the mounted
  // llm-config secret.
  OllamaLlm(const config::HostConfig& config, const SecretStore& secrets, http::Client& http);

 private:
  ah_status answer(const nlohmann::json& request, nlohmann::json& response,
                   std::string& error) override;
  llm::OllamaClient client_;
};

}  // namespace agent_host::runtime
