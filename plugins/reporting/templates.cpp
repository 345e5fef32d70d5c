#include "templates.hpp"

#include <fstream>
#include <kainjow/mustache.hpp>
#include <sstream>
#include <stdexcept>

namespace reporting {
namespace {

std::string read_template(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw std::runtime_error("report template " + file.string() +
                             " cannot be read; put it there (defaults ship in "
                             "configs/report-templates/) or set templates_dir to \"\"");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void check_syntax(const std::string& text, const std::string& name) {
  kainjow::mustache::mustache parsed(text);
  if (!parsed.is_valid())
    throw std::runtime_error("report template " + name +
                             " is not valid Mustache: " + parsed.error_message());
}

}  // namespace

TemplateSet load_templates(const std::filesystem::path& folder) {
  if (folder.empty()) return builtin_templates();
  TemplateSet set{read_template(folder / kMarkdownTemplateFile),
                  read_template(folder / kHtmlTemplateFile)};
  check_syntax(set.markdown, (folder / kMarkdownTemplateFile).string());
  check_syntax(set.html, (folder / kHtmlTemplateFile).string());
  return set;
}

}  // namespace reporting
