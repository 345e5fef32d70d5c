#include "step_runner.hpp"

#include <chrono>

#include "json_logic.hpp"
#include "templating.hpp"

namespace workflow {

namespace {

std::string code_for_status(int status) {
  if (status >= 500) return "http_5xx";
  if (status == 429) return "http_429";
  if (status >= 400) return "http_4xx";
  return "status_mismatch";
}

std::string code_for_failure(agent_host::Status status) {
  switch (status) {
    case agent_host::Status::timeout:
      return "timeout";
    case agent_host::Status::unavailable:
    case agent_host::Status::not_found:
      return "unavailable";
    default:
      return "unavailable";
  }
}

json parse_body(const agent_host::HttpResult& result) {
  if (result.body.empty()) return nullptr;
  try {
    return agent_host::parse_json(result.body);
  } catch (const agent_host::InvalidJson&) {
    return result.body;
  }
}

StepOutcome failure(json input, std::string code, std::string message) {
  StepOutcome out;
  out.input = std::move(input);
  out.error_code = std::move(code);
  out.error_message = std::move(message);
  return out;
}

}  // namespace

bool status_expected(const json& expect, int status) {
  if (expect.is_null()) return status >= 200 && status < 300;
  const json list = expect.is_array() ? expect : json::array({expect});
  for (const auto& item : list) {
    if (item.is_number_integer() && item.get<int>() == status) return true;
    if (item.is_string() && item.get<std::string>().size() == 3 &&
        item.get<std::string>()[0] - '0' == status / 100)
      return true;
  }
  return false;
}

StepOutcome StepRunner::attempt(const Step& step, const json& context, int64_t timeout_ms) {
  if (step.type == StepType::condition) {
    StepOutcome out;
    try {
      const bool result = json_logic::truthy(json_logic::apply(step.condition, context));
      out.ok = true;
      out.next = result ? step.then_step : step.else_step;
      out.output =
          json{{"result", result}, {"next", out.next.empty() ? json(nullptr) : json(out.next)}};
    } catch (const json_logic::LogicError& e) {
      return failure(nullptr, "template_error", std::string("condition: ") + e.what());
    }
    return out;
  }
  json with;
  try {
    with = templating::render(step.with, context);
  } catch (const templating::TemplateError& e) {
    return failure(nullptr, "template_error", e.what());
  }
  switch (step.type) {
    case StepType::http:
    case StepType::agent:
      return call(step, with, timeout_ms);
    case StepType::llm:
      return llm(with, timeout_ms);
    case StepType::transform: {
      StepOutcome out;
      out.ok = true;
      out.input = with;
      out.output = with.value("value", json());
      return out;
    }
    case StepType::fail: {
      const json message = with.value("message", json("failed"));
      return failure(with, with.value("code", std::string("failed")),
                     message.is_string() ? message.get<std::string>() : message.dump());
    }
    case StepType::delay:
    case StepType::condition:
      break;
  }
  return failure(with, "failed", "step type not executable here");
}

StepOutcome StepRunner::call(const Step& step, const json& with, int64_t timeout_ms) {
  agent_host::Call request;
  request.method = with.value("method", std::string("GET"));
  request.timeout = std::chrono::milliseconds(timeout_ms);
  bool has_content_type = false;
  if (with.contains("headers") && with["headers"].is_object()) {
    for (const auto& [name, value] : with["headers"].items()) {
      request.headers.emplace_back(name,
                                   value.is_string() ? value.get<std::string>() : value.dump());
      std::string lower = name;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      has_content_type = has_content_type || lower == "content-type";
    }
  }
  if (with.contains("body") && !with["body"].is_null()) {
    const json& body = with["body"];
    request.body = body.is_string() ? body.get<std::string>() : body.dump();
    if (!has_content_type)
      request.headers.emplace_back("content-type",
                                   body.is_string() ? "text/plain" : "application/json");
  }
  agent_host::HttpResult result;
  const std::string target =
      step.type == StepType::http
          ? with.value("url", std::string())
          : with.value("agent", std::string()) + " " + with.value("path", std::string());
  try {
    if (step.type == StepType::http) {
      result = host_.http(with.value("url", std::string()), request);
    } else {
      request.path = with.value("path", std::string("/"));
      result = host_.call_agent(with.value("agent", std::string()), request);
    }
  } catch (const agent_host::Error& e) {
    return failure(with, code_for_failure(e.status()),
                   request.method + " " + target + ": " + e.what());
  }
  json headers = json::object();
  for (const auto& [name, value] : result.headers) headers[name] = value;
  StepOutcome out;
  out.input = with;
  out.output = json{{"status", result.status}, {"headers", headers}, {"body", parse_body(result)}};
  if (!status_expected(with.value("expect_status", json()), result.status)) {
    out.error_code = code_for_status(result.status);
    out.error_message = request.method + " " + target + " answered " +
                        std::to_string(result.status) + ", expected " +
                        (with.contains("expect_status") ? with["expect_status"].dump() : "2xx");
    return out;
  }
  out.ok = true;
  return out;
}

StepOutcome StepRunner::llm(const json& with, int64_t timeout_ms) {
  json request = with;
  request["timeout_ms"] = timeout_ms;
  const auto started = std::chrono::steady_clock::now();
  try {
    json answer = host_.llm_generate(request);
    metrics_.llm_latency(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    StepOutcome out;
    out.ok = true;
    out.input = with;
    out.output = std::move(answer);
    return out;
  } catch (const agent_host::Error& e) {
    // "Not configured" ran no inference; the histogram counts only calls that did.
    if (e.status() != agent_host::Status::unsupported)
      metrics_.llm_latency(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    const std::string code = e.status() == agent_host::Status::timeout       ? "timeout"
                             : e.status() == agent_host::Status::unavailable ? "unavailable"
                                                                             : "llm_error";
    return failure(with, code, std::string("llm: ") + e.what());
  }
}

}  // namespace workflow
