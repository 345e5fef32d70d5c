// The Markdown and HTML report templates (Mustache): the built-in set compiled
// into the plugin from configs/report-templates/, or a folder (the role's
// ConfigMap) holding report.md.mustache and report.html.mustache.
#pragma once

#include <filesystem>
#include <string>

namespace reporting {

struct TemplateSet {
  std::string markdown;
  std::string html;
};

inline constexpr const char* kMarkdownTemplateFile = "report.md.mustache";
inline constexpr const char* kHtmlTemplateFile = "report.html.mustache";

const TemplateSet& builtin_templates();

// Reads (and syntax-checks) the templates from `folder`; an empty path gives
// the built-in set. Throws std::runtime_error naming the file and the problem.
TemplateSet load_templates(const std::filesystem::path& folder);

}  // namespace reporting
