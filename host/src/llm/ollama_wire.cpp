#include "llm/ollama_wire.hpp"

#include <algorithm>
#include <array>

namespace agent_host::llm::wire {
namespace {

using nlohmann::json;

constexpr std::array<const char*, 6> kRequestKeys = {"prompt",  "model",      "system",
                                                     "num_ctx", "timeout_ms", "options"};

Failure invalid(const std::string& what) {
  return Failure{AH_ERR_INVALID_ARGUMENT, "llm_generate request: " + what};
}

bool is_positive_integer(const json& value) {
  return (value.is_number_unsigned() || value.is_number_integer()) && value.get<long long>() > 0;
}

std::string excerpt(const std::string& text) {
  constexpr std::size_t kMax = 200;
  return text.size() <= kMax ? text : text.substr(0, kMax) + "...";
}

ah_status status_for_http(int http_status) {
  if (http_status == 404) return AH_ERR_NOT_FOUND;
  if (http_status == 408 || http_status == 504) return AH_ERR_TIMEOUT;
  if (http_status == 429 || http_status >= 500) return AH_ERR_UNAVAILABLE;
  if (http_status == 400 || http_status == 422) return AH_ERR_INVALID_ARGUMENT;
  return AH_ERR_INTERNAL;
}

// Ollama reports durations in nanoseconds and counts as integers; a field it
// left out reads as 0.
long long integer_field(const json& reply, const char* name) {
  const auto found = reply.find(name);
  return found != reply.end() && found->is_number() ? found->get<long long>() : 0;
}

std::string string_field(const json& reply, const char* name) {
  const auto found = reply.find(name);
  return found != reply.end() && found->is_string() ? found->get<std::string>() : "";
}

}  // namespace

std::variant<GenerateCall, Failure> build_generate_call(const json& request,
                                                        const OllamaClient::Options& options) {
  if (!request.is_object()) return invalid("must be a JSON object with at least \"prompt\"");
  for (const auto& item : request.items()) {
    if (std::find_if(kRequestKeys.begin(), kRequestKeys.end(),
                     [&](const char* key) { return item.key() == key; }) == kRequestKeys.end())
      return invalid("unknown key \"" + item.key() +
                     "\"; allowed: prompt, model, system, num_ctx, timeout_ms, options (put "
                     "model parameters such as temperature under \"options\")");
  }
  const auto prompt = request.find("prompt");
  if (prompt == request.end() || !prompt->is_string())
    return invalid("\"prompt\" is required and must be a string");
  for (const char* key : {"model", "system"}) {
    const auto value = request.find(key);
    if (value != request.end() && !value->is_string())
      return invalid(std::string("\"") + key + "\" must be a string");
  }
  for (const char* key : {"num_ctx", "timeout_ms"}) {
    const auto value = request.find(key);
    if (value != request.end() && !is_positive_integer(*value))
      return invalid(std::string("\"") + key + "\" must be a positive integer");
  }
  const auto extra_options = request.find("options");
  if (extra_options != request.end() && !extra_options->is_object())
    return invalid("\"options\" must be a JSON object of Ollama model parameters");

  const std::string model = request.value("model", options.model);
  if (model.empty()) return invalid("no model: pass \"model\" or set llm.model in the config");

  json wire_options = extra_options != request.end() ? *extra_options : json::object();
  if (request.contains("num_ctx")) {
    wire_options["num_ctx"] = request["num_ctx"];
  } else if (!wire_options.contains("num_ctx")) {
    wire_options["num_ctx"] = options.num_ctx;
  }

  GenerateCall call;
  call.body = {{"model", model}, {"prompt", *prompt}, {"stream", false}, {"options", wire_options}};
  if (request.contains("system")) call.body["system"] = request["system"];
  call.timeout = request.contains("timeout_ms")
                     ? std::chrono::milliseconds(request["timeout_ms"].get<long long>())
                     : options.timeout;
  return call;
}

std::variant<json, Failure> parse_generate_reply(int http_status, const std::string& body,
                                                 const std::string& endpoint) {
  const json reply = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (http_status < 200 || http_status >= 300) {
    const std::string message =
        reply.is_object() && reply.contains("error") && reply["error"].is_string()
            ? reply["error"].get<std::string>()
            : excerpt(body);
    return Failure{status_for_http(http_status), "Ollama at " + endpoint + ": " + message +
                                                     " (HTTP " + std::to_string(http_status) + ")"};
  }
  if (!reply.is_object() || !reply.contains("response") || !reply["response"].is_string())
    return Failure{AH_ERR_INTERNAL, "Ollama at " + endpoint + " answered HTTP " +
                                        std::to_string(http_status) +
                                        " with a body that is not a generate reply (is llm.url "
                                        "an Ollama server?): " +
                                        excerpt(body)};
  return json{
      {"response", reply["response"]},
      {"model", string_field(reply, "model")},
      {"created_at", string_field(reply, "created_at")},
      {"done", reply.value("done", true)},
      {"done_reason", string_field(reply, "done_reason")},
      {"total_duration_ns", integer_field(reply, "total_duration")},
      {"load_duration_ns", integer_field(reply, "load_duration")},
      {"prompt_eval_count", integer_field(reply, "prompt_eval_count")},
      {"eval_count", integer_field(reply, "eval_count")},
      {"eval_duration_ns", integer_field(reply, "eval_duration")},
  };
}

}  // namespace agent_host::llm::wire
