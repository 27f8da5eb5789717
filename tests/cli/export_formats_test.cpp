// `export` against what its consumers require, on real scenario bundles
// ingested by the binary: Timesketch's import (jsonl and csv: message,
// datetime, timestamp_desc on every row) and Elastic Common Schema documents
// (--format ecs: the ECS base fields with their types, nested objects, one
// type per field across all documents, as an Elasticsearch mapping needs),
// plus the golden ECS output of testdata/bundles/wrong-credentials
// (testdata/export/wrong-credentials.ecs.jsonl; PM_UPDATE_GOLDEN=1 rewrites).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "parsers/core/time_util.h"
#include "support/row_dump.h"
#include "support/run_cli.h"

using namespace pm::test;

namespace {

// ------------------------------------------------------------ a JSON reader

// Just enough JSON (RFC 8259) to check documents strictly: any syntax error,
// trailing text or duplicate key throws.
struct Json {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  std::string text;  // string value, number as written, "true"/"false"
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;

  const Json* get(std::string_view key) const {
    for (const auto& [k, v] : members)
      if (k == key) return &v;
    return nullptr;
  }
  const Json* at(std::initializer_list<std::string_view> path) const {
    const Json* j = this;
    for (auto key : path) {
      if (j == nullptr || j->kind != Kind::object) return nullptr;
      j = j->get(key);
    }
    return j;
  }
  bool is_integer() const { return kind == Kind::number && text.find_first_of(".eE") == std::string::npos; }
};

class JsonReader {
 public:
  static Json parse(std::string_view s) {
    JsonReader r(s);
    Json j = r.value();
    r.space();
    if (r.i_ != s.size()) r.fail("text after the value");
    return j;
  }

 private:
  explicit JsonReader(std::string_view s) : s_(s) {}
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("JSON: " + why + " at offset " + std::to_string(i_));
  }
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  char peek() {
    space();
    if (i_ >= s_.size()) fail("unexpected end");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  Json value() {
    char c = peek();
    if (c == '{') return object();
    if (c == '[') return array();
    Json j;
    if (c == '"') {
      j.kind = Json::Kind::string;
      j.text = string();
      return j;
    }
    for (const char* word : {"true", "false", "null"}) {
      if (s_.substr(i_, std::strlen(word)) == word) {
        i_ += std::strlen(word);
        j.kind = word[0] == 'n' ? Json::Kind::null : Json::Kind::boolean;
        j.text = word;
        return j;
      }
    }
    return number();
  }
  Json number() {
    size_t start = i_;
    auto digits = [&] {
      size_t d = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == d) fail("expected a digit");
    };
    if (s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') ++i_;
    else digits();
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      digits();
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      digits();
    }
    Json j;
    j.kind = Json::Kind::number;
    j.text = std::string(s_.substr(start, i_ - start));
    return j;
  }
  static void put_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  uint32_t hex4() {
    if (i_ + 4 > s_.size()) fail("short \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) fail("bad \\u escape");
      v = v * 16 + static_cast<uint32_t>(d);
    }
    return v;
  }
  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      if (i_ >= s_.size()) fail("unterminated string");
      char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) fail("unterminated escape");
      char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.substr(i_, 2) != "\\u") fail("lone surrogate");
            i_ += 2;
            uint32_t lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail("bad surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          put_utf8(out, cp);
          break;
        }
        default: fail("bad escape");
      }
    }
  }
  Json array() {
    expect('[');
    Json j;
    j.kind = Json::Kind::array;
    if (peek() == ']') {
      ++i_;
      return j;
    }
    for (;;) {
      j.items.push_back(value());
      if (peek() == ']') {
        ++i_;
        return j;
      }
      expect(',');
    }
  }
  Json object() {
    expect('{');
    Json j;
    j.kind = Json::Kind::object;
    if (peek() == '}') {
      ++i_;
      return j;
    }
    for (;;) {
      if (peek() != '"') fail("expected a key");
      std::string key = string();
      if (j.get(key) != nullptr) fail("duplicate key " + key);
      expect(':');
      j.members.emplace_back(std::move(key), value());
      if (peek() == '}') {
        ++i_;
        return j;
      }
      expect(',');
    }
  }
  std::string_view s_;
  size_t i_ = 0;
};

const char* kind_name(Json::Kind k) {
  switch (k) {
    case Json::Kind::null: return "null";
    case Json::Kind::boolean: return "boolean";
    case Json::Kind::number: return "number";
    case Json::Kind::string: return "string";
    case Json::Kind::array: return "array";
    case Json::Kind::object: return "object";
  }
  return "?";
}

// Every leaf of a document as dotted path -> kind; object keys must not
// contain dots (ECS documents are nested objects, not dotted keys).
void leaves(const Json& j, const std::string& prefix, std::map<std::string, Json::Kind>& out) {
  if (j.kind != Json::Kind::object) {
    out[prefix] = j.kind == Json::Kind::number && !j.is_integer() ? Json::Kind::null : j.kind;
    if (j.kind == Json::Kind::array)
      for (const auto& item : j.items) CHECK(item.kind == Json::Kind::string);
    return;
  }
  for (const auto& [k, v] : j.members) {
    INFO("key " << prefix << "/" << k);
    CHECK(k.find('.') == std::string::npos);
    leaves(v, prefix.empty() ? k : prefix + "." + k, out);
  }
}

// ------------------------------------------------------------- the fixtures

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// RFC 4180 records (CRLF between records; quoted fields may hold CR, LF, commas, "").
std::vector<std::vector<std::string>> csv_records(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  size_t i = 0;
  bool quoted = false;
  while (i < text.size()) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        i += 2;
      } else if (c == '"') {
        quoted = false;
        ++i;
      } else {
        field += c;
        ++i;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      ++i;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      i += 2;
    } else {
      REQUIRE(c != '"');  // a quote inside an unquoted field is not RFC 4180
      REQUIRE(c != '\n');
      field += c;
      ++i;
    }
  }
  REQUIRE_FALSE(quoted);
  REQUIRE(field.empty());
  REQUIRE(row.empty());  // the last record ends with CRLF
  return rows;
}

std::string bundle_case(const TempDir& tmp, const std::string& bundle) {
  std::string c = tmp.str(bundle + ".db");
  auto r = run_pm("ingest -q --case " + quote(c) + " " + quote(testdata("bundles/" + bundle).string()));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return c;
}

bool iso_utc(const std::string& s) {
  return s.size() >= 20 && s.back() == 'Z' && s[10] == 'T' && pm::parse_iso8601_us(s).has_value();
}

}  // namespace

TEST_CASE("export jsonl and csv carry what Timesketch requires on every row of a real bundle", "[cli][export]") {
  TempDir tmp;
  std::string c = bundle_case(tmp, "fw-drops-logged");
  auto jsonl = run_pm("export --case " + quote(c) + " --format jsonl");
  INFO(jsonl.err);
  REQUIRE(jsonl.exit_code == 0);
  auto lines = lines_of(jsonl.out);
  REQUIRE(lines.size() > 100);
  std::set<std::string> descs;
  int64_t previous = INT64_MIN;
  for (const auto& line : lines) {
    INFO(line);
    Json doc = JsonReader::parse(line);
    REQUIRE(doc.kind == Json::Kind::object);
    // Timesketch's mandatory fields: message (string), datetime (ISO 8601), timestamp_desc (non-empty).
    REQUIRE(doc.members.size() >= 3);
    CHECK(doc.members[0].first == "message");
    CHECK(doc.members[1].first == "datetime");
    CHECK(doc.members[2].first == "timestamp_desc");
    CHECK(doc.get("message")->kind == Json::Kind::string);
    const Json* dt = doc.get("datetime");
    REQUIRE(dt->kind == Json::Kind::string);
    CHECK(iso_utc(dt->text));
    int64_t t = pm::parse_iso8601_us(dt->text).value_or(0);
    CHECK(t >= previous);  // time order
    previous = t;
    const Json* desc = doc.get("timestamp_desc");
    REQUIRE(desc->kind == Json::Kind::string);
    CHECK_FALSE(desc->text.empty());
    descs.insert(desc->text);
    CHECK(doc.get("fields")->kind == Json::Kind::object);
  }
  CHECK(descs == std::set<std::string>{"Firewall Log Time", "DPM Trace Time", "Event Time Created"});

  auto csv = run_pm("export --case " + quote(c) + " --format csv");
  REQUIRE(csv.exit_code == 0);
  auto rows = csv_records(csv.out);
  REQUIRE(rows.size() == lines.size() + 1);
  REQUIRE(rows[0] == std::vector<std::string>{"message", "datetime", "timestamp_desc", "host", "source_file",
                                              "source_format", "location", "event_code", "fields"});
  for (size_t i = 1; i < rows.size(); ++i) {
    INFO("csv record " << i);
    REQUIRE(rows[i].size() == 9);
    Json same = JsonReader::parse(lines[i - 1]);
    CHECK(rows[i][0] == same.get("message")->text);
    CHECK(rows[i][1] == same.get("datetime")->text);
    CHECK(iso_utc(rows[i][1]));
    CHECK_FALSE(rows[i][2].empty());
    CHECK(JsonReader::parse(rows[i][8]).kind == Json::Kind::object);
  }
}

TEST_CASE("export ecs: ECS base fields, nested objects, one type per field on a real bundle", "[cli][export]") {
  TempDir tmp;
  std::string c = bundle_case(tmp, "fw-drops-logged");
  auto r = run_pm("export --case " + quote(c) + " --format ecs");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("untimed events not exported (an ECS document needs @timestamp)") != std::string::npos);
  auto ts = run_pm("export --case " + quote(c) + " --format jsonl");
  auto lines = lines_of(r.out);
  REQUIRE(lines.size() == lines_of(ts.out).size());

  std::map<std::string, Json::Kind> types;  // dotted path -> kind, across all documents
  std::map<std::string, int> datasets;
  for (const auto& line : lines) {
    INFO(line);
    Json doc = JsonReader::parse(line);
    REQUIRE(doc.kind == Json::Kind::object);
    REQUIRE(doc.members.front().first == "@timestamp");
    const Json* at = doc.get("@timestamp");
    REQUIRE(at->kind == Json::Kind::string);
    CHECK(iso_utc(at->text));
    CHECK(doc.get("message")->kind == Json::Kind::string);
    REQUIRE(doc.at({"ecs", "version"}) != nullptr);
    CHECK(doc.at({"ecs", "version"})->text == "8.11.0");
    CHECK(doc.at({"event", "kind"})->text == "event");
    CHECK(doc.at({"event", "module"})->text == "pushmortem");
    const std::string dataset = doc.at({"event", "dataset"})->text;
    CHECK(dataset.rfind("pushmortem.", 0) == 0);
    ++datasets[dataset];
    CHECK(doc.at({"log", "file", "path"})->kind == Json::Kind::string);
    CHECK(doc.at({"host", "name"})->kind == Json::Kind::string);  // every file of this bundle has its host

    if (dataset == "pushmortem.pfirewall") {
      for (const char* side : {"source", "destination"}) {
        INFO(side);
        REQUIRE(doc.at({side, "ip"}) != nullptr);
        CHECK(doc.at({side, "ip"})->kind == Json::Kind::string);
        REQUIRE(doc.at({side, "port"}) != nullptr);
        CHECK(doc.at({side, "port"})->is_integer());
      }
      const std::string transport = doc.at({"network", "transport"})->text;
      CHECK((transport == "tcp" || transport == "udp" || transport == "icmp"));
      const std::string action = doc.at({"event", "action"})->text;
      CHECK((action == "allow" || action == "drop"));
      CHECK(doc.at({"event", "type"})->items.back().text == (action == "allow" ? "allowed" : "denied"));
      const std::string direction = doc.at({"network", "direction"})->text;
      CHECK((direction == "ingress" || direction == "egress"));
      CHECK(doc.at({"pushmortem", "pfirewall", "src_ip"}) == nullptr);  // mapped, not repeated
    } else if (dataset == "pushmortem.evtx" || dataset == "pushmortem.evt_xml") {
      const Json* winlog = doc.get("winlog");
      REQUIRE(winlog != nullptr);
      CHECK(winlog->get("event_id")->kind == Json::Kind::string);
      CHECK(winlog->get("event_id")->text == doc.at({"event", "code"})->text);
      CHECK(winlog->get("record_id")->kind == Json::Kind::string);
      CHECK(winlog->get("channel")->kind == Json::Kind::string);
      CHECK(winlog->get("provider_name")->kind == Json::Kind::string);
      CHECK(winlog->get("computer_name")->kind == Json::Kind::string);
      const Json* data = winlog->get("event_data");
      REQUIRE(data != nullptr);
      CHECK_FALSE(data->members.empty());
      for (const auto& [k, v] : data->members) CHECK(v.kind == Json::Kind::string);
    } else if (dataset == "pushmortem.dpm_errlog") {
      REQUIRE(doc.at({"process", "pid"}) != nullptr);
      CHECK(doc.at({"process", "pid"})->is_integer());
      CHECK(doc.at({"process", "thread", "id"})->is_integer());
      CHECK(doc.at({"log", "origin", "file", "line"})->is_integer());
    }
    std::map<std::string, Json::Kind> mine;
    leaves(doc, "", mine);
    for (const auto& [path, kind] : mine) {
      auto [it, inserted] = types.emplace(path, kind);
      INFO("field " << path << ": " << kind_name(it->second) << " before, " << kind_name(kind) << " here");
      CHECK(it->second == kind);  // Elasticsearch maps a field once
      CHECK(kind != Json::Kind::null);  // no nulls and no reals: absent fields are left out
    }
  }
  CHECK(datasets == std::map<std::string, int>{{"pushmortem.dpm_errlog", 30},
                                               {"pushmortem.evt_xml", 18},
                                               {"pushmortem.evtx", 8},
                                               {"pushmortem.pfirewall", 136}});
}

TEST_CASE("export ecs: golden output of the wrong-credentials bundle", "[cli][export]") {
  TempDir tmp;
  std::string c = bundle_case(tmp, "wrong-credentials");
  auto r = run_pm("export --case " + quote(c) + " --format ecs --quiet");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());  // --quiet: not even the untimed count
  CHECK(r.out == golden(testdata("export/wrong-credentials.ecs.jsonl").string(), r.out));
  // -o FILE writes the same bytes; --verbose counts per format.
  auto o = run_pm("export --case " + quote(c) + " --format ecs -v -o " + quote(tmp.str("out.jsonl")));
  REQUIRE(o.exit_code == 0);
  std::ifstream in(tmp.str("out.jsonl"), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(ss.str() == r.out);
  CHECK(o.err.find("exported 51 events in ") != std::string::npos);
  CHECK(o.err.find(": dpm-errlog 18, evtx 7, pfirewall 26\n") != std::string::npos);
}
