// Definition validation: every kind of problem, all reported at once with paths.
#include "definition.hpp"

#include <gtest/gtest.h>

#include "document.hpp"
#include "host_rules.hpp"

namespace workflow {
namespace {

using nlohmann::json;

Problems problems_of(const std::string& yaml) {
  Problems problems;
  parse_definition(parse_document(yaml, host_yaml), host_schedule_rules(), problems);
  return problems;
}

bool has(const Problems& problems, const std::string& path, const std::string& words) {
  for (const auto& p : problems.items())
    if (p.path == path && p.message.find(words) != std::string::npos) return true;
  return false;
}

std::string dump(const Problems& problems) {
  std::string out;
  for (const auto& p : problems.items()) out += p.path + ": " + p.message + "\n";
  return out;
}

TEST(Definition, TheIssueExampleIsValid) {
  const auto problems = problems_of(R"(
name: review-finished-work
version: 1
triggers:
  - event: task.transitioned
    when: {"==": [{"var": "event.to"}, "done"]}
steps:
  - id: follow_up
    type: agent
    with: {agent: task-manager, method: POST, path: /tasks, body: {title: "Review {{ input.task.title }}"}}
    retry: {max_attempts: 3, backoff: exponential, initial: 1s, max: 30s}
    timeout: 10s
)");
  EXPECT_TRUE(problems.empty()) << dump(problems);
}

TEST(Definition, EveryStepTypeWithItsParameters) {
  const auto problems = problems_of(R"(
name: all-types
input_schema: {type: object, properties: {url: {type: string}}}
timeout: 5m
concurrency: 2
defaults: {timeout: 20s, retry: {max_attempts: 2, initial: 100ms, max: 1s, jitter: 0.1, retry_on: [timeout, http_5xx]}}
triggers:
  - webhook: {secret: api-keys/webhook-secret}
  - cron: "*/5 * * * *"
    time_zone: Europe/Paris
    overlap: queue
    input: {url: "http://x"}
steps:
  - {id: fetch, type: http, with: {method: GET, url: "{{ input.url }}", headers: {accept: application/json}, expect_status: [200, "3xx"]}}
  - {id: ask, type: llm, with: {prompt: "Summarise {{ steps.fetch.output.body }}", model: m, num_ctx: 2048, options: {temperature: 0}}}
  - {id: check, type: condition, with: {if: {"==": [{"var": "steps.fetch.output.status"}, 200]}, then: shape, else: stop}}
  - {id: pause, type: delay, with: {duration: 2s}}
  - {id: shape, type: transform, with: {value: {summary: "{{ steps.ask.output.response }}"}}, next: end}
  - {id: stop, type: fail, with: {message: "fetch failed", code: failed}}
output: {summary: "{{ steps.shape.output.summary }}"}
)");
  EXPECT_TRUE(problems.empty()) << dump(problems);
}

TEST(Definition, ReportsEveryProblemAtOnceWithItsPath) {
  const auto problems = problems_of(R"(
name: Bad Name
version: 0
colour: blue
timeout: soon
concurrency: -1
triggers:
  - event: task.exploded
    when: {"frobnicate": [1]}
  - cron: "61 * * * *"
    time_zone: Mars/Olympus
    overlap: sometimes
  - webhook: {secret: nope}
  - {event: task.created, cron: "* * * * *"}
steps:
  - {id: a, type: http, with: {url: "ftp://x", method: FETCH, expect_status: 999}}
  - {id: a, type: teleport}
  - {type: transform, with: {value: 1}}
  - {id: b, type: transform, with: {value: "{{ steps.c.output }}", extra: 1}}
  - {id: c, type: transform, with: {value: "{{ nothing.here }}"}}
  - {id: d, type: condition, with: {if: {"==": [1, 1]}, then: b}}
  - {id: e, type: delay, with: {duration: forever}}
  - {id: f, type: agent, with: {agent: Task_Manager, path: tasks}}
  - {id: g, type: llm, with: {}}
  - {id: h, type: fail, with: {}, retry: {max_attempts: 0, backoff: linear, initial: 2s, max: 1s, retry_on: [bad_luck]}}
  - {id: i, type: transform, with: {value: "{{ steps.b.result }}"}, next: zz}
  - {id: j, type: transform, with: {value: "{{ input.x"}}
)");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"name", "lower case"},
      {"version", "whole number"},
      {"colour", "unknown key"},
      {"timeout", "duration"},
      {"concurrency", "whole number"},
      {"triggers[0].event", "unknown event"},
      {"triggers[0].when.frobnicate", "unknown JSON Logic operator"},
      {"triggers[1].cron", "minute"},
      {"triggers[1].time_zone", "unknown time zone"},
      {"triggers[1].overlap", "skip, queue or allow"},
      {"triggers[2].webhook.secret", "<secret>/<key>"},
      {"triggers[3]", "exactly one"},
      {"steps[0].with.url", "http://"},
      {"steps[0].with.method", "unknown HTTP method"},
      {"steps[0].with.expect_status", "status"},
      {"steps[1].id", "duplicate step id"},
      {"steps[1].type", "unknown step type"},
      {"steps[2].id", "required"},
      {"steps[3].with.extra", "unknown key"},
      {"steps[3].with.value", "does not run before this one"},
      {"steps[4].with.value", "starts with 'nothing'"},
      {"steps[5].with.then", "jumps go forward only"},
      {"steps[6].with.duration", "duration"},
      {"steps[7].with.agent", "agent names"},
      {"steps[7].with.path", "start with '/'"},
      {"steps[8].with.prompt", "required"},
      {"steps[9].with.message", "required"},
      {"steps[9].retry.max_attempts", "whole number"},
      {"steps[9].retry.backoff", "exponential"},
      {"steps[9].retry.max", "at least the initial"},
      {"steps[9].retry.retry_on[0]", "unknown error code"},
      {"steps[10].with.value", "a step has"},
      {"steps[10].next", "does not exist"},
      {"steps[11].with.value", "invalid template"},
  };
  for (const auto& [path, words] : expected)
    EXPECT_TRUE(has(problems, path, words)) << path << "\n" << dump(problems);
  EXPECT_EQ(problems.size(), expected.size()) << dump(problems);
}

TEST(Definition, MissingStepsAndNonObjectDocuments) {
  EXPECT_TRUE(has(problems_of("name: x\n"), "steps", "required"));
  EXPECT_TRUE(has(problems_of("name: x\nsteps: []\n"), "steps", "non-empty"));
  EXPECT_TRUE(has(problems_of("- 1\n- 2\n"), "", "object"));
}

TEST(Definition, InvalidInputSchemaAndCronInputAreReported) {
  const auto problems = problems_of(R"(
name: x
input_schema: {type: 12}
steps: [{id: a, type: transform, with: {value: 1}}]
)");
  EXPECT_TRUE(has(problems, "input_schema", "JSON Schema")) << dump(problems);
  const auto cron = problems_of(R"(
name: x
input_schema: {type: object, required: [team], properties: {team: {type: string}}}
triggers: [{cron: "0 9 * * *", input: {team: 5}}]
steps: [{id: a, type: transform, with: {value: 1}}]
)");
  EXPECT_TRUE(has(cron, "triggers[0].input.team", "input_schema")) << dump(cron);
}

TEST(Definition, HashIgnoresTheVersionField) {
  EXPECT_EQ(document_hash(json{{"name", "x"}, {"version", 1}}),
            document_hash(json{{"name", "x"}, {"version", 2}}));
  EXPECT_NE(document_hash(json{{"name", "x"}}), document_hash(json{{"name", "y"}}));
}

// Schedules are judged by the host's rules: what it schedules, an upload
// accepts; what it would refuse (a date that never comes), an upload refuses.
TEST(Definition, SchedulesFollowTheHostsRules) {
  const auto daily = problems_of(R"(
name: nightly
triggers: [{cron: "@daily", time_zone: Europe/Paris}]
steps: [{id: a, type: transform, with: {value: 1}}]
)");
  EXPECT_TRUE(daily.items().empty()) << dump(daily);
  for (const char* never : {"0 0 30 2 *", "0 0 31 4 *"}) {
    const auto refused = problems_of(std::string("name: never\ntriggers: [{cron: \"") + never +
                                     "\"}]\nsteps: [{id: a, type: transform, with: {value: 1}}]\n");
    EXPECT_TRUE(has(refused, "triggers[0].cron", "never occurs")) << never << "\n" << dump(refused);
  }
}

}  // namespace
}  // namespace workflow
