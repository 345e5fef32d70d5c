// agent_host/error.hpp — how a host service call fails (Error, with a
// Status) and how a handler refuses a request (HttpError).
#ifndef AGENT_HOST_ERROR_HPP
#define AGENT_HOST_ERROR_HPP

#include <agent_host/detail/c_bridge.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace agent_host {

// What kind of failure a host service reported. The values are abi.h's
// ah_status, so a status crosses the boundary unchanged.
enum class Status {
  ok = AH_OK,
  invalid_argument = AH_ERR_INVALID_ARGUMENT,  // bad input from the caller; the message says which
  not_found = AH_ERR_NOT_FOUND,      // the named thing (secret, agent, route) does not exist
  unavailable = AH_ERR_UNAVAILABLE,  // a dependency is down or unreachable; retry later
  timeout = AH_ERR_TIMEOUT,          // the deadline passed before an answer
  conflict = AH_ERR_CONFLICT,        // a constraint or concurrent change refused the write
  unsupported = AH_ERR_UNSUPPORTED,  // the host does not offer this here (not configured)
  internal = AH_ERR_INTERNAL,        // anything else; the message explains
};

// The status's name as error codes and logs spell it: "not_found", "timeout"...
inline std::string_view to_string(Status status) {
  switch (status) {
    case Status::ok:
      return "ok";
    case Status::invalid_argument:
      return "invalid_argument";
    case Status::not_found:
      return "not_found";
    case Status::unavailable:
      return "unavailable";
    case Status::timeout:
      return "timeout";
    case Status::conflict:
      return "conflict";
    case Status::unsupported:
      return "unsupported";
    case Status::internal:
      return "internal";
  }
  return "internal";
}

namespace detail {
inline Status status_of(ah_status status) {
  return status >= AH_OK && status <= AH_ERR_INTERNAL ? static_cast<Status>(status)
                                                      : Status::internal;
}
inline ah_status c_status(Status status) {
  return static_cast<ah_status>(status);
}
}  // namespace detail

// A failed host service call. `status()` tells what kind of failure.
class Error : public std::runtime_error {
 public:
  Error(Status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  Status status() const { return status_; }

 private:
  Status status_;
};

// Throw from a handler to answer with an HTTP error. body() is
//   {"error":{"status":400,"code":"invalid_field","message":"...","field":"title"}}
// with `field` omitted when empty and `details` merged in when given; the
// client gets it with the request's "request_id" added (error_response).
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string code, const std::string& message, std::string field = {},
            nlohmann::json details = nullptr)
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        field_(std::move(field)),
        details_(std::move(details)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }
  const nlohmann::json& details() const { return details_; }

  nlohmann::json body() const {
    nlohmann::json error = {{"status", status_}, {"code", code_}, {"message", what()}};
    if (!field_.empty()) error["field"] = field_;
    if (details_.is_object()) error.update(details_);
    return nlohmann::json{{"error", std::move(error)}};
  }

  static HttpError bad_request(const std::string& field, const std::string& message) {
    return HttpError(400, "invalid_field", message, field);
  }
  static HttpError not_found(const std::string& what) {
    return HttpError(404, "not_found", what + " not found");
  }
  static HttpError conflict(const std::string& message) {
    return HttpError(409, "conflict", message);
  }

 private:
  int status_;
  std::string code_;
  std::string field_;
  nlohmann::json details_;
};

}  // namespace agent_host

#endif  // AGENT_HOST_ERROR_HPP
