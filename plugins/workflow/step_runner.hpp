// One attempt of one step: renders its parameters, calls out through the SDK,
// and classifies the outcome into an output or an error code.
#pragma once

#include <agent_host/sdk.hpp>
#include <string>

#include "definition.hpp"
#include "metrics.hpp"

namespace workflow {

struct StepOutcome {
  bool ok = false;
  json input;              // the rendered parameters
  json output;             // success: the step's output; failure: what was received, if anything
  std::string error_code;  // see known_error_codes()
  std::string error_message;
  std::string next;  // condition steps: the step chosen ("" = following, "end")
};

class StepRunner {
 public:
  StepRunner(agent_host::Host& host, Metrics& metrics) : host_(host), metrics_(metrics) {}

  // `context` is {"input", "steps", "run"}; `timeout_ms` already capped by the
  // run's deadline. Delay steps are handled by the executor, not here.
  StepOutcome attempt(const Step& step, const json& context, int64_t timeout_ms);

 private:
  StepOutcome call(const Step& step, const json& with, int64_t timeout_ms);
  StepOutcome llm(const json& with, int64_t timeout_ms);

  agent_host::Host& host_;
  Metrics& metrics_;
};

// expect_status (a code, "2xx", or a list of them; default 2xx) accepts `status`?
bool status_expected(const json& expect, int status);

}  // namespace workflow
