#pragma once

#include <spdlog/details/file_helper.h>
#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>

namespace agent_host::logging {

// A log file per UTC day, named after the configured path with the date (and
// a counter when a day's file outgrows `max_size_bytes`) before the extension:
// "logs/agent-host.log" → "logs/agent-host_2026-11-23.log",
// "logs/agent-host_2026-11-23.1.log", ... Files of this name family older than
// `retention_days` are deleted when the sink opens and at every rotation.
// spdlog's daily_file_sink only prunes by count, hence this sink.
class RetainedDailyFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // Throws spdlog::spdlog_ex when the file cannot be opened.
  RetainedDailyFileSink(std::filesystem::path path, int retention_days,
                        std::uint64_t max_size_bytes);

  // The file being written now.
  std::filesystem::path current_file();

  // "<stem>_<YYYY-MM-DD>[.<index>]<ext>" in the directory of `path`.
  static std::filesystem::path file_for(const std::filesystem::path& path, const std::string& day,
                                        int index);

  // Deletes files of `path`'s family last written before now - retention_days.
  static void delete_expired(const std::filesystem::path& path, int retention_days,
                             const std::filesystem::path& keep);

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  void open_for(const std::string& day);

  std::filesystem::path path_;
  int retention_days_;
  std::uint64_t max_size_bytes_;
  std::string day_;
  int index_ = 0;
  std::uint64_t written_ = 0;  // bytes in the current file
  spdlog::details::file_helper file_;
};

}  // namespace agent_host::logging
