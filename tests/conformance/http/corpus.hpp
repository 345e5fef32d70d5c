// The requests the host's HTTP/1.1 is compared with nginx on: valid, edge,
// malformed, smuggling attempts, pipelined batches, chunked variants, slow and
// half-closed clients. Seeded from issue 12's reports.
#pragma once

#include <string>
#include <vector>

#include "raw_http.hpp"

namespace agent_host::test {

struct ConformanceCase {
  std::string name;
  RawExchange exchange;
  // Empty: the host's answer class must be nginx's. Otherwise why it is not,
  // and `host_class` is the class the host must show instead.
  std::string differs_because;
  std::string host_class;
};

// GET /probe/echo/1 and POST /probe/echo (JSON) exist on the host; nginx
// answers `return 200` everywhere.
std::vector<ConformanceCase> conformance_corpus();

}  // namespace agent_host::test
