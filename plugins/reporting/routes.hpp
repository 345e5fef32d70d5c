// HTTP API under the plugin prefix: POST/GET /reports, GET/DELETE /reports/{id}.
#pragma once

#include <agent_host/sdk.hpp>

#include "report_service.hpp"

namespace reporting {

void register_routes(agent_host::Host& host, ReportService& service);

// Parses and checks a POST /reports body; `now` is the default reference.
// Throws HttpError 400 naming the field.
ReportRequest parse_report_request(const nlohmann::json& body, TimePoint now);

}  // namespace reporting
