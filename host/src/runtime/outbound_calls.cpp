// Calls from a plugin to another agent (in-process or to a peer) and to any URL.
#include "runtime/runtime.hpp"

namespace agent_host::runtime {
namespace {

void split_target(const std::string& target, std::string& path, std::string& query) {
  const auto question = target.find('?');
  path = target.substr(0, question);
  query = question == std::string::npos ? std::string() : target.substr(question + 1);
}

HeaderList lower_headers(const ah_http_call& call) {
  HeaderList headers;
  for (size_t i = 0; i < call.header_count; ++i) {
    std::string name = to_string(call.headers[i].name);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    headers.emplace_back(std::move(name), to_string(call.headers[i].value));
  }
  return headers;
}

ah_status send(http::Client& client, http::Request request, HttpResponse& response,
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

}  // namespace

ah_status Runtime::agent_call(PluginSlot& caller, const ah_http_call& call, HttpResponse& response,
                              std::string& error) {
  const std::string agent = to_string(call.agent);
  const std::string target = to_string(call.path);
  std::string method = to_string(call.method);
  if (method.empty()) method = "GET";
  if (target.empty() || target.front() != '/') {
    error = "agent call to \"" + agent + "\": path \"" + target + "\" must start with '/'";
    return AH_ERR_INVALID_ARGUMENT;
  }
  HttpRequest request;
  request.method = method;
  split_target(target, request.path, request.query);
  request.headers = lower_headers(call);
  request.headers.emplace_back("x-agent-caller", caller.name());
  request.body = to_string(call.body);
  request.in_process = true;

  // While the host is starting, the agent (or the peer list) is not served
  // yet: wait for it, within the call's own time, rather than fail a run
  // that a plugin resumed from its start().
  const std::chrono::milliseconds patience(call.timeout_ms ? call.timeout_ms
                                                           : config_.peer_timeout_ms);
  auto snap = served_snapshot(patience);
  std::string base;
  std::chrono::milliseconds peer_timeout{10000};
  if (snap) {
    for (const auto& slot : snap->plugins) {
      if (slot->name() != agent) continue;
      request.path = slot->prefix() + (request.path == "/" ? "" : request.path);
      response = dispatch(request);
      return AH_OK;
    }
    if (auto peer = snap->peers.find(agent); peer != snap->peers.end()) base = peer->second;
    peer_timeout = snap->peer_timeout;
  }
  if (base.empty()) {
    if (options_.outside.agent) return options_.outside.agent(request, agent, response);
    error = "no agent \"" + agent + "\" in this host and no peer configured for it; add peers." +
            agent + ": http://<host>:8080 to the config";
    return AH_ERR_NOT_FOUND;
  }
  http::Request outbound;
  outbound.method = method;
  outbound.url = base + target;
  outbound.headers = std::move(request.headers);
  if (api_keys_.enabled())
    outbound.headers.emplace_back("authorization", "Bearer " + api_keys_.own_key());
  outbound.body = std::move(request.body);
  outbound.timeout =
      std::chrono::milliseconds(call.timeout_ms ? call.timeout_ms : config_.peer_timeout_ms);
  const ah_status status = send(*http_client_, std::move(outbound), response, error);
  if (status != AH_OK) error = "agent \"" + agent + "\" at " + base + " did not answer: " + error;
  return status;
}

ah_status Runtime::http_request(const ah_http_call& call, HttpResponse& response,
                                std::string& error) {
  http::Request request;
  request.method = to_string(call.method);
  if (request.method.empty()) request.method = "GET";
  request.url = to_string(call.url);
  request.headers = lower_headers(call);
  request.body = to_string(call.body);
  if (call.timeout_ms) request.timeout = std::chrono::milliseconds(call.timeout_ms);
  if (options_.outside.http) {
    HttpRequest fake{request.method, request.url, {}, request.headers, request.body, {}, false, {}};
    return options_.outside.http(fake, request.url, response);
  }
  if (request.url.rfind("http://", 0) != 0 && request.url.rfind("https://", 0) != 0) {
    error = "http_request: url \"" + request.url + "\" must start with http:// or https://";
    return AH_ERR_INVALID_ARGUMENT;
  }
  return send(*http_client_, std::move(request), response, error);
}

}  // namespace agent_host::runtime
