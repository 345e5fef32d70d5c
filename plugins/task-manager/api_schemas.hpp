// JSON Schemas of the API, published through /openapi.json.
#pragma once

#include <nlohmann/json.hpp>

namespace task_manager::schemas {

nlohmann::json task();
nlohmann::json new_task();
nlohmann::json task_changes();
nlohmann::json transition();
nlohmann::json bulk_request();
nlohmann::json bulk_response();
nlohmann::json task_page();
nlohmann::json stats();
nlohmann::json daily_report();

}  // namespace task_manager::schemas
