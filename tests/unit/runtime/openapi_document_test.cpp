// How the host merges what a plugin declares about a route (ah_route, ABI 1.4
// openapi_json) with what it derives and what it answers itself.
#include "runtime/openapi_document.hpp"

#include <gtest/gtest.h>

#include "runtime/plugin_slot.hpp"

namespace agent_host::runtime {
namespace {

using nlohmann::json;

Route route(const std::string& method, const std::string& pattern, json openapi = nullptr,
            json request = nullptr, json response = nullptr) {
  return Route{method,
               router::RoutePattern::parse(pattern),
               "A summary",
               std::move(request),
               std::move(response),
               std::move(openapi),
               nullptr,
               nullptr,
               nullptr,
               false,
               false};
}

json document(const std::vector<Route>& routes, bool api_keys = false) {
  std::vector<DocumentedRoute> documented;
  for (const auto& r : routes) documented.push_back({"notes", "/notes" + r.pattern.text(), &r});
  return openapi_document({{"notes", "Keeps notes", "/notes"}}, documented,
                          {"test", "0.1.0", api_keys});
}

TEST(OpenApiDocument, EveryPluginPrefixDocumentsTheHostsHealth) {
  const json doc = document({});
  const json& op = doc["paths"]["/notes/health"]["get"];
  EXPECT_EQ(op["operationId"], "getHealthNotes");
  EXPECT_EQ(op["security"], json::array());
  EXPECT_EQ(op["responses"], doc["paths"]["/health"]["get"]["responses"]);
}

TEST(OpenApiDocument, ARouteThatSaysNothingMoreIsDocumentedAsBefore) {
  const json doc = document({route("GET", "/items/{id}", nullptr, nullptr, {{"type", "object"}})});
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_FALSE(doc["servers"].empty());
  const json& op = doc["paths"]["/notes/items/{id}"]["get"];
  EXPECT_EQ(op["operationId"], "getNotesItemsId");
  EXPECT_EQ(op["parameters"][0], json::parse(R"({"name":"id","in":"path","required":true,
                                                  "schema":{"type":"string"}})"));
  EXPECT_EQ(op["responses"]["200"]["content"]["application/json"]["schema"]["type"], "object");
  EXPECT_TRUE(op["responses"].contains("default"));
  EXPECT_FALSE(op["responses"].contains("401"));  // no API keys
  EXPECT_FALSE(op["responses"].contains("413"));  // no body
  EXPECT_EQ(doc["security"], json::array());
}

TEST(OpenApiDocument, DeclaredPartsReplaceTheDerivedOnes) {
  const json declared = json::parse(R"({
    "operationId": "getItem",
    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                   {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}],
    "responses": {"200": {"description": "The item"}, "304": {"description": "Unchanged"},
                  "404": {"description": "No such item"}}})");
  const json doc = document({route("GET", "/items/{id}", declared, nullptr, {{"type", "object"}})});
  const json& op = doc["paths"]["/notes/items/{id}"]["get"];
  EXPECT_EQ(op["operationId"], "getItem");
  ASSERT_EQ(op["parameters"].size(), 2u);
  EXPECT_EQ(op["parameters"][0]["schema"]["type"], "integer");
  EXPECT_FALSE(op["responses"]["200"].contains("content"));  // the declared 200 wins
  EXPECT_FALSE(op["responses"]["304"].contains("content"));
  EXPECT_EQ(op["responses"]["404"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Error");
}

TEST(OpenApiDocument, TheHostAddsWhatItAnswersItself) {
  const json doc = document({route("POST", "/items", nullptr, {{"type", "object"}})}, true);
  const json& op = doc["paths"]["/notes/items"]["post"];
  EXPECT_EQ(op["requestBody"]["required"], true);
  EXPECT_TRUE(op["responses"].contains("401"));
  EXPECT_TRUE(op["responses"].contains("413"));
  EXPECT_EQ(doc["security"], json::parse(R"([{"bearer":[]}])"));
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
  EXPECT_EQ(doc["paths"]["/healthz"]["get"]["security"], json::array());  // probes need no key
}

TEST(OpenApiDocument, ARouteWithoutApiKeyOverridesTheBearerRequirement) {
  Route page = route("GET", "/page");
  page.without_api_key = true;  // AH_ROUTE_NO_API_KEY (ABI 1.5)
  const json doc = document({page, route("GET", "/items")}, true);
  const json& open = doc["paths"]["/notes/page"]["get"];
  EXPECT_EQ(open["security"], json::array());
  EXPECT_FALSE(open["responses"].contains("401"));  // the host never asks it for a key
  const json& guarded = doc["paths"]["/notes/items"]["get"];
  EXPECT_FALSE(guarded.contains("security"));  // the document's bearer requirement applies
  EXPECT_TRUE(guarded["responses"].contains("401"));
  // Without API keys nothing changes: the document requires nothing anyway.
  const json plain = document({page}, false);
  EXPECT_FALSE(plain["paths"]["/notes/page"]["get"].contains("security"));
}

TEST(OpenApiDocument, AnotherContentTypeJoinsTheJsonBody) {
  const json declared =
      json::parse(R"({"requestBody": {"content": {"application/yaml": {"schema": {}}}}})");
  const json doc = document({route("POST", "/items", declared, {{"type", "object"}})});
  const json& content = doc["paths"]["/notes/items"]["post"]["requestBody"]["content"];
  EXPECT_TRUE(content.contains("application/json"));
  EXPECT_TRUE(content.contains("application/yaml"));
}

TEST(OpenApiDocument, OperationIdsStayUnique) {
  const json taken = {{"operationId", "getHealth"}};
  const json doc =
      document({route("GET", "/a", {{"operationId", "list"}}),
                route("GET", "/b", {{"operationId", "list"}}), route("GET", "/c", taken)});
  EXPECT_EQ(doc["paths"]["/notes/a"]["get"]["operationId"], "list");
  EXPECT_EQ(doc["paths"]["/notes/b"]["get"]["operationId"], "notes_list");
  EXPECT_EQ(doc["paths"]["/notes/c"]["get"]["operationId"], "notes_getHealth");
}

}  // namespace
}  // namespace agent_host::runtime
