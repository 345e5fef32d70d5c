#include "ollama_double.hpp"

#include <algorithm>
#include <mutex>
#include <optional>
#include <sstream>

namespace agent_host::testing {
namespace {

using nlohmann::json;

std::size_t word_count(const std::string& text) {
  std::istringstream in(text);
  std::size_t count = 0;
  for (std::string word; in >> word;) ++count;
  return count;
}

CannedResponse json_answer(int status, const json& body) {
  CannedResponse response;
  response.status = status;
  response.body = body.dump();
  response.content_type = "application/json; charset=utf-8";
  return response;
}

CannedResponse ollama_error(int status, const std::string& message) {
  return json_answer(status, json{{"error", message}});
}

}  // namespace

struct OllamaDouble::State {
  mutable std::mutex mutex;
  std::vector<std::string> models{kDefaultModel};
  std::string response_text = "This is a canned reply from the Ollama test double.";
  std::function<std::string(const json&)> responder;
  std::chrono::milliseconds delay{0};
  std::optional<CannedResponse> forced;
  std::vector<json> generate_requests;

  CannedResponse answer(const ReceivedRequest& request) {
    if (request.method == "GET" && request.path == "/") {
      CannedResponse response;
      response.body = "Ollama is running";
      return response;
    }
    if (request.method == "GET" && request.path == "/api/version")
      return json_answer(200, json{{"version", "0.5.7"}});
    if (request.method == "GET" && request.path == "/api/tags") return tags();
    if (request.method == "POST" && request.path == "/api/generate") return generate(request);
    return CannedResponse{
        404, "404 page not found", "text/plain", {}, std::chrono::milliseconds(0)};
  }

  CannedResponse tags() const {
    std::lock_guard<std::mutex> lock(mutex);
    json list = json::array();
    for (const std::string& model : models)
      list.push_back(
          {{"name", model},
           {"model", model},
           {"modified_at", "2025-01-01T00:00:00Z"},
           {"size", 1321098329},
           {"digest", "baf6a787fdffd633537aa2eb51cfd54cb93ff08e28040095462bb63daf552878"},
           {"details", {{"format", "gguf"}, {"family", "llama"}}}});
    return json_answer(200, json{{"models", list}});
  }

  CannedResponse generate(const ReceivedRequest& request) {
    const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    std::optional<CannedResponse> forced_answer;
    std::vector<std::string> known_models;
    std::string text;
    std::function<std::string(const json&)> compute_text;
    std::chrono::milliseconds wait{0};
    {
      std::lock_guard<std::mutex> lock(mutex);
      generate_requests.push_back(body.is_discarded() ? json(request.body) : body);
      forced_answer = forced;
      known_models = models;
      wait = delay;
      text = response_text;
      compute_text = responder;
    }
    if (compute_text && !forced_answer && body.is_object()) text = compute_text(body);
    CannedResponse response = make_generate_answer(body, forced_answer, known_models, text);
    response.delay = wait;
    return response;
  }

  CannedResponse make_generate_answer(const json& body,
                                      const std::optional<CannedResponse>& forced_answer,
                                      const std::vector<std::string>& known_models,
                                      const std::string& text) const {
    if (forced_answer) return *forced_answer;
    if (body.is_discarded() || !body.is_object())
      return ollama_error(400, "invalid character looking for beginning of value");
    if (!body.contains("model") || !body["model"].is_string() ||
        body["model"].get<std::string>().empty())
      return ollama_error(400, "model is required");
    const std::string model = body["model"].get<std::string>();
    if (std::find(known_models.begin(), known_models.end(), model) == known_models.end())
      return ollama_error(404, "model '" + model + "' not found, try pulling it first");
    const std::string prompt = body.value("prompt", "");
    const json final_chunk = {
        {"model", model},
        {"created_at", "2025-01-01T12:00:00.000000Z"},
        {"done", true},
        {"done_reason", "stop"},
        {"context", json::array({1, 2, 3})},
        {"total_duration", 1234567890},
        {"load_duration", 12345678},
        {"prompt_eval_count", word_count(prompt)},
        {"prompt_eval_duration", 2345678},
        {"eval_count", word_count(text)},
        {"eval_duration", 987654321},
    };
    if (body.value("stream", true)) {
      // Ollama streams by default: one JSON object per line, text in pieces.
      CannedResponse response;
      response.content_type = "application/x-ndjson";
      std::istringstream words(text);
      for (std::string word; words >> word;)
        response.body += json{{"model", model},
                              {"created_at", "2025-01-01T12:00:00.000000Z"},
                              {"response", word + " "},
                              {"done", false}}
                             .dump() +
                         "\n";
      json last = final_chunk;
      last["response"] = "";
      response.body += last.dump() + "\n";
      return response;
    }
    json reply = final_chunk;
    reply["response"] = text;
    return json_answer(200, reply);
  }
};

OllamaDouble::OllamaDouble() : state_(std::make_shared<State>()) {
  server_ = std::make_unique<LoopbackHttpServer>(
      [state = state_](const ReceivedRequest& request) { return state->answer(request); });
}

OllamaDouble::~OllamaDouble() = default;

std::string OllamaDouble::url() const {
  return server_->base_url();
}

void OllamaDouble::set_models(std::vector<std::string> models) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->models = std::move(models);
}

void OllamaDouble::set_response_text(std::string text) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->response_text = std::move(text);
}

void OllamaDouble::set_responder(std::function<std::string(const json&)> responder) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->responder = std::move(responder);
}

void OllamaDouble::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->delay = delay;
}

void OllamaDouble::fail_with(int status, std::string message) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->forced = ollama_error(status, message);
}

void OllamaDouble::reply_raw(int status, std::string body, std::string content_type) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  CannedResponse response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  state_->forced = response;
}

void OllamaDouble::clear_failure() {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->forced.reset();
}

std::vector<json> OllamaDouble::generate_requests() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->generate_requests;
}

std::vector<ReceivedRequest> OllamaDouble::requests() const {
  return server_->requests();
}

}  // namespace agent_host::testing
