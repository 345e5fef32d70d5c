#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "llm/ollama_client.hpp"

// Translation between the ABI's llm_generate JSON and Ollama's /api/generate
// wire format, kept free of I/O so both directions can be tested directly.
namespace agent_host::llm::wire {

struct GenerateCall {
  nlohmann::json body;  // what is POSTed to /api/generate
  std::chrono::milliseconds timeout;
};

// Validates an ABI request and builds Ollama's request body from it.
std::variant<GenerateCall, Failure> build_generate_call(const nlohmann::json& request,
                                                        const OllamaClient::Options& options);

// Interprets Ollama's answer (any HTTP status) to POST /api/generate.
std::variant<nlohmann::json, Failure> parse_generate_reply(int http_status, const std::string& body,
                                                           const std::string& endpoint);

}  // namespace agent_host::llm::wire
