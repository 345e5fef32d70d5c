#include "logging/logging.hpp"

#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "logging/log_levels.hpp"
#include "logging/log_line.hpp"
#include "logging/redactor.hpp"
#include "logging/retained_daily_file_sink.hpp"

namespace agent_host::logging {
namespace {

constexpr const char* kLevelEnvironmentVariable = "AGENT_HOST_LOG_LEVEL";

// Everything a line needs, swapped as a whole on configure so a line is
// always written with one consistent configuration.
struct Output {
  std::string service;
  bool text = false;
  std::shared_ptr<spdlog::logger> logger;
};

std::shared_ptr<spdlog::logger> make_logger(const LogOptions& options) {
  std::vector<spdlog::sink_ptr> sinks{std::make_shared<spdlog::sinks::stdout_sink_mt>()};
  if (!options.file_path.empty()) {
    try {
      sinks.push_back(std::make_shared<RetainedDailyFileSink>(
          options.file_path, options.retention_days,
          static_cast<std::uint64_t>(options.max_size_mb) * 1024 * 1024));
    } catch (const std::exception& error) {
      throw std::runtime_error("log.file.path: cannot open a log file for '" + options.file_path +
                               "': " + error.what() +
                               " (check that the directory is writable, or set an empty path)");
    }
  }
  auto logger = std::make_shared<spdlog::logger>("agent-host", sinks.begin(), sinks.end());
  logger->set_pattern("%v");  // lines arrive fully formatted
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::trace);
  return logger;
}

// Process-wide state. Readers copy the shared pointers (a short atomic
// operation) and then work without any lock.
struct State {
  std::atomic<int> minimum_level{AH_LOG_INFO};
  std::shared_ptr<const Output> output;
  std::shared_ptr<const Redactor> redactor = std::make_shared<Redactor>();
  std::mutex writers;  // serialises configure() and add_secret(), never log()

  State() {
    auto initial = std::make_shared<Output>();
    initial->logger = make_logger(LogOptions{});
    output = std::move(initial);
  }
};

State& state() {
  static State instance;
  return instance;
}

spdlog::level::level_enum to_spdlog(ah_log_level level) {
  switch (level) {
    case AH_LOG_TRACE:
      return spdlog::level::trace;
    case AH_LOG_DEBUG:
      return spdlog::level::debug;
    case AH_LOG_INFO:
      return spdlog::level::info;
    case AH_LOG_WARN:
      return spdlog::level::warn;
    case AH_LOG_ERROR:
      return spdlog::level::err;
  }
  return spdlog::level::err;
}

bool is_blank(std::string_view text) {
  for (const char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void write(ah_log_level level, std::string_view plugin, std::string_view message,
           nlohmann::json fields, std::string fields_raw) {
  const std::shared_ptr<const Output> output = std::atomic_load(&state().output);
  const std::shared_ptr<const Redactor> redactor = std::atomic_load(&state().redactor);
  const std::string clean_message = redactor->redact(std::string(message));
  redactor->redact_json(fields);
  LogRecord record{std::chrono::system_clock::now(),
                   level,
                   output->service,
                   plugin,
                   clean_message,
                   std::move(fields),
                   redactor->redact(std::move(fields_raw))};
  const std::string line = output->text ? format_text_line(record) : format_json_line(record);
  output->logger->log(to_spdlog(level), spdlog::string_view_t(line.data(), line.size()));
}

}  // namespace

void Logging::configure(const LogOptions& options) {
  std::optional<ah_log_level> level = parse_level(options.level);
  if (!level) {
    throw std::invalid_argument("log.level: '" + options.level +
                                "' is not a level (use trace, debug, info, warn or error)");
  }
  if (options.format != "json" && options.format != "text") {
    throw std::invalid_argument("log.format: '" + options.format +
                                "' is not a format (use json or text)");
  }
  std::string rejected_environment_level;
  if (const char* from_environment = std::getenv(kLevelEnvironmentVariable);
      from_environment != nullptr && *from_environment != '\0') {
    if (const auto overriding = parse_level(from_environment)) {
      level = overriding;
    } else {
      rejected_environment_level = from_environment;
    }
  }
  auto output = std::make_shared<Output>();
  output->service = options.service;
  output->text = options.format == "text";
  output->logger = make_logger(options);
  {
    std::lock_guard<std::mutex> lock(state().writers);
    std::shared_ptr<const Output> previous = std::atomic_load(&state().output);
    std::atomic_store(&state().output, std::shared_ptr<const Output>(std::move(output)));
    state().minimum_level.store(*level, std::memory_order_relaxed);
    previous->logger->flush();
  }
  if (!rejected_environment_level.empty()) {
    log_fields(AH_LOG_WARN, "host",
               std::string(kLevelEnvironmentVariable) + " is not a log level; using log.level",
               nlohmann::json{{"value", rejected_environment_level}, {"level", options.level}});
  }
}

bool Logging::enabled(ah_log_level level) {
  return static_cast<int>(clamp_level(level)) >=
         state().minimum_level.load(std::memory_order_relaxed);
}

void Logging::log(ah_log_level level, std::string_view plugin, std::string_view message,
                  std::string_view fields_json) {
  level = clamp_level(level);
  if (!enabled(level)) return;
  if (is_blank(fields_json)) {
    write(level, plugin, message, nullptr, "");
    return;
  }
  nlohmann::json fields = nlohmann::json::parse(fields_json, nullptr, /*allow_exceptions=*/false);
  if (fields.is_discarded()) {
    write(level, plugin, message, nullptr, std::string(fields_json));
  } else {
    write(level, plugin, message, std::move(fields), "");
  }
}

void Logging::log_fields(ah_log_level level, std::string_view plugin, std::string_view message,
                         const nlohmann::json& fields) {
  level = clamp_level(level);
  if (!enabled(level)) return;
  write(level, plugin, message, fields, "");
}

void Logging::add_secret(std::string value) {
  if (value.size() < Redactor::kMinimumSecretLength) return;
  std::lock_guard<std::mutex> lock(state().writers);
  const std::shared_ptr<const Redactor> current = std::atomic_load(&state().redactor);
  std::atomic_store(&state().redactor, std::shared_ptr<const Redactor>(std::make_shared<Redactor>(
                                           current->with_secret(std::move(value)))));
}

std::string Logging::redact(std::string text) {
  return std::atomic_load(&state().redactor)->redact(std::move(text));
}

void Logging::flush() {
  std::atomic_load(&state().output)->logger->flush();
}

void log_trace(std::string_view plugin, std::string_view message, const nlohmann::json& fields) {
  Logging::log_fields(AH_LOG_TRACE, plugin, message, fields);
}
void log_debug(std::string_view plugin, std::string_view message, const nlohmann::json& fields) {
  Logging::log_fields(AH_LOG_DEBUG, plugin, message, fields);
}
void log_info(std::string_view plugin, std::string_view message, const nlohmann::json& fields) {
  Logging::log_fields(AH_LOG_INFO, plugin, message, fields);
}
void log_warn(std::string_view plugin, std::string_view message, const nlohmann::json& fields) {
  Logging::log_fields(AH_LOG_WARN, plugin, message, fields);
}
void log_error(std::string_view plugin, std::string_view message, const nlohmann::json& fields) {
  Logging::log_fields(AH_LOG_ERROR, plugin, message, fields);
}

}  // namespace agent_host::logging
