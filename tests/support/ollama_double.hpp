#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loopback_http_server.hpp"

namespace agent_host::testing {

// A stand-in for an Ollama server on loopback that speaks Ollama's wire
// protocol: POST /api/generate (non-streaming JSON reply when "stream" is
// false, NDJSON chunks otherwise; {"error": ...} with 400/404 like Ollama for a
// bad body or an unknown model), GET /api/tags, GET /api/version and GET /.
// Everything it answers can be configured; every request is recorded.
class OllamaDouble {
 public:
  static constexpr const char* kDefaultModel = "llama3.2:1b";

  OllamaDouble();
  ~OllamaDouble();

  // "http://127.0.0.1:<port>" — what goes into llm.url.
  std::string url() const;

  // Models the server "has"; a request for another model gets Ollama's 404.
  void set_models(std::vector<std::string> models);
  // The completion text of every successful reply.
  void set_response_text(std::string text);
  // Computes the completion text from the received /api/generate body.
  void set_responder(std::function<std::string(const nlohmann::json& request)> responder);
  // Sleeps this long before answering /api/generate.
  void set_delay(std::chrono::milliseconds delay);
  // Answers /api/generate with `status` and Ollama's error shape {"error": message}.
  void fail_with(int status, std::string message);
  // Answers /api/generate with exactly this status and body (e.g. malformed JSON).
  void reply_raw(int status, std::string body, std::string content_type = "application/json");
  // Back to normal answers (keeps models, text and delay).
  void clear_failure();

  // Bodies of the POST /api/generate requests received, parsed (a body that
  // was not JSON appears as a JSON string holding the raw text).
  std::vector<nlohmann::json> generate_requests() const;
  // Every request received, any path.
  std::vector<ReceivedRequest> requests() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::unique_ptr<LoopbackHttpServer> server_;
};

}  // namespace agent_host::testing
