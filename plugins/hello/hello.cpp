// The smallest useful plugin: one route, one metric, one config section and
// one scheduled job. docs/plugin-guide.md shows it whole as the first
// complete plugin file.
#include <agent_host/sdk.hpp>

namespace {

constexpr const char* kConfigSchema = R"({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "greeting": {"type": "string", "default": "Hello", "minLength": 1, "maxLength": 64,
                 "description": "The word used to greet"},
    "heartbeat_cron": {"type": "string", "format": "cron", "default": "*/5 * * * *",
                       "description": "When the heartbeat job logs that the plugin is alive"}
  }
})";

class Hello : public agent_host::Plugin {
 public:
  Hello(agent_host::Host& host, const nlohmann::json& config)
      : Plugin(host),
        greeting_(config.at("greeting").get<std::string>()),
        greetings_(host.counter("greetings_total", "Greetings answered")) {
    host.route(
        "GET", "/greet/{name}",
        agent_host::RouteDoc{"Greets someone by name"}
            .id("greet")
            .path_param("name", {{"type", "string"}, {"maxLength", 64}}, "Who to greet")
            .responds(200, "The greeting",
                      {{"type", "object"}, {"properties", {{"message", {{"type", "string"}}}}}})
            .responds(400, "The name is longer than 64 characters"),
        [this](const agent_host::Request& request) { return greet(request); },
        // Answers from memory: the network thread may run it directly.
        agent_host::RouteMode::non_blocking);
    host.cron("heartbeat", config.at("heartbeat_cron").get<std::string>(), [this](auto) {
      this->host().info("hello is alive", {{"greeting", current()}});
    });
  }

  void reload(const nlohmann::json& config) override {
    std::lock_guard<std::mutex> lock(mutex_);
    greeting_ = config.at("greeting").get<std::string>();
  }

 private:
  agent_host::Response greet(const agent_host::Request& request) {
    const std::string name = request.param("name");
    if (name.size() > 64)
      throw agent_host::HttpError::bad_request("name", "name must be at most 64 characters");
    greetings_.inc();
    return agent_host::Response::json({{"message", current() + ", " + name + "!"}});
  }

  std::string current() {
    std::lock_guard<std::mutex> lock(mutex_);
    return greeting_;
  }

  std::mutex mutex_;
  std::string greeting_;
  agent_host::Counter greetings_;
};

}  // namespace

AGENT_HOST_PLUGIN(Hello, "hello", "1.0.0", "/hello", "Greets people: the SDK tutorial plugin",
                  kConfigSchema)
