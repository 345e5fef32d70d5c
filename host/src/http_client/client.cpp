#include "http_client/client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "http_client/curl_library.hpp"

namespace agent_host::http {
namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

bool has_header(const HeaderList& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& header) { return lower(header.first) == name; });
}

// The response being collected by curl's callbacks.
struct Transfer {
  std::size_t max_body;
  std::string body;
  HeaderList headers;
  bool too_large = false;

  static size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    if (transfer->body.size() + bytes > transfer->max_body) {
      transfer->too_large = true;
      return 0;  // makes curl abort with CURLE_WRITE_ERROR
    }
    transfer->body.append(data, bytes);
    return bytes;
  }

  static size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    const std::string_view line(data, bytes);
    if (line.rfind("HTTP/", 0) == 0) {
      transfer->headers.clear();  // a new response (after 100 Continue or a redirect)
    } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
      transfer->headers.emplace_back(lower(trim(line.substr(0, colon))),
                                     std::string(trim(line.substr(colon + 1))));
    }
    return bytes;
  }
};

ah_status status_for(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return AH_ERR_TIMEOUT;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return AH_ERR_INVALID_ARGUMENT;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_TOO_MANY_REDIRECTS:
      return AH_ERR_UNAVAILABLE;
    default:
      return AH_ERR_INTERNAL;
  }
}

// A CURLSH sharing the DNS cache and TLS sessions between the pooled handles.
// Connections are not shared: libcurl 7.x documents sharing the connection
// cache between concurrently used handles as unsafe; each pooled handle keeps
// its own live connections instead.
class Share {
 public:
  Share() : share_(curl_library().share_init()) {
    if (share_ == nullptr) throw std::runtime_error("curl_share_init failed");
    curl_library().share_setopt(share_, CURLSHOPT_LOCKFUNC, &Share::lock);
    curl_library().share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &Share::unlock);
    curl_library().share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_library().share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_library().share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~Share() { curl_library().share_cleanup(share_); }
  Share(const Share&) = delete;
  Share& operator=(const Share&) = delete;

  CURLSH* get() const { return share_; }

 private:
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Share*>(user)->mutexes_[index(data)].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Share*>(user)->mutexes_[index(data)].unlock();
  }
  static std::size_t index(curl_lock_data data) {
    const auto value = static_cast<std::size_t>(data);
    return value < CURL_LOCK_DATA_LAST ? value : 0;
  }

  CURLSH* share_;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> mutexes_;
};

}  // namespace

const std::string* Response::header(std::string_view name) const {
  const std::string wanted = lower(name);
  for (const auto& entry : headers)
    if (entry.first == wanted) return &entry.second;
  return nullptr;
}

struct Client::Impl {
  const CurlLibrary& curl = curl_library();  // throws when libcurl cannot load
  ClientOptions options;
  Share share;
  std::mutex mutex;
  std::vector<CURL*> idle;

  ~Impl() {
    for (CURL* handle : idle) curl.easy_cleanup(handle);
  }

  CURL* borrow() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!idle.empty()) {
        CURL* handle = idle.back();
        idle.pop_back();
        return handle;
      }
    }
    return curl.easy_init();
  }

  void give_back(CURL* handle) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (idle.size() < options.max_idle_handles) {
        idle.push_back(handle);
        return;
      }
    }
    curl.easy_cleanup(handle);
  }

  std::variant<Response, Failure> perform(CURL* handle, const Request& request) {
    const std::string what = request.method + " " + request.url;
    // reset keeps the handle's live connections, which is what we reuse.
    curl.easy_reset(handle);
    Transfer transfer{options.max_response_bytes, {}, {}};
    std::array<char, CURL_ERROR_SIZE> error_text{};

    curl_slist* header_list = nullptr;
    for (const auto& header : request.headers)
      header_list = curl.slist_append(header_list, (header.first + ": " + header.second).c_str());
    // Pistache (our own peers) keeps a connection only when asked to.
    if (!has_header(request.headers, "connection"))
      header_list = curl.slist_append(header_list, "Connection: keep-alive");
    // No "Expect: 100-continue" round trip for larger bodies.
    if (!has_header(request.headers, "expect"))
      header_list = curl.slist_append(header_list, "Expect:");
    // No made-up form content type when the caller named none.
    if (!has_header(request.headers, "content-type"))
      header_list = curl.slist_append(header_list, "Content-Type:");

    const long timeout_ms = static_cast<long>(request.timeout.count());
    const long connect_ms =
        std::min(timeout_ms, static_cast<long>(options.connect_timeout.count()));
    curl.easy_setopt(handle, CURLOPT_URL, request.url.c_str());
    curl.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(handle, CURLOPT_SHARE, share.get());
    curl.easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl.easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl.easy_setopt(handle, CURLOPT_FOLLOWLOCATION, options.follow_redirects ? 1L : 0L);
    curl.easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl.easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl.easy_setopt(handle, CURLOPT_USERAGENT, options.user_agent.c_str());
    curl.easy_setopt(handle, CURLOPT_HTTPHEADER, header_list);
    curl.easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text.data());
    curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
    curl.easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
    curl.easy_setopt(handle, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
    curl.easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);
    if (request.method == "HEAD") {
      curl.easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else if (request.method == "GET" && request.body.empty()) {
      curl.easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    } else {
      // POSTFIELDS sends the body with a Content-Length (0 included);
      // CUSTOMREQUEST puts the real method on the request line.
      curl.easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl.easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
      if (request.method != "POST")
        curl.easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    const CURLcode code = curl.easy_perform(handle);
    curl.slist_free_all(header_list);
    // The handle goes back to the pool: do not leave pointers to this call in it.
    curl.easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);

    if (transfer.too_large)
      return Failure{AH_ERR_INTERNAL, what + " failed: the response body exceeds " +
                                          std::to_string(options.max_response_bytes) +
                                          " bytes (ClientOptions::max_response_bytes)"};
    if (code != CURLE_OK) {
      std::string message = what +
                            (code == CURLE_OPERATION_TIMEDOUT
                                 ? " timed out after " + std::to_string(timeout_ms) + " ms"
                                 : " failed") +
                            ": " + curl.easy_strerror(code);
      if (error_text[0] != '\0') message += std::string(" (") + error_text.data() + ")";
      long os_errno = 0;
      curl.easy_getinfo(handle, CURLINFO_OS_ERRNO, &os_errno);
      if (os_errno != 0) message += std::string(": ") + std::strerror(static_cast<int>(os_errno));
      return Failure{status_for(code), message};
    }
    long status = 0;
    curl.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    return Response{static_cast<int>(status), std::move(transfer.headers),
                    std::move(transfer.body)};
  }
};

namespace {

// Refuses requests curl would misinterpret, naming the problem.
std::optional<Failure> validate(const Request& request) {
  const std::string what = request.method + " " + request.url;
  if (request.url.empty()) return Failure{AH_ERR_INVALID_ARGUMENT, "request URL is empty"};
  if (!is_token(request.method))
    return Failure{AH_ERR_INVALID_ARGUMENT,
                   "request method \"" + request.method + "\" is not a valid HTTP method"};
  if (has_line_break(request.url) || request.url.find(' ') != std::string::npos)
    return Failure{AH_ERR_INVALID_ARGUMENT, "request URL \"" + request.url +
                                                "\" contains spaces or line breaks; "
                                                "percent-encode them"};
  if (request.timeout.count() <= 0)
    return Failure{AH_ERR_INVALID_ARGUMENT, what + ": timeout must be positive"};
  for (const auto& header : request.headers) {
    if (!is_token(header.first))
      return Failure{AH_ERR_INVALID_ARGUMENT,
                     what + ": header name \"" + header.first + "\" is not a valid token"};
    if (has_line_break(header.second))
      return Failure{AH_ERR_INVALID_ARGUMENT,
                     what + ": value of header \"" + header.first + "\" contains a line break"};
  }
  return std::nullopt;
}

}  // namespace

// libcurl is loaded on the first request (curl_library.hpp), not here: a
// process that never calls out never maps it.
Client::Client(ClientOptions options) : options_(std::move(options)) {}

Client::~Client() = default;

std::variant<Response, Failure> Client::send(const Request& request) {
  if (auto invalid = validate(request)) return *invalid;
  try {
    std::call_once(impl_once_, [this] {
      auto impl = std::make_unique<Impl>();
      impl->options = options_;
      impl_ = std::move(impl);
    });
  } catch (const std::exception& e) {
    return Failure{AH_ERR_UNAVAILABLE, request.method + " " + request.url + ": " + e.what()};
  }
  CURL* handle = impl_->borrow();
  if (handle == nullptr)
    return Failure{AH_ERR_INTERNAL, request.method + " " + request.url + ": curl_easy_init failed"};
  auto result = impl_->perform(handle, request);
  impl_->give_back(handle);
  return result;
}

}  // namespace agent_host::http
