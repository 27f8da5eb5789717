#include "rules/explain/templates.h"

#include <fmt/args.h>
#include <fmt/format.h>

namespace pm::rules {

Result<std::string> TemplateArgs::render(const std::string& text, const std::string& where) const {
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const auto& [name, value] : text_) store.push_back(fmt::arg(name.c_str(), value));
  for (const auto& [name, value] : numbers_) store.push_back(fmt::arg(name.c_str(), value));
  try {
    std::string out = fmt::vformat(text, store);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
  } catch (const fmt::format_error& e) {
    return Status::error(ErrorKind::bad_input,
                         where + ": template error (" + e.what() +
                             "); check the {names} against the template arguments in docs/rules.md");
  }
}

}  // namespace pm::rules
