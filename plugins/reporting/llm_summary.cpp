#include "llm_summary.hpp"

#include <chrono>

namespace reporting {
namespace {

using nlohmann::json;

const char* const kSystem =
    "You write short, factual status summaries for an engineering manager. Use only the figures "
    "given. Three to five sentences, plain text, no headings, no lists.";

json summary(const char* status, json text, std::string note, json model_name, json latency) {
  return {{"status", status},
          {"text", std::move(text)},
          {"note", note.empty() ? json(nullptr) : json(note)},
          {"model", std::move(model_name)},
          {"latency_seconds", std::move(latency)}};
}

// The figures worth summarising; lists of tasks are left out to keep the
// prompt small (num_ctx) and free of task titles.
json facts(const json& model) {
  json tasks = model["tasks"];
  if (tasks.is_object()) {
    tasks.erase("blocked_tasks");
    tasks.erase("overdue_tasks");
    tasks.erase("history");
  }
  return {{"period", model["report"]["period"]},
          {"from", model["report"]["from"]},
          {"to", model["report"]["to"]},
          {"tasks", tasks},
          {"workflows", model["workflows"]}};
}

}  // namespace

std::string summary_prompt(const json& model) {
  return "Summarise this " + model["report"].value("period", std::string("custom")) +
         " report on tasks and workflow runs for a manager. Mention completion rate and its "
         "trend, overdue and blocked work, and workflow failures. Sections marked "
         "\"available\": false could not be gathered; say so briefly.\n\nFigures (JSON):\n" +
         facts(model).dump(1);
}

json summarize(agent_host::Host& host, const SummarySettings& settings, const json& model,
               const LlmObserver& observe) {
  if (!settings.enabled)
    return summary("disabled", nullptr, "The summary is turned off (config summary.enabled).",
                   nullptr, nullptr);
  json request = {{"prompt", summary_prompt(model)},
                  {"system", kSystem},
                  {"num_ctx", settings.num_ctx},
                  {"timeout_ms", settings.timeout_ms},
                  {"options", {{"temperature", 0.2}}}};
  if (!settings.model.empty()) request["model"] = settings.model;
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  try {
    const json answer = host.llm_generate(request);
    const double seconds = elapsed();
    const json& text = answer.value("response", json());
    if (!text.is_string() || text.get<std::string>().empty()) {
      observe(seconds, "error");
      return summary("unavailable", nullptr,
                     "No summary: the language model returned an empty answer.", nullptr, seconds);
    }
    observe(seconds, "ok");
    return summary("generated", text, {}, answer.value("model", json(settings.model)), seconds);
  } catch (const agent_host::Error& e) {
    const double seconds = elapsed();
    if (e.status() == agent_host::Status::unsupported)
      return summary("not_configured", nullptr,
                     std::string("No summary: no language model is configured for this host (") +
                         e.what() + ").",
                     nullptr, nullptr);
    if (e.status() == agent_host::Status::timeout) {
      observe(seconds, "timeout");
      return summary("timeout", nullptr,
                     "No summary: the language model did not answer within " +
                         std::to_string(settings.timeout_ms / 1000) + " s (" + e.what() + ").",
                     nullptr, seconds);
    }
    observe(seconds, "error");
    return summary("unavailable", nullptr,
                   std::string("No summary: the language model is unavailable (") + e.what() + ").",
                   nullptr, seconds);
  } catch (const std::exception& e) {
    observe(elapsed(), "error");
    return summary(
        "unavailable", nullptr,
        std::string("No summary: the language model's answer was unreadable (") + e.what() + ").",
        nullptr, nullptr);
  }
}

}  // namespace reporting
