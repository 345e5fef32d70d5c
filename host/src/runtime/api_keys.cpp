#include "runtime/api_keys.hpp"

#include <sstream>
#include <stdexcept>

#include "files/regular_file.hpp"

namespace agent_host::runtime {
namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// Compares without an early exit; length differences still cost a full pass.
bool constant_time_equal(std::string_view a, std::string_view b) {
  unsigned char diff = static_cast<unsigned char>(a.size() != b.size());
  const size_t n = a.size() > b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

}  // namespace

ApiKeys ApiKeys::load(const std::filesystem::path& file) {
  std::istringstream in;
  try {
    in.str(files::read_regular_file(file, 1 << 20));
  } catch (const files::FileError& e) {
    throw std::runtime_error(std::string(e.what()) +
                             " (auth.api_keys_file); mount the api-keys secret there or set "
                             "auth.api_keys_file to \"\"");
  }
  ApiKeys result;
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    result.keys_.push_back(line);
  }
  if (result.keys_.empty())
    throw std::runtime_error(file.string() +
                             ": the API keys file holds no key; put one key per line");
  return result;
}

bool ApiKeys::accepts(std::string_view authorization) const {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i])))
      return false;
  const std::string_view presented = authorization.substr(kScheme.size());
  bool match = false;
  for (const auto& key : keys_) match |= constant_time_equal(presented, key);
  return match;
}

}  // namespace agent_host::runtime
