#include "parsers/events/event_xml_parser.h"

#include <expat.h>

#include <algorithm>
#include <random>
#include <string>

#include "parsers/core/tally.h"
#include "parsers/events/text_stream.h"
#include "parsers/events/xml_event_builder.h"

namespace pm {
namespace {

using events::TextStream;
using events::XmlEventBuilder;

constexpr int kMaxDepth = 64;
constexpr size_t kMaxEvent = size_t{16} << 20;
constexpr size_t kMaxSkip = size_t{64} << 20;  // text searched for the next <Event> after an error
constexpr std::string_view kNamespace = "http://schemas.microsoft.com/win/2004/08/events/event";

std::string_view local_name(std::string_view qname) {
  size_t colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

class XmlRun {
 public:
  XmlRun(const SourceRef& source, RowSink& sink, TextStream& ts) : source_(source), sink_(sink), ts_(ts), tally_(sink) {}
  ~XmlRun() {
    if (p_) XML_ParserFree(p_);
  }
  XmlRun(const XmlRun&) = delete;
  XmlRun& operator=(const XmlRun&) = delete;

  Result<ParseCounts> run() {
    fill();
    base_file_ = ts_.encoding().bom_size;
    // The XML declaration (possibly after stray whitespace) cannot follow the synthetic root: skip it.
    size_t from = std::min(buf_.find_first_not_of(" \t\r\n"), buf_.size());
    while (buf_.compare(from, 5, "<?xml") == 0 && buf_.find("?>", from) == std::string::npos && fill()) {
    }
    if (buf_.compare(from, 5, "<?xml") == 0 && buf_.find("?>", from) != std::string::npos) from = buf_.find("?>", from) + 2;
    else from = 0;
    start_parser(from, false);
    for (;;) {
      if (cancelled_) return Status::error(ErrorKind::interrupted, "interrupted");
      bool final = fed_ == end() && !fill();
      XML_Status status;
      if (final) {
        status = XML_Parse(p_, "</pm-root>", 10, XML_TRUE);
      } else {
        std::string_view piece(buf_.data() + (fed_ - base_), end() - fed_);
        fed_ = end();
        status = XML_Parse(p_, piece.data(), static_cast<int>(piece.size()), XML_FALSE);
      }
      if (status != XML_STATUS_OK) {
        if (cancelled_) return Status::error(ErrorKind::interrupted, "interrupted");
        if (!handle_error()) break;
        continue;
      }
      if (final) break;
      trim_to(unit_ != Unit::none ? unit_start_ : boundary_);
    }
    if (cancelled_) return Status::error(ErrorKind::interrupted, "interrupted");
    if (!ts_.status()) return ts_.status();
    ParseCounts counts = tally_.counts();
    counts.unit = "event";
    return counts;
  }

 private:
  enum class Unit { none, event, foreign };

  // ------------------------------------------------------------ text window
  bool fill() {
    if (eof_) return false;
    size_t before = buf_.size();
    while (buf_.size() == before) {
      if (!ts_.next(buf_)) {
        eof_ = true;
        return buf_.size() > before;
      }
    }
    return true;
  }
  size_t end() const { return base_ + buf_.size(); }
  std::string_view text(size_t a, size_t b) const {
    a = std::clamp(a, base_, end());
    b = std::clamp(b, a, end());
    return std::string_view(buf_).substr(a - base_, b - a);
  }
  int64_t line_of(size_t abs) const {
    auto t = text(base_, abs);
    return base_line_ + std::count(t.begin(), t.end(), '\n');
  }
  int64_t col_of(size_t abs) const {
    auto t = text(base_, abs);
    size_t nl = t.rfind('\n');
    return nl == std::string_view::npos ? base_col_ + static_cast<int64_t>(t.size()) : static_cast<int64_t>(t.size() - nl - 1);
  }
  int64_t file_offset(size_t abs) const {
    return static_cast<int64_t>(base_file_ + ts_.source_bytes(text(base_, abs)));
  }
  void trim_to(size_t abs) {
    if (abs <= base_) return;
    abs = std::min(abs, end());
    base_line_ = line_of(abs);
    base_col_ = col_of(abs);
    base_file_ = static_cast<uint64_t>(file_offset(abs));
    buf_.erase(0, abs - base_);
    base_ = abs;
  }

  // ----------------------------------------------------------------- parser
  void start_parser(size_t from, bool events_open) {
    if (p_) XML_ParserFree(p_);
    p_ = XML_ParserCreate("UTF-8");
    XML_SetUserData(p_, this);
    XML_SetElementHandler(p_, on_start, on_end);
    XML_SetCharacterDataHandler(p_, on_text);
    XML_SetEntityDeclHandler(p_, on_entity_decl);
    XML_SetStartDoctypeDeclHandler(p_, on_doctype);
    XML_SetParamEntityParsing(p_, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetHashSalt(p_, static_cast<unsigned long>(std::random_device{}()));
    std::string prefix = events_open ? "<pm-root><Events>" : "<pm-root>";
    prefix_ = prefix.size();
    pbase_ = fed_ = boundary_ = from;
    pline_ = line_of(from);
    pcol0_ = col_of(from);
    depth_ = events_depth_ = 0;
    unit_ = Unit::none;
    XML_Parse(p_, prefix.data(), static_cast<int>(prefix.size()), XML_FALSE);
  }
  size_t abs_of(XML_Index index) const {
    auto i = static_cast<size_t>(std::max<XML_Index>(index, 0));
    return i < prefix_ ? pbase_ : pbase_ + (i - prefix_);
  }
  int64_t file_line() const { return pline_ + static_cast<int64_t>(XML_GetCurrentLineNumber(p_)) - 1; }
  int64_t file_col() const {
    auto col = static_cast<int64_t>(XML_GetCurrentColumnNumber(p_));
    if (XML_GetCurrentLineNumber(p_) == 1) col = pcol0_ + col - static_cast<int64_t>(prefix_);
    return std::max<int64_t>(col, 0) + 1;
  }
  void stop(std::string reason) {
    if (stop_reason_.empty()) stop_reason_ = std::move(reason);
    XML_StopParser(p_, XML_FALSE);
  }

  // The next "<Event" start tag at or after `from`, reading more text as needed; npos when none.
  size_t next_event_start(size_t from) {
    size_t at = from < base_ ? 0 : from - base_;
    for (;;) {
      size_t hit = buf_.find("<Event", at);
      for (; hit != std::string::npos && hit + 6 < buf_.size(); hit = buf_.find("<Event", hit + 1)) {
        char c = buf_[hit + 6];
        if (c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\r' || c == '\n') return base_ + hit;
      }
      // Not found, or found at the very end where the next character decides.
      size_t resume = hit != std::string::npos ? hit : std::max(at, buf_.size() >= 5 ? buf_.size() - 5 : size_t{0});
      if (end() - from > kMaxSkip || !fill()) return std::string::npos;
      at = resume;
    }
  }

  // Rejects what an expat error spoiled and restarts at the next <Event>. False when nothing follows.
  bool handle_error() {
    std::string msg = !stop_reason_.empty() ? stop_reason_ : XML_ErrorString(XML_GetErrorCode(p_));
    std::string where = " at line " + std::to_string(file_line()) + ", column " + std::to_string(file_col());
    size_t err = std::min(abs_of(XML_GetCurrentByteIndex(p_)), end());
    size_t region = unit_ != Unit::none ? unit_start_ : boundary_;
    while (region < err && region < end() && std::string_view(" \t\r\n").find(buf_[region - base_]) != std::string_view::npos)
      ++region;  // a rejected unit starts at its first visible character
    size_t resync = next_event_start(std::max(err, region + 1));
    size_t region_end = resync == std::string::npos ? end() : resync;
    std::string_view raw = text(region, region_end);
    // Is an <Events> root open where reading resumes (opened before the error or in the skipped text)?
    int open = events_depth_ > 0 ? 1 : 0;
    for (size_t at = raw.find("<Events"); at != std::string_view::npos; at = raw.find("<Events", at + 1))
      if (at + 7 < raw.size() && (raw[at + 7] == '>' || raw[at + 7] == ' ')) open = 1;
    if (raw.find("</Events>") != std::string_view::npos) open = 0;
    bool events_open = open > 0;
    std::string_view lead = raw.substr(std::min(raw.find_first_not_of(" \t\r\n"), raw.size()));
    if (lead.rfind("<!DOCTYPE", 0) == 0)
      msg = "DOCTYPE declarations are refused (entities could expand without bound); expat: " + msg;
    std::string after = resync == std::string::npos
                            ? "; no <Event> follows, so the rest of the file is part of this unit"
                            : "; reading resumes at the next <Event> (line " + std::to_string(line_of(resync)) + ")";
    if (unit_ == Unit::event) {
      tally_.reject(unit_line_, file_offset(unit_start_),
                    "event " + std::to_string(event_no_) + " (line " + std::to_string(unit_line_) +
                        "): not well-formed XML: " + msg + where + after,
                    raw);
    } else if (unit_ == Unit::foreign) {
      tally_.reject(unit_line_, file_offset(unit_start_),
                    "element <" + foreign_ + "> (line " + std::to_string(unit_line_) + "): not well-formed XML: " + msg + where + after, raw);
    } else if (!blank(raw)) {
      if (!tally_.read(source_)) cancelled_ = true;
      tally_.reject(line_of(region), file_offset(region), "not well-formed XML between events: " + msg + where + after, raw);
    }
    XML_ParserFree(p_);
    p_ = nullptr;
    stop_reason_.clear();
    unit_ = Unit::none;
    if (resync == std::string::npos || cancelled_) return false;
    trim_to(resync);
    start_parser(resync, events_open);
    return true;
  }

  // --------------------------------------------------------------- handlers
  static void XMLCALL on_start(void* self, const XML_Char* name, const XML_Char** attrs) {
    static_cast<XmlRun*>(self)->start(local_name(name), attrs);
  }
  static void XMLCALL on_end(void* self, const XML_Char*) { static_cast<XmlRun*>(self)->finish_element(); }
  static void XMLCALL on_text(void* self, const XML_Char* s, int len) {
    auto* r = static_cast<XmlRun*>(self);
    if (r->unit_ != Unit::event) return;
    if (r->abs_of(XML_GetCurrentByteIndex(r->p_)) - r->unit_start_ > kMaxEvent) return r->stop("event larger than 16 MiB");
    r->builder_.text(std::string_view(s, static_cast<size_t>(len)));
  }
  static void XMLCALL on_entity_decl(void* self, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                                     const XML_Char*, const XML_Char*, const XML_Char*) {
    static_cast<XmlRun*>(self)->stop("entity declarations are refused (entity expansion is not allowed)");
  }
  static void XMLCALL on_doctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<XmlRun*>(self)->stop("DOCTYPE declarations are refused (entities could expand without bound)");
  }

  void start(std::string_view local, const XML_Char** attrs) {
    if (++depth_ > kMaxDepth) return stop("elements nested deeper than " + std::to_string(kMaxDepth));
    if (unit_ == Unit::none) {
      if (depth_ == 1) return;  // the synthetic root
      if (depth_ == 2 && local == "Events") {
        events_depth_ = 2;
        return;
      }
      unit_start_ = abs_of(XML_GetCurrentByteIndex(p_));
      unit_line_ = file_line();
      unit_depth_ = depth_;
      if (!tally_.read(source_)) {
        cancelled_ = true;
        XML_StopParser(p_, XML_FALSE);
        return;
      }
      if (local == "Event") {
        unit_ = Unit::event;
        ++event_no_;
        builder_.begin(attrs);
      } else {
        unit_ = Unit::foreign;
        foreign_ = std::string(local);
      }
      return;
    }
    if (unit_ == Unit::event) {
      if (abs_of(XML_GetCurrentByteIndex(p_)) - unit_start_ > kMaxEvent) return stop("event larger than 16 MiB");
      builder_.start(local, attrs, depth_ - unit_depth_);
    }
  }

  void finish_element() {
    if (unit_ != Unit::none && depth_ == unit_depth_) {
      size_t end_abs = abs_of(XML_GetCurrentByteIndex(p_) + XML_GetCurrentByteCount(p_));
      int64_t offset = file_offset(unit_start_);
      std::string where = " (line " + std::to_string(unit_line_) + ")";
      if (unit_ == Unit::event) {
        std::string reason;
        int64_t location = builder_.record_id().value_or(unit_line_);
        if (builder_.finish(row_, ev_, reason)) {
          ev_.location = location;
          ev_.offset = offset;
          sink_.win_event(ev_, row_);
          tally_.stored();
        } else {
          tally_.reject(unit_line_, offset, "event " + std::to_string(event_no_) + where + ": " + reason,
                        text(unit_start_, end_abs));
        }
      } else {
        tally_.reject(unit_line_, offset, "element <" + foreign_ + ">" + where + " is not an <Event>",
                      text(unit_start_, end_abs));
      }
      unit_ = Unit::none;
      boundary_ = end_abs;
    } else if (unit_ == Unit::event) {
      builder_.end(depth_ - unit_depth_);
    } else if (depth_ == events_depth_) {
      events_depth_ = 0;
      boundary_ = abs_of(XML_GetCurrentByteIndex(p_) + XML_GetCurrentByteCount(p_));
    }
    --depth_;
  }

  const SourceRef& source_;
  RowSink& sink_;
  TextStream& ts_;
  Tally tally_;
  // Decoded text from absolute position base_ on.
  std::string buf_;
  size_t base_ = 0;
  int64_t base_line_ = 1, base_col_ = 0;
  uint64_t base_file_ = 0;
  bool eof_ = false;
  // The current expat parser; its input is a prefix, then the text from pbase_.
  XML_Parser p_ = nullptr;
  size_t pbase_ = 0, prefix_ = 0, fed_ = 0;
  int64_t pline_ = 1, pcol0_ = 0;
  std::string stop_reason_;
  bool cancelled_ = false;
  // The unit in progress.
  Unit unit_ = Unit::none;
  size_t unit_start_ = 0, boundary_ = 0;
  int64_t unit_line_ = 0, event_no_ = 0;
  int unit_depth_ = 0, depth_ = 0, events_depth_ = 0;
  std::string foreign_;
  XmlEventBuilder builder_;
  WinEventRow row_;
  EventRow ev_;
};

}  // namespace

SniffResult EventXmlParser::sniff(const Head& head) const {
  std::string_view t = head.text;
  size_t ns = t.find(kNamespace);
  if (ns == std::string_view::npos) return {0, "no Windows event XML namespace"};
  size_t ev = t.rfind("<Event", ns);
  if (ev != std::string_view::npos && ns - ev < 64 && t.compare(ev, 7, "<Events") != 0)
    return {95, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"};
  return {60, "Windows event XML namespace without an <Event xmlns=...> start tag in the first bytes"};
}

Result<ParseCounts> EventXmlParser::parse(const SourceRef& source, RowSink& sink) const {
  auto ts = events::TextStream::open(source.file);
  if (!ts) return ts.status();
  XmlRun run(source, sink, ts.value());
  return run.run();
}

}  // namespace pm
