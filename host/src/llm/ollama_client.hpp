#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "http_client/client.hpp"

namespace agent_host::llm {

using Failure = http::Failure;

// Runs completions on an Ollama server (POST {url}/api/generate, non-streaming).
class OllamaClient {
 public:
  struct Options {
    std::string url;    // e.g. "http://ollama:11434"; empty = LLM not configured
    std::string model;  // used when a request names none
    int num_ctx = 4096;
    std::chrono::milliseconds timeout{120000};
  };

  // `http` must outlive this client.
  OllamaClient(Options options, http::Client& http);

  bool configured() const { return !options_.url.empty(); }
  const Options& options() const { return options_; }

  // `request`: the llm_generate request of the ABI, {"prompt", "model"?,
  // "system"?, "num_ctx"?, "timeout_ms"?, "options"?}. Returns
  // {"response","model","created_at","done","done_reason","total_duration_ns",
  //  "load_duration_ns","prompt_eval_count","eval_count","eval_duration_ns"},
  // or a Failure: AH_ERR_UNSUPPORTED (no url), AH_ERR_INVALID_ARGUMENT (bad
  // request, or Ollama said 400), AH_ERR_NOT_FOUND (unknown model),
  // AH_ERR_UNAVAILABLE (unreachable or 5xx), AH_ERR_TIMEOUT, AH_ERR_INTERNAL
  // (a reply that is not Ollama's). Messages carry Ollama's own error text.
  std::variant<nlohmann::json, Failure> generate(const nlohmann::json& request) const;

 private:
  Options options_;
  http::Client& http_;
};

}  // namespace agent_host::llm
