// Parses a stored report back in each format and checks it against the data
// the test created: HTML through libxml2's HTML parser (tables by id), CSV with
// a strict RFC 4180 reader, JSON with nlohmann.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "seed_data.hpp"

namespace reporting::test {

struct HtmlReport {
  std::map<std::string, std::vector<std::vector<std::string>>> tables;  // id → rows of cell text
  std::map<std::string, std::string> values;                            // element id → text
  int svg_charts = 0;
  std::string title;
  std::string text;  // all text content
  bool parse_errors = false;
};

HtmlReport parse_html(const std::string& html);

// Fetches every format of `report_id` from `reporting_url` (.../reporting)
// and checks the figures against `expected` with gtest assertions.
void check_report_against(const std::string& reporting_url, const std::string& report_id,
                          const Expected& expected);

}  // namespace reporting::test
