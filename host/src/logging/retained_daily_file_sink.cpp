#include "logging/retained_daily_file_sink.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <system_error>

namespace agent_host::logging {
namespace {

std::string utc_day(std::chrono::system_clock::time_point time) {
  const std::time_t whole = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&whole, &utc);
  std::array<char, 48> buffer{};  // room for any int in each field (-Wformat-truncation)
  std::snprintf(buffer.data(), buffer.size(), "%04d-%02d-%02d", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday);
  return buffer.data();
}

std::uint64_t size_of(const std::filesystem::path& file) {
  std::error_code error;
  const auto size = std::filesystem::file_size(file, error);
  return error ? 0 : size;
}

bool belongs_to_family(const std::filesystem::path& candidate, const std::filesystem::path& path) {
  const std::string name = candidate.filename().string();
  const std::string prefix = path.stem().string() + "_";
  const std::string extension = path.extension().string();
  return name.size() > prefix.size() + extension.size() &&
         name.compare(0, prefix.size(), prefix) == 0 &&
         name.compare(name.size() - extension.size(), extension.size(), extension) == 0;
}

}  // namespace

RetainedDailyFileSink::RetainedDailyFileSink(std::filesystem::path path, int retention_days,
                                             std::uint64_t max_size_bytes)
    : path_(std::move(path)), retention_days_(retention_days), max_size_bytes_(max_size_bytes) {
  open_for(utc_day(std::chrono::system_clock::now()));
}

std::filesystem::path RetainedDailyFileSink::current_file() {
  std::lock_guard<std::mutex> lock(mutex_);
  return file_for(path_, day_, index_);
}

std::filesystem::path RetainedDailyFileSink::file_for(const std::filesystem::path& path,
                                                      const std::string& day, int index) {
  std::string name = path.stem().string() + "_" + day;
  if (index > 0) name += "." + std::to_string(index);
  name += path.extension().string();
  return path.parent_path() / name;
}

void RetainedDailyFileSink::delete_expired(const std::filesystem::path& path, int retention_days,
                                           const std::filesystem::path& keep) {
  const std::filesystem::path directory =
      path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  const auto cutoff =
      std::filesystem::file_time_type::clock::now() - std::chrono::hours(24) * retention_days;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (!entry.is_regular_file(error) || !belongs_to_family(entry.path(), path)) continue;
    if (entry.path().filename() == keep.filename()) continue;
    if (entry.last_write_time(error) < cutoff && !error) {
      std::filesystem::remove(entry.path(), error);
    }
  }
}

void RetainedDailyFileSink::open_for(const std::string& day) {
  if (day != day_) index_ = 0;
  day_ = day;
  // Continue today's file after a restart unless it is already full.
  while (size_of(file_for(path_, day_, index_)) >= max_size_bytes_) ++index_;
  const std::filesystem::path file = file_for(path_, day_, index_);
  file_.open(file.string(), false);
  written_ = size_of(file);
  delete_expired(path_, retention_days_, file);
}

void RetainedDailyFileSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  const std::string day = utc_day(msg.time);
  // Counted here: file_helper::size() lags behind its stdio buffer.
  const bool too_big = written_ > 0 && written_ + formatted.size() > max_size_bytes_;
  if (day != day_ || too_big) {
    file_.close();
    if (day == day_) ++index_;
    open_for(day);
  }
  file_.write(formatted);
  written_ += formatted.size();
}

void RetainedDailyFileSink::flush_() {
  file_.flush();
}

}  // namespace agent_host::logging
