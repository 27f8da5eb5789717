// Bundle walker: folders, archives built here with libarchive's write API,
// unsafe member names, limits and damaged archives.
#include "parsers/bundle/bundle.h"

#include <archive.h>
#include <archive_entry.h>

#include <catch2/catch.hpp>
#include <clocale>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "parsers/bundle/member_names.h"

namespace fs = std::filesystem;
using pm::Bundle;
using pm::BundleEntry;
using pm::BundleEntryKind;
using pm::BundleLimits;

namespace {

std::string random_tag() {
  std::random_device rd;
  std::mt19937_64 gen((uint64_t{rd()} << 32) ^ rd());
  return std::to_string(gen() % 1000000000000ULL);
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("pm-bundle-test-" + random_tag());
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

void write_file(const fs::path& p, const std::string& data) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  REQUIRE(out.good());
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

enum class MemberType { file, dir, symlink, hardlink, fifo };

struct Member {
  std::string name;
  std::string data;
  MemberType type = MemberType::file;
  std::string link;
  uint64_t zeros = 0;  // when > 0: the data is this many zero bytes (for bombs)
  Member(std::string n, std::string d, MemberType t = MemberType::file, std::string l = {}, uint64_t z = 0)
      : name(std::move(n)), data(std::move(d)), type(t), link(std::move(l)), zeros(z) {}
};

enum class Format { zip, sevenzip, tar, tar_gz, gz };

constexpr int64_t kMtime = 1700000000;

void write_archive(const fs::path& file, Format format, const std::vector<Member>& members) {
  struct archive* a = archive_write_new();
  REQUIRE(a != nullptr);
  switch (format) {
    case Format::zip: archive_write_set_format_zip(a); break;
    case Format::sevenzip: archive_write_set_format_7zip(a); break;
    case Format::tar: archive_write_set_format_pax_restricted(a); break;
    case Format::tar_gz:
      archive_write_set_format_pax_restricted(a);
      archive_write_add_filter_gzip(a);
      break;
    case Format::gz:
      archive_write_set_format_raw(a);
      archive_write_add_filter_gzip(a);
      break;
  }
  REQUIRE(archive_write_open_filename(a, file.string().c_str()) == ARCHIVE_OK);
  int64_t t = kMtime;
  for (const auto& m : members) {
    struct archive_entry* e = archive_entry_new();
    // Names are UTF-8; libarchive's pax writer cannot convert them in the "C" locale, so tar gets the bytes.
    if (format == Format::tar || format == Format::tar_gz)
      archive_entry_set_pathname(e, m.name.c_str());
    else
      archive_entry_set_pathname_utf8(e, m.name.c_str());
    archive_entry_set_mtime(e, t++, 0);
    uint64_t size = m.zeros ? m.zeros : m.data.size();
    switch (m.type) {
      case MemberType::file:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, static_cast<la_int64_t>(size));
        break;
      case MemberType::dir:
        archive_entry_set_filetype(e, AE_IFDIR);
        archive_entry_set_perm(e, 0755);
        size = 0;
        break;
      case MemberType::symlink:
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_perm(e, 0777);
        archive_entry_set_symlink(e, m.link.c_str());
        size = 0;
        break;
      case MemberType::hardlink:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_hardlink(e, m.link.c_str());
        archive_entry_set_size(e, 0);
        size = 0;
        break;
      case MemberType::fifo:
        archive_entry_set_filetype(e, AE_IFIFO);
        archive_entry_set_perm(e, 0644);
        size = 0;
        break;
    }
    REQUIRE(archive_write_header(a, e) >= ARCHIVE_WARN);  // WARN: a name not convertible in the "C" locale
    if (m.zeros) {
      std::string chunk(1 << 20, '\0');
      for (uint64_t left = m.zeros; left > 0;) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(left, chunk.size()));
        REQUIRE(archive_write_data(a, chunk.data(), n) == static_cast<la_ssize_t>(n));
        left -= n;
      }
    } else if (size > 0) {
      REQUIRE(archive_write_data(a, m.data.data(), m.data.size()) == static_cast<la_ssize_t>(m.data.size()));
    }
    archive_entry_free(e);
  }
  REQUIRE(archive_write_close(a) == ARCHIVE_OK);
  archive_write_free(a);
}

Bundle open_ok(const std::vector<fs::path>& paths, const BundleLimits& limits = {}) {
  auto r = Bundle::open(paths, limits);
  INFO(r.status().message());
  REQUIRE(r.is_ok());
  return std::move(r).value();
}

const BundleEntry* find(const Bundle& b, const std::string& path) {
  for (const auto& e : b.entries())
    if (e.path == path) return &e;
  return nullptr;
}

int index_of(const Bundle& b, const std::string& path) {
  for (size_t i = 0; i < b.entries().size(); ++i)
    if (b.entries()[i].path == path) return static_cast<int>(i);
  return -1;
}

std::vector<std::string> paths_of(const Bundle& b) {
  std::vector<std::string> out;
  for (const auto& e : b.entries()) out.push_back(e.path);
  return out;
}

// The bundle's private temporary folder, found from any unpacked member.
fs::path bundle_temp_dir(const Bundle& b) {
  for (const auto& e : b.entries()) {
    if (e.parent < 0 || e.disk_path.empty()) continue;
    for (fs::path p = e.disk_path; p.has_parent_path() && p != p.parent_path(); p = p.parent_path())
      if (p.filename().string().rfind("pushmortem-", 0) == 0) return p;
  }
  return {};
}

// Every file below dir (recursively), as paths.
std::vector<fs::path> files_below(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (!it->is_directory()) out.push_back(it->path());
  return out;
}

const std::vector<Member> kLogMembers = {
    {"fs01/", "", MemberType::dir},
    {"fs01/pfirewall.log", "#Version: 1.5\n2024-01-01 10:00:00 ALLOW TCP 10.0.0.1 10.0.0.2 1 2\n"},
    {"readme.txt", "hello\r\n"},
};

// Checks that an archive entry is followed by exactly the kLogMembers files.
void check_log_members(const Bundle& b, const std::string& archive, const std::string& format, int depth) {
  int ai = index_of(b, archive);
  REQUIRE(ai >= 0);
  const BundleEntry& a = b.entries()[ai];
  CHECK(a.kind == BundleEntryKind::archive);
  CHECK(a.archive_format == format);
  CHECK(a.depth == depth);
  CHECK(a.note.find("2 members") != std::string::npos);
  REQUIRE(static_cast<size_t>(ai) + 2 < b.entries().size());
  const BundleEntry& log = b.entries()[ai + 1];
  const BundleEntry& readme = b.entries()[ai + 2];
  CHECK(log.path == archive + "/fs01/pfirewall.log");
  CHECK(readme.path == archive + "/readme.txt");
  for (const BundleEntry* e : {&log, &readme}) {
    CHECK(e->kind == BundleEntryKind::file);
    CHECK(e->parent == ai);
    CHECK(e->depth == depth + 1);
    CHECK(e->bundle == a.bundle);
  }
  CHECK(read_file(log.disk_path) == kLogMembers[1].data);
  CHECK(read_file(readme.disk_path) == kLogMembers[2].data);
  CHECK(log.size == kLogMembers[1].data.size());
  CHECK(log.mtime == kMtime + 1);
  CHECK(readme.mtime == kMtime + 2);
}

}  // namespace

TEST_CASE("looks_like_archive recognises archive magic", "[parsers][bundle]") {
  using pm::looks_like_archive;
  CHECK(looks_like_archive(std::string("PK\x03\x04\x14\x00", 6)));
  CHECK(looks_like_archive(std::string("PK\x05\x06\0\0\0\0", 8)));
  CHECK(looks_like_archive("MSCF\0\0\0\0"));
  CHECK(looks_like_archive("7z\xBC\xAF\x27\x1C\x00\x04"));
  CHECK(looks_like_archive(std::string("\x1F\x8B\x08\x00", 4)));
  CHECK(looks_like_archive(std::string("BZh91AY&SY", 10)));
  CHECK(looks_like_archive(std::string("\xFD" "7zXZ\x00\x00", 7)));
  CHECK(looks_like_archive(std::string("\x28\xB5\x2F\xFD", 4)));
  CHECK(looks_like_archive("Rar!\x1A\x07\x01\x00"));
  std::string tar(512, '\0');
  tar.replace(257, 6, std::string("ustar\0", 6));
  CHECK(looks_like_archive(tar));

  CHECK_FALSE(looks_like_archive(""));
  CHECK_FALSE(looks_like_archive("#Version: 1.5\n"));
  CHECK_FALSE(looks_like_archive("BZh is not bzip2 text"));
  CHECK_FALSE(looks_like_archive("PK"));
  CHECK_FALSE(looks_like_archive(std::string(300, 'x')));
}

TEST_CASE("member names are cleaned and unsafe ones refused", "[parsers][bundle]") {
  using pm::bundle_detail::clean_member_name;
  auto ok = clean_member_name("dir\\sub\\./x.log");
  REQUIRE(ok.ok);
  CHECK(ok.display == "dir/sub/x.log");
  CHECK(ok.components == std::vector<std::string>{"dir", "sub", "x.log"});
  CHECK(clean_member_name("a//b/").is_dir);
  for (const char* bad : {"../evil.txt", "a/../../evil", "a/..", "/etc/passwd", "C:\\x", "c:x", "\\\\server\\share\\x",
                          "", "./", "//"}) {
    INFO(bad);
    auto m = clean_member_name(bad);
    CHECK_FALSE(m.ok);
    CHECK_FALSE(m.reason.empty());
  }

  using pm::bundle_detail::disk_component;
  CHECK(disk_component("a:b*c?.log") == "a_b_c_.log");
  CHECK(disk_component("CON") == "_CON");
  CHECK(disk_component("nul.txt") == "_nul.txt");
  CHECK(disk_component("trailing.") == "trailing_");
  CHECK(disk_component("..") == "_..");
  CHECK(disk_component(std::string(300, 'x')).size() <= 200);

  using pm::bundle_detail::raw_member_name;
  CHECK(raw_member_name("pfirewall.log.gz") == "pfirewall.log");
  CHECK(raw_member_name("x.LOG.GZ") == "x.LOG");
  CHECK(raw_member_name("x.tgz") == "x.tar");
  CHECK(raw_member_name("x.bz2") == "x");
  CHECK(raw_member_name("noext") == "noext");
  CHECK(pm::bundle_detail::fold_case("Événements.LOG") == pm::bundle_detail::fold_case("éVÉNEMENTS.log"));
}

TEST_CASE("a folder is walked recursively in a stable order", "[parsers][bundle]") {
  TempDir t;
  fs::path root = t.path / "case";
  write_file(root / "b.log", "b");
  write_file(root / "a-b.log", "ab");
  write_file(root / "a" / "z.log", "z");
  write_file(root / "a" / "b" / "c.log", "c");
  fs::create_directories(root / "empty");
  std::error_code ec;
  fs::create_symlink(root / "b.log", root / "link.log", ec);
  bool have_link = !ec;
  fs::create_directory_symlink(root / "a", root / "linkdir", ec);
  bool have_dir_link = !ec;

  Bundle b = open_ok({root});
  std::vector<std::string> expected = {"a/b/c.log", "a/z.log", "a-b.log", "b.log"};
  if (have_link) expected.push_back("link.log");
  if (have_dir_link) expected.push_back("linkdir");
  CHECK(paths_of(b) == expected);
  for (const auto& e : b.entries()) {
    CHECK(e.bundle == root.string());
    CHECK(e.parent == -1);
    CHECK(e.depth == 0);
    if (e.path == "link.log" || e.path == "linkdir") {
      CHECK(e.kind == BundleEntryKind::refused);
      CHECK(e.note == "symbolic link not followed");
      CHECK(e.size == 0);
    } else {
      CHECK(e.kind == BundleEntryKind::file);
      CHECK(fs::equivalent(e.disk_path, root / e.path));
      CHECK(e.size == fs::file_size(e.disk_path));
      CHECK(e.mtime > 0);
    }
  }
  CHECK(read_file(find(b, "a/b/c.log")->disk_path) == "c");
}

TEST_CASE("a file PATH is one entry named by its base name", "[parsers][bundle]") {
  TempDir t;
  write_file(t.path / "sub" / "pfirewall.log", "#Version: 1.5\n");
  Bundle b = open_ok({t.path / "sub" / "pfirewall.log"});
  REQUIRE(b.entries().size() == 1);
  const auto& e = b.entries()[0];
  CHECK(e.kind == BundleEntryKind::file);
  CHECK(e.path == "pfirewall.log");
  CHECK(e.bundle == (t.path / "sub" / "pfirewall.log").string());
  CHECK(e.disk_path == t.path / "sub" / "pfirewall.log");
  CHECK(e.size == 14);
  CHECK(e.mtime > 0);
  CHECK(bundle_temp_dir(b).empty());
}

TEST_CASE("an unreadable file in a folder is refused with the OS error", "[parsers][bundle]") {
  TempDir t;
  write_file(t.path / "d" / "secret.log", "x");
  write_file(t.path / "d" / "open.log", "y");
  fs::permissions(t.path / "d" / "secret.log", fs::perms::none, fs::perm_options::replace);
  if (std::ifstream(t.path / "d" / "secret.log").good()) {
    WARN("running with privileges that ignore file permissions; skipped");
    return;
  }
  Bundle b = open_ok({t.path / "d"});
  REQUIRE(b.entries().size() == 2);
  CHECK(b.entries()[0].kind == BundleEntryKind::file);
  CHECK(b.entries()[1].path == "secret.log");
  CHECK(b.entries()[1].kind == BundleEntryKind::refused);
  CHECK(b.entries()[1].note.find("ermission") != std::string::npos);
}

TEST_CASE("zip, 7z, tar.gz and a zip nested in a tar.gz give the same members", "[parsers][bundle]") {
  TempDir t;
  write_archive(t.path / "case.zip", Format::zip, kLogMembers);
  write_archive(t.path / "case.7z", Format::sevenzip, kLogMembers);
  write_archive(t.path / "case.tar.gz", Format::tar_gz, kLogMembers);
  std::string inner = read_file(t.path / "case.zip");
  write_archive(t.path / "outer.tar.gz", Format::tar_gz, {{"top/inner.zip", inner}, {"notes.txt", "n"}});

  Bundle b = open_ok({t.path / "case.zip", t.path / "case.7z", t.path / "case.tar.gz", t.path / "outer.tar.gz"});
  check_log_members(b, "case.zip", "zip", 0);
  check_log_members(b, "case.7z", "7z", 0);
  check_log_members(b, "case.tar.gz", "tar.gz", 0);
  check_log_members(b, "outer.tar.gz/top/inner.zip", "zip", 1);
  CHECK(b.entries()[0].path == "case.zip");  // PATH order
  CHECK(b.entries()[0].parent == -1);
  CHECK(b.entries()[0].disk_path == t.path / "case.zip");

  int outer = index_of(b, "outer.tar.gz");
  int nested = index_of(b, "outer.tar.gz/top/inner.zip");
  REQUIRE(outer >= 0);
  REQUIRE(nested == outer + 1);
  CHECK(b.entries()[nested].parent == outer);
  CHECK(b.entries()[nested].mtime == kMtime);
  CHECK(b.entries()[nested].size == inner.size());
  CHECK(b.entries()[nested].bundle == (t.path / "outer.tar.gz").string());
  CHECK(b.entries().back().path == "outer.tar.gz/notes.txt");
  CHECK(b.entries().back().parent == outer);
  CHECK(b.entries().size() == 3 * 3 + 5);

  // Unpacked files live in the private temporary folder, not next to the archives.
  fs::path temp = bundle_temp_dir(b);
  REQUIRE_FALSE(temp.empty());
  CHECK(temp.parent_path() == fs::temp_directory_path());
  CHECK(files_below(temp).size() == 3 * 2 + 4);  // inner.zip, its 2 members, notes.txt
}

TEST_CASE("a single gzip file is one member without the .gz suffix", "[parsers][bundle]") {
  TempDir t;
  std::string log = "#Version: 1.5\n#Fields: date time action\n2024-01-01 10:00:00 DROP\n";
  write_archive(t.path / "pfirewall.log.gz", Format::gz, {{"ignored", log}});
  Bundle b = open_ok({t.path / "pfirewall.log.gz"});
  REQUIRE(b.entries().size() == 2);
  CHECK(b.entries()[0].kind == BundleEntryKind::archive);
  CHECK(b.entries()[0].archive_format == "gzip");
  CHECK(b.entries()[0].path == "pfirewall.log.gz");
  CHECK(b.entries()[1].kind == BundleEntryKind::file);
  CHECK(b.entries()[1].path == "pfirewall.log.gz/pfirewall.log");
  CHECK(b.entries()[1].disk_path.filename() == "pfirewall.log");
  CHECK(b.entries()[1].parent == 0);
  CHECK(b.entries()[1].depth == 1);
  CHECK(read_file(b.entries()[1].disk_path) == log);
}

TEST_CASE("path traversal and absolute member names are refused and not written", "[parsers][bundle]") {
  TempDir t;
  std::string tag = "pm-evil-" + random_tag();
  std::vector<Member> members = {
      {"../" + tag + ".txt", "evil1"},
      {"a/../../" + tag + "-2.txt", "evil2"},
      {"/tmp/" + tag + "-abs", "evil3"},
      {"C:\\" + tag + "-drive", "evil4"},
      {"\\\\server\\share\\" + tag + "-unc", "evil5"},
      {"ok\\fine.txt", "fine"},
  };
  for (Format f : {Format::zip, Format::tar}) {
    fs::path file = t.path / (f == Format::zip ? "evil.zip" : "evil.tar");
    write_archive(file, f, members);
    Bundle b = open_ok({file});
    std::string name = file.filename().string();
    INFO(name);
    REQUIRE(b.entries().size() == 7);
    CHECK(b.entries()[0].kind == BundleEntryKind::archive);
    CHECK(b.entries()[0].note.find("5 refused") != std::string::npos);
    for (size_t i = 1; i <= 5; ++i) {
      const auto& e = b.entries()[i];
      INFO(e.path);
      CHECK(e.kind == BundleEntryKind::refused);
      CHECK(e.disk_path.empty());
      CHECK(e.size == 0);
      CHECK(e.parent == 0);
      CHECK((e.note.find("absolute") != std::string::npos || e.note.find("'..'") != std::string::npos));
    }
    CHECK(b.entries()[1].path == name + "/../" + tag + ".txt");
    const auto* ok = find(b, name + "/ok/fine.txt");
    REQUIRE(ok != nullptr);
    CHECK(ok->kind == BundleEntryKind::file);
    CHECK(read_file(ok->disk_path) == "fine");

    // Nothing with the tag anywhere: not in the temp folders, not next to the archive, not in /tmp.
    fs::path temp = bundle_temp_dir(b);
    REQUIRE_FALSE(temp.empty());
    auto inside = files_below(temp);
    CHECK(inside.size() == 1);
    std::vector<std::string> escaped;
    for (const fs::path& dir : {temp, temp.parent_path(), t.path, t.path.parent_path(), fs::path("/tmp")}) {
      std::error_code ec;
      for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
        if (it->path().filename().string().find(tag) != std::string::npos) escaped.push_back(it->path().string());
    }
    CHECK(escaped.empty());
    for (const auto& p : inside) CHECK(p.string().find(tag) == std::string::npos);
  }
}

TEST_CASE("links and special members in archives are refused", "[parsers][bundle]") {
  TempDir t;
  std::vector<Member> members = {
      {"data.txt", "data"},
      {"link-to-passwd", "", MemberType::symlink, "/etc/passwd"},
      {"hard", "", MemberType::hardlink, "data.txt"},
      {"pipe", "", MemberType::fifo},
  };
  write_archive(t.path / "links.tar", Format::tar, members);
  write_archive(t.path / "links.zip", Format::zip, {members[0], members[1]});
  Bundle b = open_ok({t.path / "links.tar", t.path / "links.zip"});
  const auto* sym = find(b, "links.tar/link-to-passwd");
  REQUIRE(sym != nullptr);
  CHECK(sym->kind == BundleEntryKind::refused);
  CHECK(sym->note.find("symbolic link") != std::string::npos);
  const auto* hard = find(b, "links.tar/hard");
  REQUIRE(hard != nullptr);
  CHECK(hard->kind == BundleEntryKind::refused);
  CHECK(hard->note.find("hard link") != std::string::npos);
  const auto* pipe = find(b, "links.tar/pipe");
  REQUIRE(pipe != nullptr);
  CHECK(pipe->kind == BundleEntryKind::refused);
  const auto* zsym = find(b, "links.zip/link-to-passwd");
  REQUIRE(zsym != nullptr);
  CHECK(zsym->kind == BundleEntryKind::refused);
  CHECK(zsym->note.find("symbolic link") != std::string::npos);
  CHECK(find(b, "links.zip/data.txt")->kind == BundleEntryKind::file);
  CHECK(files_below(bundle_temp_dir(b)).size() == 2);  // only the two data.txt
}

TEST_CASE("nested archives stop at max_depth", "[parsers][bundle]") {
  TempDir t;
  write_archive(t.path / "c.zip", Format::zip, {{"x.log", "deep"}});
  write_archive(t.path / "b.zip", Format::zip, {{"c.zip", read_file(t.path / "c.zip")}});
  write_archive(t.path / "a.zip", Format::zip, {{"b.zip", read_file(t.path / "b.zip")}});

  Bundle full = open_ok({t.path / "a.zip"});
  CHECK(paths_of(full) == std::vector<std::string>{"a.zip", "a.zip/b.zip", "a.zip/b.zip/c.zip", "a.zip/b.zip/c.zip/x.log"});
  CHECK(full.entries()[3].depth == 3);
  CHECK(full.entries()[3].parent == 2);
  CHECK(read_file(full.entries()[3].disk_path) == "deep");

  BundleLimits limits;
  limits.max_depth = 1;
  Bundle cut = open_ok({t.path / "a.zip"}, limits);
  REQUIRE(cut.entries().size() == 3);
  CHECK(cut.entries()[1].kind == BundleEntryKind::archive);
  const auto& refused = cut.entries()[2];
  CHECK(refused.path == "a.zip/b.zip/c.zip");
  CHECK(refused.kind == BundleEntryKind::refused);
  CHECK(refused.note.find("max_depth") != std::string::npos);
  CHECK(refused.disk_path.empty());
}

TEST_CASE("max_entries counts members across the archives of one PATH", "[parsers][bundle]") {
  TempDir t;
  std::vector<Member> ten;
  for (int i = 0; i < 10; ++i) ten.push_back({"m" + std::to_string(i) + ".log", "x"});
  write_archive(t.path / "many.zip", Format::zip, ten);
  BundleLimits limits;
  limits.max_entries = 4;
  Bundle b = open_ok({t.path / "many.zip"}, limits);
  REQUIRE(b.entries().size() == 5);
  CHECK(b.entries()[4].path == "many.zip/m3.log");
  CHECK(b.entries()[0].note.find("entry limit") != std::string::npos);

  // Two archives in one folder share the budget; a second PATH gets its own.
  fs::create_directories(t.path / "dir");
  write_archive(t.path / "dir" / "1.zip", Format::zip, {ten[0], ten[1], ten[2]});
  write_archive(t.path / "dir" / "2.zip", Format::zip, {ten[3], ten[4], ten[5]});
  Bundle d = open_ok({t.path / "dir", t.path / "many.zip"}, limits);
  CHECK(paths_of(d) == std::vector<std::string>{"1.zip", "1.zip/m0.log", "1.zip/m1.log", "1.zip/m2.log", "2.zip",
                                                 "2.zip/m3.log", "many.zip", "many.zip/m0.log", "many.zip/m1.log",
                                                 "many.zip/m2.log", "many.zip/m3.log"});
  CHECK(d.entries()[0].note.find("entry limit") == std::string::npos);
  CHECK(d.entries()[4].note.find("entry limit") != std::string::npos);
}

TEST_CASE("max_entry_bytes and max_total_bytes refuse members", "[parsers][bundle]") {
  TempDir t;
  write_archive(t.path / "sizes.zip", Format::zip,
                {{"small.log", std::string(500, 's')}, {"big.log", std::string(5000, 'b')}, {"after.log", "a"}});
  BundleLimits limits;
  limits.max_entry_bytes = 1000;
  Bundle b = open_ok({t.path / "sizes.zip"}, limits);
  REQUIRE(b.entries().size() == 4);
  CHECK(b.entries()[1].kind == BundleEntryKind::file);
  CHECK(b.entries()[2].path == "sizes.zip/big.log");
  CHECK(b.entries()[2].kind == BundleEntryKind::refused);
  CHECK(b.entries()[2].note.find("max_entry_bytes") != std::string::npos);
  CHECK(b.entries()[3].kind == BundleEntryKind::file);  // unpacking goes on
  for (const auto& f : files_below(bundle_temp_dir(b))) CHECK(fs::file_size(f) <= 1000);
  CHECK(files_below(bundle_temp_dir(b)).size() == 2);

  // A gzip stream does not announce its size: the limit is enforced while writing.
  write_archive(t.path / "big.log.gz", Format::gz, {{"x", std::string(5000, 'g')}});
  Bundle g = open_ok({t.path / "big.log.gz"}, limits);
  REQUIRE(g.entries().size() == 2);
  CHECK(g.entries()[1].kind == BundleEntryKind::refused);
  CHECK(g.entries()[1].note.find("max_entry_bytes") != std::string::npos);
  for (const auto& e : g.entries()) CHECK(e.disk_path.string().find("pushmortem-") == std::string::npos);

  BundleLimits total;
  total.max_total_bytes = 1200;
  write_archive(t.path / "total.zip", Format::zip,
                {{"1.log", std::string(1000, '1')}, {"2.log", std::string(1000, '2')}, {"3.log", "3"}});
  Bundle tb = open_ok({t.path / "total.zip"}, total);
  REQUIRE(tb.entries().size() == 3);
  CHECK(tb.entries()[1].kind == BundleEntryKind::file);
  CHECK(tb.entries()[2].kind == BundleEntryKind::refused);
  CHECK(tb.entries()[0].note.find("max_total_bytes") != std::string::npos);
  CHECK(files_below(bundle_temp_dir(tb)).size() == 1);
}

TEST_CASE("the bomb guard stops highly compressed archives above 64 MiB", "[parsers][bundle]") {
  TempDir t;
  write_archive(t.path / "bomb.zip", Format::zip,
                {{"first.log", "first"}, {"zeros.bin", "", MemberType::file, "", 100ULL << 20}, {"last.log", "last"}});
  uint64_t packed = fs::file_size(t.path / "bomb.zip");
  REQUIRE(packed < (2ULL << 20));

  BundleLimits limits;
  limits.max_ratio = 10;
  {
    Bundle b = open_ok({t.path / "bomb.zip"}, limits);
    REQUIRE(b.entries().size() == 3);
    CHECK(b.entries()[0].note.find("archive bomb") != std::string::npos);
    CHECK(b.entries()[1].kind == BundleEntryKind::file);
    CHECK(b.entries()[2].path == "bomb.zip/zeros.bin");
    CHECK(b.entries()[2].kind == BundleEntryKind::refused);
    CHECK(find(b, "bomb.zip/last.log") == nullptr);  // remaining members not extracted
    uint64_t on_disk = 0;
    for (const auto& f : files_below(bundle_temp_dir(b))) on_disk += fs::file_size(f);
    CHECK(on_disk == 5);  // the partial zeros.bin was deleted
  }

  // The same archive with a generous ratio unpacks completely.
  limits.max_ratio = 1000000;
  Bundle ok = open_ok({t.path / "bomb.zip"}, limits);
  REQUIRE(ok.entries().size() == 4);
  CHECK(ok.entries()[2].kind == BundleEntryKind::file);
  CHECK(ok.entries()[2].size == (100ULL << 20));
  CHECK(fs::file_size(ok.entries()[2].disk_path) == (100ULL << 20));
  CHECK(ok.entries()[3].path == "bomb.zip/last.log");
}

TEST_CASE("a truncated zip keeps the members read before the damage", "[parsers][bundle]") {
  TempDir t;
  std::mt19937 gen(42);
  std::string noise;
  for (int i = 0; i < 200000; ++i) noise.push_back(static_cast<char>('!' + gen() % 90));
  write_archive(t.path / "full.zip", Format::zip, {{"a.log", "alpha\n"}, {"b.log", "bravo\n"}, {"c.log", noise}});
  std::string bytes = read_file(t.path / "full.zip");
  write_file(t.path / "cut.zip", bytes.substr(0, bytes.size() - 100000));

  Bundle b = open_ok({t.path / "cut.zip"});
  REQUIRE(b.entries().size() >= 3);
  CHECK(b.entries()[0].kind == BundleEntryKind::archive);
  CHECK(b.entries()[0].note.find("damaged archive: ") != std::string::npos);
  CHECK(b.entries()[0].note.find(" after 2 members") != std::string::npos);
  CHECK(b.entries()[1].path == "cut.zip/a.log");
  CHECK(read_file(b.entries()[1].disk_path) == "alpha\n");
  CHECK(b.entries()[2].path == "cut.zip/b.log");
  CHECK(read_file(b.entries()[2].disk_path) == "bravo\n");
  REQUIRE(b.entries().size() == 4);
  const auto& cut = b.entries()[3];  // the cut member: what could be read is kept, with a note
  CHECK(cut.path == "cut.zip/c.log");
  INFO(cut.note);
  if (cut.kind == BundleEntryKind::file) {
    CHECK(cut.note.find("damaged member data") != std::string::npos);
    CHECK(noise.rfind(read_file(cut.disk_path), 0) == 0);
  } else {
    CHECK(cut.kind == BundleEntryKind::refused);
    CHECK(cut.note.find("member data unreadable") != std::string::npos);
  }

  // Garbage behind archive magic is an archive with a note, never an error.
  write_file(t.path / "fake.zip", std::string("PK\x03\x04", 4) + std::string(100, '\xEE'));
  write_file(t.path / "good.log", "fine");
  Bundle f = open_ok({t.path / "fake.zip", t.path / "good.log"});
  REQUIRE(f.entries().size() == 2);
  CHECK(f.entries()[0].kind == BundleEntryKind::archive);
  CHECK(f.entries()[0].note.find("damaged archive") != std::string::npos);
  CHECK(f.entries()[1].kind == BundleEntryKind::file);
}

TEST_CASE("names equal up to case do not overwrite each other", "[parsers][bundle]") {
  TempDir t;
  write_archive(t.path / "win.zip", Format::zip,
                {{"Logs\\App.log", "first"}, {"logs\\app.LOG", "second"}, {"LOGS/other.log", "third"},
                 {"CON", "device name"}, {"app:1.log", "colon"}});
  Bundle b = open_ok({t.path / "win.zip"});
  REQUIRE(b.entries().size() == 6);
  CHECK(b.entries()[1].path == "win.zip/Logs/App.log");
  CHECK(b.entries()[2].path == "win.zip/logs/app.LOG");
  CHECK(b.entries()[3].path == "win.zip/LOGS/other.log");
  CHECK(b.entries()[4].path == "win.zip/CON");
  CHECK(b.entries()[5].path == "win.zip/app:1.log");
  std::set<std::string> folded;
  for (size_t i = 1; i < b.entries().size(); ++i) {
    CHECK(b.entries()[i].kind == BundleEntryKind::file);
    folded.insert(pm::bundle_detail::fold_case(b.entries()[i].disk_path.string()));
  }
  CHECK(folded.size() == 5);
  CHECK(read_file(b.entries()[1].disk_path) == "first");
  CHECK(read_file(b.entries()[2].disk_path) == "second");
  CHECK(read_file(b.entries()[3].disk_path) == "third");
  CHECK(read_file(b.entries()[4].disk_path) == "device name");
  CHECK(b.entries()[4].disk_path.filename() == "_CON");
  CHECK(read_file(b.entries()[5].disk_path) == "colon");
}

TEST_CASE("UTF-8 member names keep their characters", "[parsers][bundle]") {
  TempDir t;
  const std::string name = "\xC3\x89v\xC3\xA9nements/journal \xE2\x84\x96 1.log";  // Événements/journal № 1.log
  for (Format f : {Format::zip, Format::tar, Format::sevenzip}) {
    fs::path file = t.path / (f == Format::zip ? "u.zip" : f == Format::tar ? "u.tar" : "u.7z");
    if (f == Format::sevenzip) {
      // libarchive's 7z writer needs a UTF-8 locale to store this name; reading must not.
      std::string previous = std::setlocale(LC_CTYPE, nullptr);
      if (!std::setlocale(LC_CTYPE, "C.UTF-8")) {
        WARN("no C.UTF-8 locale to write the 7z; skipped");
        continue;
      }
      write_archive(file, f, {{name, "utf"}});
      std::setlocale(LC_CTYPE, previous.c_str());
    } else {
      write_archive(file, f, {{name, "utf"}});
    }
    Bundle b = open_ok({file});
    INFO(b.entries()[0].note);
    REQUIRE(b.entries().size() == 2);
    CHECK(b.entries()[1].path == file.filename().string() + "/" + name);
    CHECK(b.entries()[1].kind == BundleEntryKind::file);
    CHECK(read_file(b.entries()[1].disk_path) == "utf");
  }
}

TEST_CASE("the temporary folder goes away with the Bundle", "[parsers][bundle]") {
  TempDir t;
  write_archive(t.path / "x.zip", Format::zip, {{"x.log", "x"}});
  fs::path temp;
  {
    Bundle b = open_ok({t.path / "x.zip"});
    temp = bundle_temp_dir(b);
    REQUIRE_FALSE(temp.empty());
    REQUIRE(fs::exists(temp));
    Bundle moved(std::move(b));
    CHECK(b.entries().empty());
    CHECK(fs::exists(temp));  // moving hands the folder over
    CHECK(fs::exists(moved.entries()[1].disk_path));
  }
  CHECK_FALSE(fs::exists(temp));

  Bundle first = open_ok({t.path / "x.zip"});
  fs::path first_temp = bundle_temp_dir(first);
  Bundle second = open_ok({t.path / "x.zip"});
  fs::path second_temp = bundle_temp_dir(second);
  CHECK(first_temp != second_temp);
  first = std::move(second);  // move-assign removes the folder it replaces
  CHECK_FALSE(fs::exists(first_temp));
  CHECK(fs::exists(second_temp));
}

TEST_CASE("a missing PATH is an I/O error", "[parsers][bundle]") {
  TempDir t;
  write_file(t.path / "there.log", "x");
  auto r = Bundle::open({t.path / "there.log", t.path / "not-there.zip"});
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().kind() == pm::ErrorKind::io);
  CHECK(r.status().message().find("not-there.zip") != std::string::npos);
  CHECK(r.status().message().find("no such file") != std::string::npos);
}
