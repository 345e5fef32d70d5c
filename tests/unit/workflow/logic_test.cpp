// The pure building blocks: durations, cron expressions, JSON Logic, templates,
// documents, webhook signatures and retry backoff.
#include <gtest/gtest.h>

#include "document.hpp"
#include "duration.hpp"
#include "host_rules.hpp"
#include "json_logic.hpp"
#include "retry.hpp"
#include "run_record.hpp"
#include "templating.hpp"
#include "webhook_auth.hpp"

namespace workflow {
namespace {

using nlohmann::json;

TEST(Duration, ParsesUnitsAndCombinations) {
  EXPECT_EQ(parse_duration_ms("250ms"), 250);
  EXPECT_EQ(parse_duration_ms("10s"), 10000);
  EXPECT_EQ(parse_duration_ms("1h30m"), 5'400'000);
  EXPECT_EQ(parse_duration_ms("2d"), 172'800'000);
  EXPECT_EQ(format_duration(90'000), "1m30s");
}

TEST(Duration, RefusesNumbersWithoutUnitsAndUnknownUnits) {
  EXPECT_FALSE(parse_duration_ms("10"));
  EXPECT_FALSE(parse_duration_ms("10 s"));
  EXPECT_FALSE(parse_duration_ms("5w"));
  EXPECT_FALSE(parse_duration_ms(""));
  EXPECT_FALSE(parse_duration_ms("-1s"));
  EXPECT_FALSE(parse_duration_ms("99999999999999999999s"));
}

json logic(const std::string& rule, const std::string& data = "{}") {
  return json_logic::apply(json::parse(rule), json::parse(data));
}

TEST(JsonLogic, ComparisonsFollowJavaScriptRules) {
  EXPECT_EQ(logic(R"({"==": [1, "1"]})"), true);
  EXPECT_EQ(logic(R"({"===": [1, "1"]})"), false);
  EXPECT_EQ(logic(R"({"!=": [null, 0]})"), true);
  EXPECT_EQ(logic(R"({"==": [true, 1]})"), true);
  EXPECT_EQ(logic(R"({"<": [1, 2, 3]})"), true);
  EXPECT_EQ(logic(R"({"<=": [1, 1, 0]})"), false);
  EXPECT_EQ(logic(R"({">": ["b", "a"]})"), true);
  EXPECT_EQ(logic(R"({">=": ["10", 9]})"), true);
}

TEST(JsonLogic, VarReadsNestedPathsAndDefaults) {
  const std::string data = R"({"event": {"to": "done", "tags": ["a", "b"]}})";
  EXPECT_EQ(logic(R"({"var": "event.to"})", data), "done");
  EXPECT_EQ(logic(R"({"var": "event.tags.1"})", data), "b");
  EXPECT_EQ(logic(R"({"var": ["event.missing", 7]})", data), 7);
  EXPECT_EQ(logic(R"({"var": "nothing"})", data), nullptr);
  EXPECT_EQ(logic(R"({"==": [{"var": "event.to"}, "done"]})", data), true);
}

TEST(JsonLogic, LogicReturnsTheDecidingValue) {
  EXPECT_EQ(logic(R"({"or": [0, "", "x"]})"), "x");
  EXPECT_EQ(logic(R"({"and": [1, 0, 2]})"), 0);
  EXPECT_EQ(logic(R"({"!": [[]]})"), true);
  EXPECT_EQ(logic(R"({"!!": ["0"]})"), true);
  EXPECT_EQ(logic(R"({"if": [false, 1, true, 2, 3]})"), 2);
  EXPECT_EQ(logic(R"({"if": [false, 1, 3]})"), 3);
}

TEST(JsonLogic, ArithmeticAndStrings) {
  EXPECT_EQ(logic(R"({"+": [1, "2", 3]})"), 6);
  EXPECT_EQ(logic(R"({"-": [5]})"), -5);
  EXPECT_EQ(logic(R"({"/": [7, 2]})"), 3.5);
  EXPECT_EQ(logic(R"({"%": [7, 2]})"), 1);
  EXPECT_EQ(logic(R"({"max": [1, 9, 3]})"), 9);
  EXPECT_EQ(logic(R"({"cat": ["a", 1, true]})"), "a1true");
  EXPECT_EQ(logic(R"({"substr": ["workflow", -4]})"), "flow");
  EXPECT_EQ(logic(R"({"substr": ["workflow", 1, -4]})"), "ork");
  EXPECT_EQ(logic(R"({"in": ["ork", "workflow"]})"), true);
  EXPECT_EQ(logic(R"({"in": ["c", ["a", "b"]]})"), false);
}

TEST(JsonLogic, ArrayOperatorsScopeTheirBody) {
  const std::string data = R"({"items": [1, 2, 3, 4]})";
  EXPECT_EQ(logic(R"({"map": [{"var": "items"}, {"*": [{"var": ""}, 2]}]})", data),
            json({2, 4, 6, 8}));
  EXPECT_EQ(logic(R"({"filter": [{"var": "items"}, {">": [{"var": ""}, 2]}]})", data),
            json({3, 4}));
  EXPECT_EQ(
      logic(
          R"({"reduce": [{"var": "items"}, {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]})",
          data),
      10);
  EXPECT_EQ(logic(R"({"all": [{"var": "items"}, {">": [{"var": ""}, 0]}]})", data), true);
  EXPECT_EQ(logic(R"({"some": [{"var": "items"}, {">": [{"var": ""}, 3]}]})", data), true);
  EXPECT_EQ(logic(R"({"none": [{"var": "items"}, {">": [{"var": ""}, 9]}]})", data), true);
  EXPECT_EQ(logic(R"({"merge": [[1], 2, [3, 4]]})"), json({1, 2, 3, 4}));
  EXPECT_EQ(logic(R"({"missing": ["a", "b"]})", R"({"a": 1})"), json({"b"}));
  EXPECT_EQ(logic(R"({"missing_some": [1, ["a", "b"]]})", R"({"a": 1})"), json::array());
}

TEST(JsonLogic, CheckReportsUnknownOperatorsAndArityWithPaths) {
  Problems problems;
  json_logic::check(json::parse(R"({"and": [{"foo": [1]}, {"==": [1]}]})"), "when", problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems.items()[0].path, "when.and[0].foo");
  EXPECT_EQ(problems.items()[1].path, "when.and[1].==");
  EXPECT_THROW(logic(R"({"foo": 1})"), json_logic::LogicError);
}

TEST(Templating, WholeTemplateKeepsTheValueTypeAndInterpolationMakesText) {
  const json context = {{"input", {{"n", 3}, {"task", {{"title", "Fix"}}}}},
                        {"steps", {{"fetch", {{"output", {{"body", {{"ids", {7, 8}}}}}}}}}}};
  EXPECT_EQ(templating::render("{{ input.n }}", context), 3);
  EXPECT_EQ(templating::render("Review {{ input.task.title }}!", context), "Review Fix!");
  EXPECT_EQ(templating::render("{{ steps.fetch.output.body.ids[1] }}", context), 8);
  EXPECT_EQ(templating::render(json{{"list", {"{{input.n}}", "x"}}}, context),
            (json{{"list", {3, "x"}}}));
}

TEST(Templating, MissingPathsNameWhatIsMissing) {
  const json context = {{"input", {{"task", json::object()}}}};
  try {
    templating::render("{{ input.task.title }}", context);
    FAIL();
  } catch (const templating::TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find("'input.task' has no 'title'"), std::string::npos);
  }
}

// Templates and JSON Logic's var walk paths the same way (json_path): array
// indexes are plain decimals, as in a JSON pointer.
TEST(JsonPath, TemplatesAndVarReadTheSameIndexes) {
  const json context = {{"input", {{"list", {"a", "b"}}}}};
  EXPECT_EQ(templating::render("{{ input.list[1] }}", context), "b");
  EXPECT_EQ(logic(R"({"var": "input.list.1"})", context.dump()), "b");
  EXPECT_THROW(templating::render("{{ input.list[01] }}", context), templating::TemplateError);
  EXPECT_EQ(logic(R"({"var": "input.list.01"})", context.dump()), nullptr);
  EXPECT_EQ(logic(R"({"var": "input.list.2"})", context.dump()), nullptr);
  EXPECT_EQ(logic(R"({"var": ""})", "[1]"), json::array({1}));
  try {
    templating::render("{{ input.list[5] }}", context);
    FAIL();
  } catch (const templating::TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find("'input.list' has no '5'"), std::string::npos);
  }
}

TEST(Templating, ScanReportsSyntaxErrorsWithTheirLocation) {
  Problems problems;
  templating::scan(json{{"a", "{{ input.x"}, {"b", "{{ input.x + 1 }}"}, {"c", "{{}}"}}, "with",
                   problems);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems.items()[0].path, "with.a");
  EXPECT_EQ(problems.items()[1].path, "with.b");
  EXPECT_EQ(problems.items()[2].path, "with.c");
}

TEST(Document, ReadsYamlWithTypedScalarsAndJson) {
  const json yaml = parse_document(
      "name: x\nversion: 2\nflag: true\nquoted: \"10\"\ntimeout: 10s\nnone: ~\n", host_yaml);
  EXPECT_EQ(yaml["version"], 2);
  EXPECT_EQ(yaml["flag"], true);
  EXPECT_EQ(yaml["quoted"], "10");
  EXPECT_EQ(yaml["timeout"], "10s");
  EXPECT_TRUE(yaml["none"].is_null());
  EXPECT_EQ(parse_document(R"({"name": "y"})", host_yaml)["name"], "y");
}

TEST(Document, SyntaxErrorsNameTheLine) {
  try {
    parse_document("name: x\nsteps: [\n", host_yaml);
    FAIL();
  } catch (const DocumentError& e) {
    EXPECT_NE(std::string(e.what()).find("document:3:"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_document("   ", host_yaml), DocumentError);
  EXPECT_THROW(parse_document("{\"name\": }", host_yaml), DocumentError);
}

TEST(Document, AliasesAndNestingAreBounded) {
  // An alias inside its own anchor, and a "billion laughs" bomb.
  EXPECT_THROW(parse_document("a: &a [*a]", host_yaml), DocumentError);
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'j'; ++level) {
    bomb += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + char(level - 1);
    bomb += "]\n";
  }
  try {
    parse_document(bomb, host_yaml);
    FAIL() << "the alias bomb was expanded";
  } catch (const DocumentError& e) {
    EXPECT_NE(std::string(e.what()).find("aliases"), std::string::npos) << e.what();
  }
  // Deep JSON is refused by the SDK's parse, before anything walks it.
  std::string deep;
  for (int i = 0; i < 50000; ++i) deep += "{\"a\":";
  deep += "1" + std::string(50000, '}');
  EXPECT_THROW(parse_document(deep, host_yaml), DocumentError);
  // A few aliases used as intended still work.
  const json shared = parse_document("base: &b {retries: 2}\nx: *b\ny: *b\n", host_yaml);
  EXPECT_EQ(shared["y"]["retries"], 2);
}

TEST(WebhookAuth, AcceptsAFreshCorrectSignature) {
  const std::string body = R"({"a":1})";
  const std::string signature = sign_webhook("s3cret", "1000", body);
  auto check = verify_webhook("s3cret", signature, std::string_view("1000"), body, 1100, 300);
  EXPECT_EQ(check.verdict, WebhookVerdict::ok);
  EXPECT_EQ(check.signature.size(), 64u);
}

TEST(WebhookAuth, RefusesWrongSecretAlteredBodyStaleAndMissingHeaders) {
  const std::string body = R"({"a":1})";
  const std::string signature = sign_webhook("s3cret", "1000", body);
  EXPECT_EQ(verify_webhook("other", signature, std::string_view("1000"), body, 1000, 300).verdict,
            WebhookVerdict::bad_signature);
  EXPECT_EQ(verify_webhook("s3cret", signature, std::string_view("1000"), R"({"a":2})", 1000, 300)
                .verdict,
            WebhookVerdict::bad_signature);
  // The timestamp is signed too: moving it breaks the signature.
  EXPECT_EQ(verify_webhook("s3cret", signature, std::string_view("1001"), body, 1000, 300).verdict,
            WebhookVerdict::bad_signature);
  EXPECT_EQ(verify_webhook("s3cret", signature, std::string_view("1000"), body, 1301, 300).verdict,
            WebhookVerdict::stale);
  EXPECT_EQ(
      verify_webhook("s3cret", std::nullopt, std::string_view("1000"), body, 1000, 300).verdict,
      WebhookVerdict::missing_signature);
  EXPECT_EQ(verify_webhook("s3cret", signature, std::nullopt, body, 1000, 300).verdict,
            WebhookVerdict::missing_timestamp);
  EXPECT_EQ(verify_webhook("s3cret", std::string_view("md5=abc"), std::string_view("1000"), body,
                           1000, 300)
                .verdict,
            WebhookVerdict::malformed);
}

TEST(RetryBackoff, GrowsExponentiallyUpToTheCapWithJitterAroundIt) {
  RetryPolicy policy;
  policy.initial_ms = 100;
  policy.max_ms = 1000;
  policy.multiplier = 2;
  policy.jitter = 0;
  EXPECT_EQ(backoff_ms(policy, 1, 0.5), 100);
  EXPECT_EQ(backoff_ms(policy, 2, 0.5), 200);
  EXPECT_EQ(backoff_ms(policy, 4, 0.5), 800);
  EXPECT_EQ(backoff_ms(policy, 9, 0.5), 1000);
  policy.jitter = 0.5;
  EXPECT_EQ(backoff_ms(policy, 1, 0.0), 50);
  EXPECT_EQ(backoff_ms(policy, 1, 1.0), 150);
  policy.exponential = false;
  policy.jitter = 0;
  EXPECT_EQ(backoff_ms(policy, 5, 0.3), 100);
}

}  // namespace
}  // namespace workflow

TEST(RunRecord, DocTextIsTheStorageFormAndReadsBack) {
  workflow::RunRecord run;
  run.id = workflow::new_run_id(1'700'000'000'123);
  run.workflow = "review";
  run.version = 3;
  run.status = "running";
  run.input = {{"title", "caf\u00e9 \"quoted\"\n"},
               {"n", 2},
               {"plain", "back\\slash\x01\x1f\t/"},
               {"numbers", {-3, 18446744073709551615ull, 0.1, 1e300, -2.5, true, false}},
               {"empty", nlohmann::json::object()},
               {"none", nlohmann::json::array()}};
  workflow::StepRecord step;
  step.id = "a";
  step.status = workflow::StepStatus::succeeded;
  step.output = nlohmann::json{1, 2.5, nullptr};
  step.attempts.push_back({1, 4, false, {{"code", "timeout"}}, "partial"});
  step.attempts.push_back({2, 3, true, nullptr, nullptr});
  step.input = nlohmann::json{{"url", "http://x"}};
  step.error = nullptr;
  step.started_at = "2026-01-01T00:00:00.000Z";
  step.finish(1'700'000'000'200);
  step.next_attempt_at = "2026-01-01T00:00:01.000Z";
  workflow::StepRecord waiting;
  waiting.id = "wait \"quoted\"";
  waiting.type = "delay";
  waiting.status = workflow::StepStatus::waiting;
  run.steps = {{"a", step}, {waiting.id, waiting}};
  run.step_order = {"a", waiting.id};
  run.cursor = 1;
  run.created_at = 1'700'000'000'123;
  run.started_at = 1'700'000'000'124;
  run.error = {{"code", "x"}};
  run.failed_step = "line\nbreak";
  run.fence = 7;
  run.owner = "pod-1";
  run.idempotency_key = "api:k";
  run.gates = {{{"key", "workflow:review"}, {"limit", 2}}};
  EXPECT_EQ(run.doc_text(), run.to_storage().dump());
  EXPECT_EQ(workflow::RunRecord::from_storage(nlohmann::json::parse(run.doc_text())).to_storage(),
            run.to_storage());
  EXPECT_EQ(run.id.size(), 24u);
  EXPECT_EQ(run.id.substr(0, 12), "018bcfe5687b");
  EXPECT_NE(workflow::new_run_id(1), workflow::new_run_id(1));
}

// The step record's wire form (stored runs and the API): keys a step has not
// reached are left out, and every status reads back.
TEST(StepRecord, LeavesOutWhatTheStepHasNotReachedAndReadsBack) {
  workflow::StepRecord step;
  step.id = "fetch";
  step.type = "http";
  step.started_at = "2026-01-01T00:00:00.000Z";
  step.started_ms = 10;
  const nlohmann::json begun = step.to_json();
  EXPECT_EQ(begun, (nlohmann::json{{"id", "fetch"},
                                   {"type", "http"},
                                   {"status", "running"},
                                   {"started_at", "2026-01-01T00:00:00.000Z"},
                                   {"started_ms", 10},
                                   {"attempts", nlohmann::json::array()}}));
  step.status = workflow::StepStatus::retrying;
  step.error = nlohmann::json{{"code", "timeout"}, {"message", "slow"}};
  step.input = nullptr;
  step.next_attempt_at = "2026-01-01T00:00:01.000Z";
  step.attempts.push_back({1, 5, false, {{"code", "timeout"}, {"message", "slow"}}, nullptr});
  const nlohmann::json retrying = step.to_json();
  EXPECT_EQ(retrying["status"], "retrying");
  EXPECT_TRUE(retrying.contains("input"));
  EXPECT_FALSE(retrying.contains("output"));
  EXPECT_FALSE(retrying["attempts"][0].contains("received"));
  EXPECT_EQ(workflow::StepRecord::from_json(retrying).to_json(), retrying);
  for (auto status : {workflow::StepStatus::running, workflow::StepStatus::waiting,
                      workflow::StepStatus::retrying, workflow::StepStatus::succeeded,
                      workflow::StepStatus::failed})
    EXPECT_EQ(workflow::parse_step_status(workflow::to_string(status)), status);
  EXPECT_FALSE(workflow::parse_step_status("done"));
}
