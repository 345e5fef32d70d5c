// The host's own endpoints: /healthz, /readyz, /health (also as
// <plugin prefix>/health), /openapi.json, /docs (Swagger UI) and the job
// trigger POST /jobs/{plugin}/{job}.
#pragma once

#include <string>
#include <string_view>

#include "runtime/api_keys.hpp"
#include "runtime/http_types.hpp"
#include "runtime/plugin_jobs.hpp"
#include "runtime/plugin_set.hpp"

namespace agent_host::runtime {

// Served by the host at the root and under every plugin's prefix; no plugin
// may register a route of its own there.
inline constexpr std::string_view kHealthPath = "/health";

class Runtime;

class HostEndpoints {
 public:
  HostEndpoints(const Runtime& runtime, PluginJobs& jobs, const ApiKeys& api_keys)
      : runtime_(runtime), jobs_(jobs), api_keys_(api_keys) {}

  // The answer when `request` names a host endpoint (`handled`), else nothing.
  HttpResponse answer(const PluginSnapshot& snap, HttpRequest& request, bool& handled);
  // Whether the request triggers a job: the one host endpoint that runs plugin code.
  static bool runs_job(const HttpRequest& request);

 private:
  HttpResponse probe(const HttpRequest& request, bool& handled) const;
  HttpResponse health() const;
  HttpResponse openapi(const PluginSnapshot& snap) const;
  HttpResponse jobs_endpoint(const std::string& rest, HttpRequest& request);
  HttpResponse run_job(const std::string& plugin, const std::string& job, HttpRequest& request);

  const Runtime& runtime_;
  PluginJobs& jobs_;
  const ApiKeys& api_keys_;
};

}  // namespace agent_host::runtime
