// See rules/yaml_documents.h. yaml-cpp's fix (upstream PR 1319, after 0.8.0)
// is not in Debian 12's 0.7; the first pass below uses the same public parser
// API (YAML::Parser + YAML::EventHandler), it parses nothing itself.
#include "rules/yaml_documents.h"

#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

namespace pm::rules {
namespace {

// Remembers where the current document starts; ignores every other event.
class DocumentStarts final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  YAML::Mark start = YAML::Mark::null_mark();
};

void require_progress(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  bool first = true;
  int previous = -1;
  while (parser.HandleNextDocument(starts)) {
    if (!first && starts.start.pos == previous) {
      std::string what = "the parser cannot get past this point";
      if (starts.start.pos >= 0 && static_cast<std::size_t>(starts.start.pos) < text.size())
        what = "unexpected '" + std::string(1, text[static_cast<std::size_t>(starts.start.pos)]) +
               "' (a ',' belongs inside [ ] or { }; quote the value if it is text)";
      throw YAML::ParserException(starts.start, what);
    }
    first = false;
    previous = starts.start.pos;
  }
}

}  // namespace

std::vector<YAML::Node> load_yaml_documents(const std::string& text) {
  require_progress(text);
  return YAML::LoadAll(text);
}

}  // namespace pm::rules
