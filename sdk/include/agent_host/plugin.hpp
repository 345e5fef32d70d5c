// agent_host/plugin.hpp — what a plugin is: a class derived from Plugin,
// registered once with AGENT_HOST_PLUGIN, and the bridge (detail::Adapter)
// from abi.h's descriptor to that class.
#ifndef AGENT_HOST_PLUGIN_HPP
#define AGENT_HOST_PLUGIN_HPP

#include <agent_host/detail/c_bridge.hpp>
#include <agent_host/error.hpp>
#include <agent_host/host.hpp>
#include <memory>
#include <nlohmann/json.hpp>

namespace agent_host {

enum class Health { ok = AH_HEALTH_OK, degraded = AH_HEALTH_DEGRADED, failing = AH_HEALTH_FAILING };

struct HealthReport {
  Health state = Health::ok;
  nlohmann::json detail = nlohmann::json::object();
};

class Plugin {
 public:
  explicit Plugin(Host& host) : host_(host) {}
  virtual ~Plugin() = default;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  // Begin background work. Routes are live once this returns.
  virtual void start() {}
  // A new, validated config section. Throw to refuse it (the old one stays).
  virtual void reload(const nlohmann::json& /*config*/) {}
  // Stop background work; HTTP traffic has already drained.
  virtual void stop() {}
  virtual HealthReport health() { return {}; }

 protected:
  Host& host() { return host_; }

 private:
  Host& host_;
};

namespace detail {

template <typename P>
struct Instance {
  Instance(const ah_host_api* api, ah_host* handle) : host(api, handle) {}
  Host host;
  std::unique_ptr<P> plugin;  // declared after host: destroyed first
};

// Runs `fn`, turning any exception into an error status with its message.
template <typename Fn>
ah_status guarded(ah_sink* error, Fn&& fn) {
  try {
    fn();
    return AH_OK;
  } catch (const Error& e) {
    write(error, e.what());
    return e.status() == Status::ok ? AH_ERR_INTERNAL : c_status(e.status());
  } catch (const std::exception& e) {
    write(error, e.what());
  } catch (...) {
    write(error, "unknown exception");
  }
  return AH_ERR_INTERNAL;
}

inline nlohmann::json parse_config(ah_str text) {
  return text.size ? nlohmann::json::parse(view(text)) : nlohmann::json::object();
}

template <typename P>
struct Adapter {
  static Instance<P>* self(ah_plugin_instance* raw) { return reinterpret_cast<Instance<P>*>(raw); }

  static ah_plugin_instance* create(const ah_host_api* api, ah_host* handle, ah_str config,
                                    ah_sink* error) {
    std::unique_ptr<Instance<P>> instance;
    ah_status status = guarded(error, [&] {
      instance = std::make_unique<Instance<P>>(api, handle);
      instance->plugin = std::make_unique<P>(instance->host, parse_config(config));
    });
    if (status != AH_OK) return nullptr;
    return reinterpret_cast<ah_plugin_instance*>(instance.release());
  }
  static ah_status start(ah_plugin_instance* raw, ah_sink* error) {
    return guarded(error, [&] { self(raw)->plugin->start(); });
  }
  static ah_status reload(ah_plugin_instance* raw, ah_str config, ah_sink* error) {
    return guarded(error, [&] { self(raw)->plugin->reload(parse_config(config)); });
  }
  static void stop(ah_plugin_instance* raw) {
    StringSink ignored;
    guarded(ignored.get(), [&] { self(raw)->plugin->stop(); });
  }
  static void destroy(ah_plugin_instance* raw) { delete self(raw); }
  static ah_health_state health(ah_plugin_instance* raw, ah_sink* detail_json) {
    HealthReport report;
    StringSink error;
    if (guarded(error.get(), [&] { report = self(raw)->plugin->health(); }) != AH_OK) {
      write(detail_json, nlohmann::json{{"error", error.text()}}.dump());
      return AH_HEALTH_FAILING;
    }
    if (!report.detail.is_null()) write(detail_json, report.detail.dump());
    return static_cast<ah_health_state>(report.state);
  }

  static ah_plugin_descriptor describe(const char* name, const char* version, const char* prefix,
                                       const char* description, const char* config_schema) {
    ah_plugin_descriptor d{};
    d.abi_major = AH_ABI_MAJOR;
    d.abi_minor = AH_ABI_MINOR;
    d.struct_size = sizeof(ah_plugin_descriptor);
    d.name = name;
    d.version = version;
    d.default_prefix = prefix;
    d.description = description;
    d.config_schema_json = config_schema;
    d.create = &create;
    d.start = &start;
    d.reload = &reload;
    d.stop = &stop;
    d.destroy = &destroy;
    d.health = &health;
    return d;
  }
};

}  // namespace detail

}  // namespace agent_host

// Registers `Class` (constructible from (agent_host::Host&, const nlohmann::json&))
// as this library's plugin. Exactly once per plugin library, at namespace scope.
//   name         unique, [a-z][a-z0-9-]*       version  the plugin's own version
//   prefix       default route prefix, "/name"  description  one line
//   config_schema  JSON Schema of the plugin's config section (string literal)
#define AGENT_HOST_PLUGIN(Class, name, version, prefix, description, config_schema)                \
  extern "C" AH_EXPORT const ah_plugin_descriptor* agent_host_plugin_entry(void) {                 \
    static const ah_plugin_descriptor descriptor = ::agent_host::detail::Adapter<Class>::describe( \
        name, version, prefix, description, config_schema);                                        \
    return &descriptor;                                                                            \
  }

#endif  // AGENT_HOST_PLUGIN_HPP
