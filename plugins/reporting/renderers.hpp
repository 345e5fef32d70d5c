// Renders a report model into each stored format: Markdown and HTML through
// the Mustache templates, JSON and CSV straight from the model.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "templates.hpp"

namespace reporting {

// Format name → document. Throws std::runtime_error when a template fails.
std::map<std::string, std::string> render_formats(const TemplateSet& templates,
                                                  const nlohmann::json& model,
                                                  const std::vector<std::string>& formats);

// The tables as one CSV document in long form, header
// "section,item,measure,value": every row stands alone, so any CSV reader
// (or a spreadsheet pivot) can take it apart.
std::string render_csv(const nlohmann::json& model);

// Mustache rendering of `view` with HTML escaping (`markdown` = false) or
// Markdown table-safe escaping (`markdown` = true).
std::string render_template(const std::string& text, const nlohmann::json& view, bool markdown);

}  // namespace reporting
