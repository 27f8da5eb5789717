// Named arguments for the templates of a rule's `pushmortem:` block, and
// rendering with fmt ({name}, {name:>10}, ...). A template that names an
// unknown argument or is malformed renders to an error naming the rule and
// where (never a crash). Not thread-shared.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "parsers/core/status.h"

namespace pm::rules {

class TemplateArgs {
 public:
  void set(const std::string& name, std::string value) {
    numbers_.erase(name);
    text_[name] = std::move(value);
  }
  void set(const std::string& name, int64_t value) {
    text_.erase(name);
    numbers_[name] = value;
  }
  bool has(const std::string& name) const { return text_.count(name) || numbers_.count(name); }
  // `where` names the template in messages, e.g. "dpm-347-then-319-firewall: narrative".
  Result<std::string> render(const std::string& text, const std::string& where) const;

 private:
  std::map<std::string, std::string> text_;
  std::map<std::string, int64_t> numbers_;
};

}  // namespace pm::rules
