#include <agent_host/list_params.hpp>

#include "routes.hpp"

namespace workflow {

agent_host::HttpError problems_error(int status, const std::string& code,
                                     const std::string& message, const Problems& problems) {
  json list = json::array();
  for (const auto& p : problems.items()) list.push_back({{"path", p.path}, {"message", p.message}});
  const std::string field = problems.empty() ? "" : problems.items()[0].path;
  return agent_host::HttpError(status, code, message, field, json{{"problems", list}});
}

void reject_unknown_query(const agent_host::Request& request, const std::set<std::string>& known) {
  agent_host::ListParams(request, {known.begin(), known.end()});  // the SDK's one refusal
}

json run_start_answer(Engine& engine, const CreateOutcome& outcome, const RunRecord& created) {
  if (outcome.created) {
    json body = created.to_api();
    body["created"] = true;
    return body;
  }
  auto run = engine.store().run(outcome.run_id);
  if (!run)
    throw agent_host::HttpError(500, "internal", "the run was created but cannot be read back");
  json body = run->to_api();
  body["created"] = outcome.created;
  return body;
}

}  // namespace workflow
