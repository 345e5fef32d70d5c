#include "config/yaml_to_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_error.hpp"

namespace agent_host::config {
namespace {

using ::testing::HasSubstr;

TEST(YamlToJson, TypesPlainScalarsTheYamlWay) {
  const nlohmann::json doc = yaml_to_json(
      "t: true\nf: False\ni: 42\nneg: -7\nhex: 0x1F\noct: 0o17\nfl: 2.5\nexp: 1e3\n"
      "n1: null\nn2: ~\nn3:\nword: hello\nver: 1.2.3\n",
      "test.yaml");
  EXPECT_EQ(doc["t"], true);
  EXPECT_EQ(doc["f"], false);
  EXPECT_TRUE(doc["i"].is_number_integer());
  EXPECT_EQ(doc["i"], 42);
  EXPECT_EQ(doc["neg"], -7);
  EXPECT_EQ(doc["hex"], 31);
  EXPECT_EQ(doc["oct"], 15);
  EXPECT_TRUE(doc["fl"].is_number_float());
  EXPECT_DOUBLE_EQ(doc["fl"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(doc["exp"].get<double>(), 1000.0);
  EXPECT_TRUE(doc["n1"].is_null());
  EXPECT_TRUE(doc["n2"].is_null());
  EXPECT_TRUE(doc["n3"].is_null());
  EXPECT_EQ(doc["word"], "hello");
  EXPECT_EQ(doc["ver"], "1.2.3");
}

TEST(YamlToJson, NumberEdgesFollowTheCoreSchema) {
  const nlohmann::json doc = yaml_to_json(
      "a: .5\nb: 5.\nc: +3\nd: -.5e-2\ne: 1E+2\n"
      "s1: 1e\ns2: e3\ns3: .\ns4: +\ns5: 0x\ns6: 0o8\ns7: 12abc\ns8: 0xG1\ns9: 1.2e3.4\n",
      "test.yaml");
  EXPECT_DOUBLE_EQ(doc["a"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(doc["b"].get<double>(), 5.0);
  EXPECT_EQ(doc["c"], 3);
  EXPECT_DOUBLE_EQ(doc["d"].get<double>(), -0.005);
  EXPECT_DOUBLE_EQ(doc["e"].get<double>(), 100.0);
  for (const char* key : {"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"})
    EXPECT_TRUE(doc[key].is_string()) << key << " = " << doc[key];
}

TEST(YamlToJson, QuotedAndTaggedScalarsStayStrings) {
  const nlohmann::json doc =
      yaml_to_json("a: \"true\"\nb: '8080'\nc: !!str 12\nd: \"\"\ne: 'null'\n", "test.yaml");
  EXPECT_EQ(doc["a"], "true");
  EXPECT_EQ(doc["b"], "8080");
  EXPECT_EQ(doc["c"], "12");
  EXPECT_EQ(doc["d"], "");
  EXPECT_EQ(doc["e"], "null");
}

TEST(YamlToJson, NestedMappingsAndSequences) {
  const nlohmann::json doc =
      yaml_to_json("outer:\n  list: [1, two, {x: 3}]\n  inner:\n    - a\n    - b\n", "t.yaml");
  EXPECT_EQ(doc,
            nlohmann::json::parse(R"({"outer":{"list":[1,"two",{"x":3}],"inner":["a","b"]}})"));
}

TEST(YamlToJson, SyntaxErrorNamesFileLineAndColumn) {
  try {
    yaml_to_json("service: x\nhttp:\n  port: [8080\nlog: {}\n", "conf/host.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("conf/host.yaml:"));
    EXPECT_THAT(error.what(), HasSubstr("YAML syntax error"));
    // The unterminated flow sequence is detected on line 4.
    EXPECT_THAT(error.what(), ::testing::ContainsRegex("host\\.yaml:[34]:[0-9]+"));
  }
}

TEST(YamlToJson, BadIndentationIsASyntaxErrorWithLine) {
  try {
    yaml_to_json("a:\n  b: 1\n c: 2\n", "x.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("x.yaml:3:"));
  }
}

TEST(YamlToJson, DuplicateKeyIsRefusedWithItsLine) {
  try {
    yaml_to_json("a: 1\nb: 2\na: 3\n", "dup.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("dup.yaml:3:1"));
    EXPECT_THAT(error.what(), HasSubstr("duplicate key 'a'"));
  }
}

TEST(YamlToJson, SecondDocumentIsRefused) {
  EXPECT_THROW(yaml_to_json("a: 1\n---\nb: 2\n", "two.yaml"), ConfigError);
}

TEST(YamlToJson, AStrayCommaAfterAFlowCollectionIsASyntaxErrorNotAnEndlessLoad) {
  // yaml-cpp 0.7's LoadAll allocated without end on these (the fuzz corpus keeps
  // the input that found it: tests/fuzz/corpus/config_yaml/stray_comma_timeout).
  for (const char* text : {"[]\n,\n", "&l [*l]\n,\n", "{a: 1}\n, b\n"}) {
    try {
      yaml_to_json(text, "c.yaml");
      FAIL() << "accepted " << text;
    } catch (const ConfigError& error) {
      EXPECT_THAT(error.what(), HasSubstr("c.yaml:2:1: YAML syntax error: unexpected ','"));
    }
  }
}

TEST(YamlToJson, EmptyTextIsNull) {
  EXPECT_TRUE(yaml_to_json("", "e.yaml").is_null());
}

TEST(YamlToJson, Utf8AndHugeIntegersSurvive) {
  const nlohmann::json doc = yaml_to_json(
      "name: \"grüße ✓\"\nbig: 18446744073709551615\nhuger: 1234567890123456789012\n", "u.yaml");
  EXPECT_EQ(doc["name"], "grüße ✓");
  EXPECT_EQ(doc["big"].get<std::uint64_t>(), 18446744073709551615ULL);
  EXPECT_TRUE(doc["huger"].is_number_float());
}

}  // namespace
}  // namespace agent_host::config

namespace agent_host::config {
namespace {

std::string refusal(const std::string& yaml) {
  try {
    yaml_to_json(yaml, "f.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(YamlToJsonLimits, AnAliasInsideItsOwnAnchorIsRefused) {
  EXPECT_NE(refusal("x: &l [*l]\n").find("f.yaml:1:"), std::string::npos);
  EXPECT_NE(refusal("x: &l [*l]\n").find("nested deeper than 128"), std::string::npos);
  EXPECT_NE(refusal("x: &m {k: *m}\n").find("nested deeper"), std::string::npos);
}

TEST(YamlToJsonLimits, AnAliasBombIsRefusedAfterBoundedWork) {
  // 442 bytes that would expand to 10^9 values.
  std::string bomb =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char level = 'b'; level <= 'i'; ++level) {
    bomb += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? ",*" : "*") + char(level - 1);
    bomb += "]\n";
  }
  EXPECT_NE(refusal(bomb).find("aliases"), std::string::npos) << refusal(bomb);
}

TEST(YamlToJsonLimits, OrdinaryAliasesAndDeepButSaneNestingStillWork) {
  const auto doc = yaml_to_json("d: &d {retries: 3, backoff: 1s}\na: *d\nb: *d\n", "f.yaml");
  EXPECT_EQ(doc["b"]["retries"], 3);
  std::string nested = "v";
  for (int i = 0; i < 100; ++i) nested = "[" + nested + "]";
  EXPECT_TRUE(yaml_to_json("x: " + nested + "\n", "f.yaml")["x"].is_array());
  nested = "v";
  for (int i = 0; i < 200; ++i) nested = "[" + nested + "]";
  EXPECT_NE(refusal("x: " + nested + "\n").find("nested deeper"), std::string::npos);
}

TEST(YamlToJsonLimits, TextThatIsNotUtf8IsRefusedWithItsPlace) {
  EXPECT_NE(refusal("a: ok\nb: caf\xe9\n").find("f.yaml:2:4: byte 4"), std::string::npos)
      << refusal("a: ok\nb: caf\xe9\n");
  EXPECT_NE(refusal("k\xff: v\n").find("not valid UTF-8"), std::string::npos);
}

}  // namespace
}  // namespace agent_host::config
