// libcurl, loaded on the first outbound request rather than with the process.
//
// Linking libcurl pulls ~30 shared libraries (TLS, Kerberos, LDAP, SSH, ...)
// into every process: about 6 MiB of resident memory and 8 ms of start-up
// CPU, paid even by pods that never call out. Loading it on first use keeps
// that cost to the processes that need it.
#pragma once

#include <curl/curl.h>

namespace agent_host::http {

// The libcurl functions the client uses, resolved from libcurl.so.4.
struct CurlLibrary {
  decltype(&curl_easy_init) easy_init;
  decltype(&curl_easy_cleanup) easy_cleanup;
  decltype(&curl_easy_reset) easy_reset;
  decltype(&curl_easy_setopt) easy_setopt;
  decltype(&curl_easy_perform) easy_perform;
  decltype(&curl_easy_getinfo) easy_getinfo;
  decltype(&curl_easy_strerror) easy_strerror;
  decltype(&curl_share_init) share_init;
  decltype(&curl_share_setopt) share_setopt;
  decltype(&curl_share_cleanup) share_cleanup;
  decltype(&curl_slist_append) slist_append;
  decltype(&curl_slist_free_all) slist_free_all;
};

// Loads libcurl and runs curl_global_init, once per process and thread-safe.
// Throws std::runtime_error naming the library, the cause and the Debian
// package to install when it cannot be loaded or initialised.
const CurlLibrary& curl_library();

}  // namespace agent_host::http
