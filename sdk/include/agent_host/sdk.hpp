// agent_host/sdk.hpp — the idiomatic C++ layer over abi.h, in one include.
//
// A plugin is a class derived from agent_host::Plugin, constructed with the
// host services and its validated config section, plus one registration line:
//
//   class Hello : public agent_host::Plugin {
//    public:
//     Hello(agent_host::Host& host, const nlohmann::json& config) : Plugin(host) {
//       host.route("GET", "/greet/{name}", "Greets someone", [](const agent_host::Request& r) {
//         return agent_host::Response::json({{"hello", r.param("name")}});
//       });
//     }
//   };
//   AGENT_HOST_PLUGIN(Hello, "hello", "1.0.0", "/hello", "Says hello", R"({"type":"object"})")
//
// Header-only: it compiles into the plugin, so no C++ type crosses into the
// host. Exceptions thrown by plugin code never leave the plugin: HttpError
// becomes its 4xx/5xx JSON answer, anything else a 500 the host logs.
//
// The parts, one header per concern (include them alone if you prefer):
//   error.hpp    Status, Error (a host call failed), HttpError (refuse a request)
//   json.hpp     parse_json (bounded depth), to_json_text
//   http.hpp     Request, Response, DeferredResponse, Call, HttpResult, RouteDoc
//   metrics.hpp  Counter, Gauge, Histogram
//   sql.hpp      Sql, Transaction, Migration
//   host.hpp     Host (every service), LogLevel
//   plugin.hpp   Plugin, HealthReport, AGENT_HOST_PLUGIN
//   conditional.hpp, list_params.hpp  ETags/If-Match and list paging helpers
//   time.hpp     now_ms, parse_rfc3339, format_rfc3339 (Unix ms <-> RFC 3339)
// Not in the umbrella, because it brings valijson and <regex> into every file
// that includes it: json_schema.hpp (JsonSchema, validation naming the field).
// detail/c_bridge.hpp is the only place the C++ layer touches abi.h's types.
#ifndef AGENT_HOST_SDK_HPP
#define AGENT_HOST_SDK_HPP

#include <agent_host/error.hpp>
#include <agent_host/host.hpp>
#include <agent_host/http.hpp>
#include <agent_host/json.hpp>
#include <agent_host/metrics.hpp>
#include <agent_host/plugin.hpp>
#include <agent_host/sql.hpp>
#include <agent_host/time.hpp>

#endif  // AGENT_HOST_SDK_HPP
