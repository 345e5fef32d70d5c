#include "http_client/curl_global.hpp"

#include <curl/curl.h>

#include <mutex>
#include <stdexcept>
#include <string>

namespace agent_host::http {

void ensure_curl_initialized() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  // Never cleaned up: other threads may still use curl while the process exits.
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (result != CURLE_OK)
    throw std::runtime_error(std::string("curl_global_init failed: ") + curl_easy_strerror(result));
}

}  // namespace agent_host::http
