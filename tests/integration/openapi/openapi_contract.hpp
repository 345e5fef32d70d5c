// Holds real answers to the document /openapi.json publishes: an answer's
// status must be documented for its operation, its content type must be one
// the status lists, and its body must match that media type's schema (JSON
// Schema, checked by the host's own valijson wrapper).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "host_process.hpp"

namespace agent_host::test {

class OpenApiContract {
 public:
  explicit OpenApiContract(nlohmann::json document);

  // What is wrong with `reply` as the answer to `method` `path` (a concrete
  // path such as "/task/tasks/abc", query string allowed); empty when it
  // keeps the contract. Records the operation as exercised.
  std::vector<std::string> check(const std::string& method, const std::string& path,
                                 const Reply& reply);

  // "<METHOD> <path template>" of every documented operation no check() reached.
  std::vector<std::string> unexercised() const;

 private:
  struct Operation {
    std::string method;  // lower-case, as the document keys it
    std::string path;    // template, e.g. "/task/tasks/{id}"
    const nlohmann::json* object;
  };
  const Operation* find(const std::string& method, const std::string& path) const;
  // The schema with every "#/components/schemas/..." reference replaced by its target.
  nlohmann::json resolved(const nlohmann::json& schema) const;

  nlohmann::json document_;
  std::vector<Operation> operations_;
  std::set<std::string> exercised_;
};

}  // namespace agent_host::test
