#include "http_client/curl_library.hpp"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace agent_host::http {
namespace {

constexpr const char* kLibraryFile = "libcurl.so.4";

template <typename Function>
void resolve(void* library, const char* symbol, Function& out) {
  void* address = dlsym(library, symbol);
  if (address == nullptr)
    throw std::runtime_error(std::string(kLibraryFile) + " has no symbol " + symbol +
                             "; install a libcurl 7.85 or newer (Debian package libcurl4)");
  out = reinterpret_cast<Function>(address);
}

CurlLibrary load() {
  // Never closed: pooled handles may be in use while the process exits.
  void* library = dlopen(kLibraryFile, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    throw std::runtime_error(std::string("cannot load ") + kLibraryFile + " for outbound HTTP (" +
                             (why ? why : "unknown error") +
                             "); install the Debian package libcurl4");
  }
  CurlLibrary curl{};
  resolve(library, "curl_easy_init", curl.easy_init);
  resolve(library, "curl_easy_cleanup", curl.easy_cleanup);
  resolve(library, "curl_easy_reset", curl.easy_reset);
  resolve(library, "curl_easy_setopt", curl.easy_setopt);
  resolve(library, "curl_easy_perform", curl.easy_perform);
  resolve(library, "curl_easy_getinfo", curl.easy_getinfo);
  resolve(library, "curl_easy_strerror", curl.easy_strerror);
  resolve(library, "curl_share_init", curl.share_init);
  resolve(library, "curl_share_setopt", curl.share_setopt);
  resolve(library, "curl_share_cleanup", curl.share_cleanup);
  resolve(library, "curl_slist_append", curl.slist_append);
  resolve(library, "curl_slist_free_all", curl.slist_free_all);
  decltype(&curl_global_init) global_init = nullptr;
  resolve(library, "curl_global_init", global_init);
  // Never cleaned up, for the same reason the library stays open.
  const CURLcode result = global_init(CURL_GLOBAL_DEFAULT);
  if (result != CURLE_OK)
    throw std::runtime_error(std::string("curl_global_init failed: ") + curl.easy_strerror(result));
  return curl;
}

}  // namespace

const CurlLibrary& curl_library() {
  // Thread-safe; an initialiser that throws is retried by the next caller,
  // so a library installed later is picked up.
  static const CurlLibrary library = load();
  return library;
}

}  // namespace agent_host::http
