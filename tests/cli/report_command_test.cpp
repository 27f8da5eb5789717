// `pushmortem report`: the HTML page is one self-contained file (no resource
// outside it, a strict CSP), holds every finding, and its data blob is valid
// JSON of the documented shape (cli/report_timeline.h; checked with python3).
// When Debian's chromium is on PATH the page is also rendered headless: no
// console message, no request leaving the page, the timelines drawn, a
// screenshot. Canary pages first prove that the console and network checks
// can see what they look for. A 50,000-row firewall log must come out as
// buckets, not 50,000 marks.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/report_html.h"
#include "support/paths.h"
#include "support/run_cli.h"

namespace {

namespace fs = std::filesystem;
using pm::test::quote;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Ingests `bundle` into dir/case.db and writes dir/report.html.
std::string make_report(const pm::test::TempDir& dir, const fs::path& bundle, const std::string& extra = "") {
  std::string c = quote(dir.str("case.db"));
  auto in = pm::test::run_pm("ingest -q --case " + c + " " + quote(bundle.string()));
  INFO(in.err);
  REQUIRE(in.exit_code == 0);
  auto r = pm::test::run_pm("report --case " + c + " -o " + quote(dir.str("report.html")) + extra);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "written to"));
  return read_file(dir.str("report.html"));
}

struct FindingRef {
  std::string title, host, rule;
};

// Title, host and rule of every finding `explain --format json` reports (one finding a line).
std::vector<FindingRef> explained_findings(const pm::test::TempDir& dir) {
  auto j = pm::test::run_pm("explain --format json --case " + quote(dir.str("case.db")));
  REQUIRE(j.exit_code == 0);
  std::vector<FindingRef> out;
  std::regex line(R"re(\{"rule":"([^"]+)","title":"((?:[^"\\]|\\.)*)","host":"([^"]*)")re");
  for (std::sregex_iterator it(j.out.begin(), j.out.end(), line), end; it != end; ++it)
    out.push_back({(*it)[2], (*it)[3], (*it)[1]});
  return out;
}

// The contents of every <NAME ...>...</NAME> element (script, style), in order.
std::vector<std::string> element_texts(const std::string& html, const std::string& name) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = html.find("<" + name, pos)) != std::string::npos) {
    size_t open_end = html.find('>', pos);
    size_t close = html.find("</" + name + ">", open_end);
    if (open_end == std::string::npos || close == std::string::npos) break;
    out.push_back(html.substr(open_end + 1, close - open_end - 1));
    pos = close;
  }
  return out;
}

// `html` without the contents of its <script> and <style> elements.
std::string markup_only(std::string html) {
  for (const std::string name : {"script", "style"}) {
    size_t pos = 0;
    while ((pos = html.find("<" + name, pos)) != std::string::npos) {
      size_t open_end = html.find('>', pos);
      size_t close = html.find("</" + name + ">", open_end);
      if (open_end == std::string::npos || close == std::string::npos) break;
      html.erase(open_end + 1, close - open_end - 1);
      pos = open_end + 1;
    }
  }
  return html;
}

// Every src/href/action/srcset/poster/... attribute value of every tag, and
// every url() and @import of the style sheets.
std::vector<std::string> resource_references(const std::string& html) {
  std::vector<std::string> out;
  std::string markup = markup_only(html);
  std::regex tag(R"re(<[a-zA-Z][^>]*>)re");
  std::regex attr(R"re(\s(?:src|href|action|formaction|srcset|poster|data|background|xlink:href)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))re",
                  std::regex::icase);
  for (std::sregex_iterator t(markup.begin(), markup.end(), tag), end; t != end; ++t) {
    std::string text = t->str();
    for (std::sregex_iterator it(text.begin(), text.end(), attr); it != end; ++it) {
      std::string v = (*it)[1];
      if (!v.empty() && (v[0] == '"' || v[0] == '\'')) v = v.substr(1, v.size() - 2);
      out.push_back(v);
    }
  }
  std::regex css(R"re((?:url\(|@import)\s*['"]?([^'")\s;]+))re", std::regex::icase);
  for (const auto& sheet : element_texts(html, "style"))
    for (std::sregex_iterator it(sheet.begin(), sheet.end(), css), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

bool is_local_reference(const std::string& v) { return v.rfind("#", 0) == 0 || v.rfind("data:", 0) == 0; }

std::string data_blob(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"pm-data\">";
  size_t a = html.find(open);
  REQUIRE(a != std::string::npos);
  a += open.size();
  size_t b = html.find("</script>", a);
  REQUIRE(b != std::string::npos);
  return html.substr(a, b - a);
}

bool have_command(const std::string& name) {
  return pm::test::run_command("command -v " + name + " >/dev/null").exit_code == 0;
}

// Checks the blob's structure with python3: prints "ok" or what is wrong.
// Extra python lines (`more`) see `d` (the data) and may assert more.
std::string check_blob_with_python(const pm::test::TempDir& dir, const std::string& blob, const std::string& more = "") {
  write_file(dir.str("blob.json"), blob);
  write_file(dir.str("check.py"), R"py(import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["generator"] == "pushmortem", "generator"
kinds = {"allow", "drop", "fw", "error", "warning", "info"}
for f in d["findings"]:
    assert isinstance(f["index"], int) and f["title"] and "host" in f and f["rule"], "finding fields"
    t = f["timeline"]
    assert t["basis"] in ("finding", "host-range", "none"), t["basis"]
    if t["from_us"] is None:
        assert t["lanes"] == [], "lanes without a window"
        continue
    assert t["from_us"] < t["to_us"], "window"
    assert t["lanes"], "no lanes"
    for lane in t["lanes"]:
        assert lane["role"] in ("target", "server", "other"), lane["role"]
        for m in lane["marks"]:
            assert len(m) == 5 and m[1] in kinds, m
            assert t["from_us"] <= m[0] <= t["to_us"], "mark outside the window"
        for e in lane["evidence"]:
            assert len(e) == 5 and e[1] in ("trigger", "supporting", "contradicting", "context"), e
        if lane["aggregated"]:
            assert sum(sum(b[1:]) for b in lane["buckets"]) == lane["total"], "bucket counts"
            assert all(len(b) == 7 for b in lane["buckets"])
        else:
            assert lane["buckets"] == [] and len(lane["marks"]) <= lane["total"], "marks"
    for a in t["attempts"]:
        assert len(a) == 6 and a[2] in ("failed", "succeeded"), a
        assert t["from_us"] <= a[0] <= t["to_us"], "attempt outside the window"
)py" + more + "\nprint(\"ok\", len(d[\"findings\"]))\n");
  auto r = pm::test::run_command("python3 " + quote(dir.str("check.py")) + " " + quote(dir.str("blob.json")));
  return r.out + r.err;
}

// The checks every report must pass, whatever the case.
void check_self_contained(const std::string& html) {
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(contains(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src "
                       "'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">"));
  for (const auto& ref : resource_references(html)) {
    INFO(ref);
    CHECK(is_local_reference(ref));
  }
  std::regex script_src(R"re(<script[^>]*\ssrc\s*=)re", std::regex::icase);
  CHECK_FALSE(std::regex_search(html, script_src));
  std::regex stylesheet(R"re(<link[^>]*rel\s*=\s*["']?stylesheet)re", std::regex::icase);
  CHECK_FALSE(std::regex_search(html, stylesheet));
  std::string blob = data_blob(html);
  CHECK(blob.find('<') == std::string::npos);
}

void check_findings_present(const std::string& html, const std::vector<FindingRef>& findings) {
  for (const auto& f : findings) {
    INFO(f.title);
    CHECK(contains(html, "<h2>" + pm::cli::html_escape(f.title) + "</h2>"));
    CHECK(contains(html, "<td class=\"pm-host\">" + pm::cli::html_escape(f.host) + "</td>"));
    CHECK(contains(html, "<code>" + f.rule + "</code>"));
  }
}

// ------------------------------------------------------------- Chromium

// Text as Chromium's DOM serializer writes it (only & < > and NBSP escaped).
std::string dom_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

std::string chromium_binary() {
  for (const char* name : {"chromium", "chromium-browser"})
    if (have_command(name)) return name;
  return "";
}

struct BrowserRun {
  int exit_code = -1;
  std::string dom, log, net_log;
};

// Loads `page` headless with every host name unresolvable; with `screenshot`
// writes it instead of dumping the DOM.
BrowserRun run_chromium(const std::string& browser, const pm::test::TempDir& dir, const fs::path& page,
                        const std::string& tag, const std::string& screenshot = "") {
  fs::path profile = dir.path / ("profile-" + tag), net = dir.path / ("net-" + tag + ".json");
  std::string cmd = quote(browser) +
                    " --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
                    " --disable-extensions --disable-background-networking --disable-component-update --disable-sync"
                    " --enable-logging=stderr --v=0 --host-resolver-rules='MAP * ~NOTFOUND'"
                    " --user-data-dir=" + quote(profile.string()) + " --log-net-log=" + quote(net.string()) +
                    " --window-size=1400,3000 --virtual-time-budget=3000 " +
                    (screenshot.empty() ? std::string("--dump-dom") : "--screenshot=" + quote(screenshot)) + " " +
                    quote("file://" + fs::absolute(page).string());
  auto r = pm::test::run_command("timeout 120 " + cmd);
  return {r.exit_code, r.out, r.err, read_file(net)};
}

// Console messages Chromium logged for the page ("INFO:CONSOLE..." lines).
std::vector<std::string> console_lines(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);)
    if (contains(line, ":CONSOLE") || contains(line, "Uncaught")) out.push_back(line);
  return out;
}

// URLs the page itself asked the network for: net-log request lines whose
// initiator is the file:// page (isolation key file://, or a null origin).
std::vector<std::string> page_requests(const std::string& net_log) {
  std::vector<std::string> out;
  std::istringstream in(net_log);
  std::regex url(R"re("url":"([^"]*)")re");
  for (std::string line; std::getline(in, line);) {
    bool from_page = contains(line, "\"network_isolation_key\":\"file://") || contains(line, "\"initiator\":\"null\"") ||
                     contains(line, "\"initiator\":\"file://");
    std::smatch m;
    if (!from_page || !std::regex_search(line, m, url)) continue;
    std::string u = m[1];
    if (u.rfind("file:", 0) != 0 && u.rfind("data:", 0) != 0) out.push_back(u);
  }
  return out;
}

// Width and height from a PNG's IHDR, {0,0} when not a PNG.
std::pair<uint32_t, uint32_t> png_size(const std::string& png) {
  if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || png.compare(12, 4, "IHDR") != 0) return {0, 0};
  auto be32 = [&](size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(png[at])) << 24) |
           (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(png[at + 3]));
  };
  return {be32(16), be32(20)};
}

// A copy of the kb2981833 bundle whose fs01 pfirewall.log also holds `rows`
// generated rows (ALLOW, every 25th a DROP) around the original ones.
fs::path large_bundle(const pm::test::TempDir& dir, int rows) {
  fs::path bundle = dir.path / "bundle";
  fs::copy(pm::test::testdata("bundles/kb2981833"), bundle, fs::copy_options::recursive);
  fs::path log = bundle / "fs01.contoso.com" / "pfirewall.log";
  std::string original = read_file(log);
  std::string text = original;
  if (text.back() != '\n') text += "\n";
  char line[200];
  for (int i = 0; i < rows; ++i) {
    int s = 13 * 3600 + i * 7200 / rows;  // 13:00:00 .. 15:00:00 local
    bool drop = i % 25 == 0;
    std::snprintf(line, sizeof line, "2024-03-12 %02d:%02d:%02d %s TCP 10.0.0.%d 10.0.0.21 %d %d 0 - - - - - - - %s %s\n",
                  s / 3600, s / 60 % 60, s % 60, drop ? "DROP" : "ALLOW", 40 + i % 50, 40000 + i % 20000,
                  drop ? 5985 : 443, "RECEIVE", drop ? "-" : "4");
    text += line;
  }
  write_file(log, text);
  return bundle;
}

// The report with a script that plays a user after the page's own script:
// hovers an evidence mark and the firewall density, zooms with the wheel,
// resets with a double-click, drags a range, clicks the first copy button;
// what it saw goes into data-probe-* attributes of <body>.
std::string with_probe(const std::string& html) {
  const std::string probe = R"js(<script>
document.addEventListener('DOMContentLoaded', function () {
  var b = document.body, svg = document.querySelector('.pm-tl-svg'), range = document.querySelector('.pm-tl-range');
  var r = svg.getBoundingClientRect(), y = r.top + 70, tip = document.querySelector('.pm-tip');
  var ev = document.querySelector('.pm-ev').getBoundingClientRect();
  svg.dispatchEvent(new MouseEvent('mousemove', { clientX: ev.left + ev.width / 2, clientY: ev.top + ev.height / 2, bubbles: true }));
  b.setAttribute('data-probe-tip', tip.style.display + '|' + tip.textContent);
  var full = range.textContent;
  svg.dispatchEvent(new WheelEvent('wheel', { deltaY: -400, clientX: r.left + r.width / 2, clientY: y, bubbles: true, cancelable: true }));
  b.setAttribute('data-probe-wheel', range.textContent !== full ? 'zoomed' : 'same');
  svg.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
  b.setAttribute('data-probe-reset', range.textContent === full ? 'full' : 'not');
  svg.dispatchEvent(new MouseEvent('mousedown', { button: 0, clientX: r.left + 300, clientY: y, bubbles: true }));
  window.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + 420, clientY: y }));
  window.dispatchEvent(new MouseEvent('mouseup', { clientX: r.left + 420, clientY: y }));
  b.setAttribute('data-probe-drag', range.textContent !== full ? 'zoomed' : 'same');
  var dens = document.querySelector('.pm-density').getBoundingClientRect();
  svg.dispatchEvent(new MouseEvent('mousemove', { clientX: dens.left + 1, clientY: dens.bottom - 2, bubbles: true }));
  b.setAttribute('data-probe-density', tip.style.display + '|' + tip.textContent);
  var copy = document.querySelector('.pm-copy');
  copy.click();
  setTimeout(function () { b.setAttribute('data-probe-copy', copy.textContent); }, 50);
});
</script>
)js";
  size_t at = html.rfind("</body>");
  REQUIRE(at != std::string::npos);
  return html.substr(0, at) + probe + html.substr(at);
}

}  // namespace

TEST_CASE("report: html_escape and script_safe_json keep text from becoming markup", "[cli][report]") {
  CHECK(pm::cli::html_escape("<b title=\"x\">Tom & 'Jerry'</b>") ==
        "&lt;b title=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;");
  CHECK(pm::cli::html_escape("line 1\r\nline 2\tend") == "line 1\nline 2\tend");
  CHECK(pm::cli::html_escape(std::string("a\x01z")) == "a\xEF\xBF\xBDz");
  CHECK(pm::cli::html_escape("caf\xC3\xA9 \xE2\x82\xAC") == "caf\xC3\xA9 \xE2\x82\xAC");    // valid UTF-8 kept
  CHECK(pm::cli::html_escape("bad \xFF\xC3 end") == "bad \xEF\xBF\xBD\xEF\xBF\xBD end");  // invalid bytes replaced
  CHECK(pm::cli::html_escape("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a UTF-16 surrogate
  std::string j = pm::cli::script_safe_json(R"({"m":"</script><!-- a&b -->"})");
  CHECK(j == R"({"m":"\u003c/script\u003e\u003c!-- a\u0026b --\u003e"})");
}

TEST_CASE("report: the self-containment check finds references to outside resources", "[cli][report]") {
  std::string page =
      "<html><head><link rel=\"stylesheet\" href=\"https://cdn.example/x.css\"><style>body{background:url('//e.example/"
      "b.png')} @import \"http://e.example/i.css\";</style></head><body><a href=\"#top\">top</a><img src=data:image/"
      "png;base64,AA><img src='http://e.example/p.png'><p>src=\"http://text.example/\" is text</p><script>var s = "
      "'<img src=\"https://in.script.example/\">';</script></body></html>";
  std::vector<std::string> external;
  for (const auto& ref : resource_references(page))
    if (!is_local_reference(ref)) external.push_back(ref);
  CHECK(external == std::vector<std::string>{"https://cdn.example/x.css", "http://e.example/p.png", "//e.example/b.png",
                                             "http://e.example/i.css"});
}

TEST_CASE("report: multi-target and fw-drops-logged give self-contained pages with every finding", "[cli][report]") {
  for (const std::string bundle : {"multi-target", "fw-drops-logged"}) {
    DYNAMIC_SECTION(bundle) {
      pm::test::TempDir dir;
      std::string html = make_report(dir, pm::test::testdata("bundles/" + bundle));
      check_self_contained(html);
      auto findings = explained_findings(dir);
      REQUIRE(findings.size() >= 2);
      check_findings_present(html, findings);
      CHECK(contains(html, "<table class=\"pm-table pm-summary-table\">"));
      // The summary comes before the first finding's section.
      CHECK(html.find("id=\"summary\"") < html.find("id=\"finding-1\""));
      CHECK_FALSE(contains(html, "id=\"finding-" + std::to_string(findings.size() + 1) + "\""));
      CHECK(contains(html, "<button type=\"button\" class=\"pm-copy\" data-copy=\"fix-1\">Copy</button><pre id=\"fix-1\">"));
      CHECK(contains(html, "netsh advfirewall firewall add rule name=&quot;DPM Agent Coordinator"));
      if (!have_command("python3")) {
        WARN("python3 not on PATH: the data blob's structure is not checked");
        continue;
      }
      std::string more = "assert len(d['findings']) == " + std::to_string(findings.size()) + "\n";
      if (bundle == "fw-drops-logged")  // the drops of the DPM server's traffic show on sql01's lane
        more += "drop = [f for f in d['findings'] if f['rule'] == 'dpm-319-firewall-drop'][0]['timeline']\n"
                "lane = [l for l in drop['lanes'] if l['host'] == 'sql01.contoso.com'][0]\n"
                "assert lane['role'] == 'target' and any(m[1] == 'drop' for m in lane['marks']), 'no drop marks'\n"
                "assert any(l['role'] == 'server' and l['host'] == 'dpm01.contoso.com' for l in drop['lanes']), 'server'\n"
                "assert drop['attempts'], 'no push attempts'\n";
      else  // every finding is drawn, on its target's lane first
        more += "for f in d['findings']:\n"
                "    assert f['timeline']['lanes'][0]['host'] == f['host'], f['title']\n"
                "    assert f['timeline']['lanes'][0]['role'] == 'target'\n";
      CHECK(check_blob_with_python(dir, data_blob(html), more).rfind("ok ", 0) == 0);
    }
  }
}

TEST_CASE("report: a case without findings says so", "[cli][report]") {
  pm::test::TempDir dir;
  std::string html = make_report(dir, pm::test::testdata("pfirewall/dst_new_york.log"));
  check_self_contained(html);
  CHECK(contains(html, "No findings: no rule matched this case."));
  CHECK_FALSE(contains(html, "class=\"pm-finding\""));
  CHECK(contains(data_blob(html), "\"findings\":[]"));
}

TEST_CASE("report: usage and input errors", "[cli][report]") {
  pm::test::TempDir dir;
  auto no_output = pm::test::run_pm("report --case " + quote(dir.str("case.db")));
  CHECK(no_output.exit_code == 2);
  auto missing = pm::test::run_pm("report --case " + quote(dir.str("nope.db")) + " -o " + quote(dir.str("r.html")));
  CHECK(missing.exit_code == 3);
  CHECK_FALSE(fs::exists(dir.str("r.html")));
  REQUIRE(pm::test::run_pm("ingest -q --case " + quote(dir.str("case.db")) + " " +
                           quote(pm::test::testdata("bundles/kb2981833").string()))
              .exit_code == 0);
  auto itself = pm::test::run_pm("report --case " + quote(dir.str("case.db")) + " -o " + quote(dir.str("case.db")));
  CHECK(itself.exit_code == 2);
  auto bad_skew = pm::test::run_pm("report --case " + quote(dir.str("case.db")) + " -o " + quote(dir.str("r.html")) +
                                   " --skew fs01");
  CHECK(bad_skew.exit_code == 2);
  auto no_folder = pm::test::run_pm("report --case " + quote(dir.str("case.db")) + " -o " +
                                    quote(dir.str("no/such/folder/r.html")));
  CHECK(no_folder.exit_code == 3);
  auto help = pm::test::run_pm("report --help");
  CHECK(contains(help.out, "pushmortem report --case case.db -o report.html"));
}

TEST_CASE("report: a 50,000-row firewall log is drawn from buckets and the page stays small", "[cli][report]") {
  pm::test::TempDir dir;
  std::string html = make_report(dir, large_bundle(dir, 50000));
  check_self_contained(html);
  CHECK(html.size() < 2 * 1024 * 1024);
  std::string blob = data_blob(html);
  CHECK(contains(blob, "\"aggregated\":true"));
  if (!have_command("python3")) {
    WARN("python3 not on PATH: the data blob's structure is not checked");
    return;
  }
  std::string more =
      "f = [f for f in d['findings'] if f['rule'] == 'dpm-347-then-319-firewall'][0]['timeline']\n"
      "lane = [l for l in f['lanes'] if l['host'] == 'fs01.contoso.com'][0]\n"
      "assert f['basis'] == 'host-range', f['basis']\n"
      "assert lane['aggregated'] and lane['total'] >= 50000, lane['total']\n"
      "assert len(lane['buckets']) <= 481 and len(lane['marks']) <= 500, (len(lane['buckets']), len(lane['marks']))\n"
      "assert sum(b[2] for b in lane['buckets']) == 2000, 'drops'\n";
  CHECK(check_blob_with_python(dir, blob, more).rfind("ok ", 0) == 0);
}

TEST_CASE("report: renders in headless Chromium without errors or requests", "[cli][report][chromium]") {
  std::string browser = chromium_binary();
  if (browser.empty()) {
    WARN("chromium is not on PATH: skipping the browser test (Debian: apt-get install chromium)");
    return;
  }
  pm::test::TempDir dir;

  // Canaries: the checks below must see a console error, an uncaught
  // exception and a request to the network when a page has them.
  fs::path canary = dir.path / "canary.html";
  write_file(canary, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><p>canary</p>"
                     "<img src=\"http://pm-canary.invalid/pixel.png\"><script>console.error('pm-canary-error');"
                     "pm_undefined_function();</script></body></html>");
  {
    BrowserRun c = run_chromium(browser, dir, canary, "canary");
    INFO(c.log);
    REQUIRE(c.exit_code == 0);
    auto canary_console = console_lines(c.log);
    REQUIRE(canary_console.size() >= 2);
    CHECK(contains(canary_console[0] + canary_console[1], "pm-canary-error"));
    CHECK(contains(c.log, "Uncaught ReferenceError"));
    auto canary_requests = page_requests(c.net_log);
    REQUIRE(canary_requests.size() >= 1);
    CHECK(canary_requests[0] == "http://pm-canary.invalid/pixel.png");
  }

  struct Page {
    std::string name;
    fs::path bundle;
  };
  pm::test::TempDir large_dir;
  for (const Page& page : {Page{"multi-target", pm::test::testdata("bundles/multi-target")},
                           Page{"large", large_bundle(large_dir, 50000)}}) {
    DYNAMIC_SECTION(page.name) {
      pm::test::TempDir pdir;
      std::string html = make_report(pdir, page.bundle);
      auto findings = explained_findings(pdir);
      REQUIRE_FALSE(findings.empty());
      fs::path report = pdir.path / "report.html";

      BrowserRun run = run_chromium(browser, pdir, report, "dom");
      REQUIRE(run.exit_code == 0);
      auto console = console_lines(run.log);
      for (const auto& line : console) FAIL_CHECK("console: " << line);
      CHECK(console.empty());
      auto requests = page_requests(run.net_log);
      for (const auto& u : requests) FAIL_CHECK("request: " << u);
      CHECK(requests.empty());

      // The script ran: every timed finding got a timeline, each lane drew marks.
      std::smatch ready;
      REQUIRE(std::regex_search(run.dom, ready, std::regex(R"re(data-pm-ready="(\d+)")re")));
      CHECK(std::stoul(ready[1]) == findings.size());
      std::regex svg_re(R"re(<svg class="pm-tl-svg")re");
      CHECK(static_cast<size_t>(std::distance(std::sregex_iterator(run.dom.begin(), run.dom.end(), svg_re),
                                              std::sregex_iterator())) == findings.size());
      std::regex lane_re(R"re(<g class="pm-lane[^"]*" data-host="([^"]*)" data-role="(\w+)" data-drawn="(\d+)")re");
      std::set<std::string> target_lanes;
      for (std::sregex_iterator it(run.dom.begin(), run.dom.end(), lane_re), end; it != end; ++it) {
        INFO((*it)[1] << " " << (*it)[2]);
        if ((*it)[2] != "target") continue;
        CHECK(std::stoul((*it)[3]) > 0);  // the target's lane has marks, density or evidence
        target_lanes.insert((*it)[1]);
      }
      for (const auto& f : findings) {
        CHECK(target_lanes.count(f.host) == 1);
        CHECK(contains(run.dom, "<h2>" + dom_text(f.title) + "</h2>"));
      }
      CHECK(contains(run.dom, "class=\"pm-ev pm-ev-"));      // evidence marks
      CHECK_FALSE(contains(run.dom, "class=\"pm-tl-error"));  // no timeline failed

      // Hover, zoom, reset, drag and copy do what they should, without errors.
      fs::path probe = pdir.path / "probe.html";
      write_file(probe, with_probe(html));
      BrowserRun played = run_chromium(browser, pdir, probe, "probe");
      REQUIRE(played.exit_code == 0);
      for (const auto& line : console_lines(played.log)) FAIL_CHECK("console: " << line);
      CHECK(contains(played.dom, "data-probe-tip=\"block|Evidence ("));
      CHECK(contains(played.dom, "data-probe-wheel=\"zoomed\""));
      CHECK(contains(played.dom, "data-probe-reset=\"full\""));
      CHECK(contains(played.dom, "data-probe-drag=\"zoomed\""));
      CHECK(contains(played.dom, "data-probe-density=\"block|Firewall"));
      // Headless Chromium grants no clipboard: the fallback selects the text.
      CHECK(std::regex_search(played.dom, std::regex(R"re(data-probe-copy="(Copied|Press Ctrl\+C)")re")));

      fs::path png = pdir.path / "report.png";
      BrowserRun shot = run_chromium(browser, pdir, report, "shot", png.string());
      REQUIRE(shot.exit_code == 0);
      CHECK(console_lines(shot.log).empty());
      std::string bytes = read_file(png);
      CHECK(png_size(bytes) == std::make_pair(uint32_t{1400}, uint32_t{3000}));
      CHECK(bytes.size() > 50 * 1024);
      WARN("chromium rendered the " << page.name << " report: " << html.size() << " bytes of HTML, screenshot "
                                    << bytes.size() << " bytes, " << console.size() << " console lines");
    }
  }
}
