#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "http_client/client.hpp"
#include "runtime/api_keys.hpp"

namespace agent_host::cli {

int run_job(const std::string& target, const std::string& job, const std::string& api_key_file,
            std::chrono::seconds timeout) {
  const auto slash = job.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == job.size()) {
    std::cerr << "run-job: \"" << job
              << "\" must be <plugin>/<job>, e.g. reporting/weekly-report\n";
    return 2;
  }
  http::Request request;
  request.method = "POST";
  std::string base = target;
  while (!base.empty() && base.back() == '/') base.pop_back();
  request.url = base + "/jobs/" + job;
  request.timeout = timeout;
  if (!api_key_file.empty()) {
    try {
      request.headers.emplace_back("authorization",
                                   "Bearer " + runtime::ApiKeys::load(api_key_file).own_key());
    } catch (const std::exception& e) {
      std::cerr << "run-job: " << e.what() << "\n";
      return 2;
    }
  }
  http::Client client;
  auto result = client.send(request);
  if (auto* failure = std::get_if<http::Failure>(&result)) {
    std::cerr << "run-job: " << failure->message << "\n";
    return 1;
  }
  const auto& response = std::get<http::Response>(result);
  (response.status / 100 == 2 ? std::cout : std::cerr) << response.body << "\n";
  if (response.status / 100 != 2) {
    std::cerr << "run-job: " << request.url << " answered " << response.status << "\n";
    return 1;
  }
  return 0;
}

}  // namespace agent_host::cli
