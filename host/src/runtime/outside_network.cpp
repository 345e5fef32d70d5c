#include "runtime/outside_network.hpp"

namespace agent_host::runtime {

ah_status send_http(http::Client& client, http::Request request, HttpResponse& response,
                    std::string& error) {
  auto result = client.send(request);
  if (auto* failure = std::get_if<http::Failure>(&result)) {
    error = failure->message;
    return failure->status;
  }
  auto& answer = std::get<http::Response>(result);
  response.status = answer.status;
  response.content_type.clear();
  for (auto& [name, value] : answer.headers) {
    if (name == "content-type")
      response.content_type = value;
    else
      response.headers.emplace_back(std::move(name), std::move(value));
  }
  response.body = std::move(answer.body);
  return AH_OK;
}

ah_status Internet::call_agent(const HttpRequest&, const std::string& agent, HttpResponse&,
                               std::string& error) {
  error = "no agent \"" + agent + "\" in this host and no peer configured for it; add peers." +
          agent + ": http://<host>:8080 to the config";
  return AH_ERR_NOT_FOUND;
}

ah_status Internet::send(http::Request request, HttpResponse& response, std::string& error) {
  if (request.url.rfind("http://", 0) != 0 && request.url.rfind("https://", 0) != 0) {
    error = "http_request: url \"" + request.url + "\" must start with http:// or https://";
    return AH_ERR_INVALID_ARGUMENT;
  }
  return send_http(client_, std::move(request), response, error);
}

}  // namespace agent_host::runtime
