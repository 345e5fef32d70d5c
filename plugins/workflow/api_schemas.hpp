// JSON Schemas of the API's bodies, published through /openapi.json and
// checked against real answers by the contract test.
#pragma once

#include <nlohmann/json.hpp>

namespace workflow::schemas {

nlohmann::json workflow_summary();  // an item of GET /workflows, the answer of an upload
nlohmann::json workflow_detail();   // GET /workflows/{name}: the summary and its definition
nlohmann::json workflow_list();
nlohmann::json definition();   // what POST /workflows takes (YAML or JSON)
nlohmann::json run_summary();  // an item of GET /runs
nlohmann::json run();          // GET /runs/{id}
nlohmann::json run_page();
nlohmann::json run_start_request();  // what POST /workflows/{name}/runs takes
nlohmann::json run_start();  // POST /workflows/{name}/runs and webhooks: the run, created or not
nlohmann::json event();      // POST /events
nlohmann::json event_answer();
nlohmann::json stats();

}  // namespace workflow::schemas
