#pragma once

namespace agent_host::http {

// Runs curl_global_init exactly once per process, before any other curl call.
// Throws std::runtime_error when libcurl cannot initialise.
void ensure_curl_initialized();

}  // namespace agent_host::http
