#include "parsers/bundle/bundle.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string_view>
#include <system_error>
#include <unordered_set>

#include "parsers/bundle/member_names.h"
#include "parsers/core/text.h"

#if !defined(_WIN32)
#include <locale.h>
#endif

namespace pm {
namespace {

namespace fs = std::filesystem;
using namespace bundle_detail;

constexpr uint64_t kBombFloor = 64ULL << 20;  // the ratio guard applies above this many unpacked bytes
constexpr size_t kHeadBytes = 512;            // enough for the tar magic at offset 257
constexpr size_t kBufferBytes = 256 * 1024;
constexpr int kMaxHeaderFailures = 16;        // unreadable headers in a row before giving up

using namespace std::string_view_literals;

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Compressed streams (not containers): a single file inside is read with format_raw.
bool is_compressed_stream(std::string_view head) {
  if (starts_with(head, "\x1F\x8B\x08"sv)) return true;                      // gzip, deflate
  if (starts_with(head, "\xFD" "7zXZ\x00"sv)) return true;                   // xz
  if (starts_with(head, "\x28\xB5\x2F\xFD"sv)) return true;                  // zstd
  if (head.size() >= 10 && starts_with(head, "BZh"sv) && head[3] >= '1' && head[3] <= '9') {
    std::string_view block = head.substr(4, 6);                               // bzip2 block or end-of-stream magic
    return block == "\x31\x41\x59\x26\x53\x59"sv || block == "\x17\x72\x45\x38\x50\x90"sv;
  }
  return false;
}

std::string format_from_magic(std::string_view head) {
  if (starts_with(head, "PK"sv)) return "zip";
  if (starts_with(head, "MSCF"sv)) return "cab";
  if (starts_with(head, "7z"sv)) return "7z";
  if (starts_with(head, "Rar!"sv)) return "rar";
  if (starts_with(head, "\x1F\x8B"sv)) return "gzip";
  if (starts_with(head, "BZh"sv)) return "bzip2";
  if (starts_with(head, "\xFD" "7zXZ"sv)) return "xz";
  if (starts_with(head, "\x28\xB5\x2F\xFD"sv)) return "zstd";
  return "tar";
}

std::string os_error(int err) {
  return err != 0 ? std::error_code(err, std::generic_category()).message() : std::string("unknown error");
}

// The first bytes of a file, or the OS error.
struct FirstBytes {
  bool ok = false;
  std::string bytes;
  std::string error;
};

FirstBytes read_first_bytes(const fs::path& file) {
  FirstBytes r;
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    r.error = os_error(errno);
    return r;
  }
  r.bytes.resize(kHeadBytes);
  in.read(r.bytes.data(), static_cast<std::streamsize>(r.bytes.size()));
  if (in.bad()) {
    r.error = os_error(errno);
    return r;
  }
  r.bytes.resize(static_cast<size_t>(in.gcount()));
  r.ok = true;
  return r;
}

int64_t file_mtime(const fs::path& p) {
  std::error_code ec;
  auto t = fs::last_write_time(p, ec);
  if (ec) return 0;
  auto sys = std::chrono::file_clock::to_sys(t);
  return std::chrono::duration_cast<std::chrono::seconds>(sys.time_since_epoch()).count();
}

// The modification time in a gzip header (0 when not recorded).
int64_t gzip_header_mtime(std::string_view head) {
  if (head.size() < 8 || !starts_with(head, "\x1F\x8B"sv)) return 0;
  uint32_t t = 0;
  for (int i = 3; i >= 0; --i) t = (t << 8) | static_cast<unsigned char>(head[4 + i]);
  return t;
}

std::string archive_error(struct archive* a) {
  const char* s = archive_error_string(a);
  if (s && *s) return s;
  int err = archive_errno(a);
  return err > 0 ? os_error(err) : std::string("unknown error");
}

std::string format_name(struct archive* a) {
  int filter = archive_filter_count(a) > 0 ? archive_filter_code(a, 0) : ARCHIVE_FILTER_NONE;
  std::string stream, ext;
  switch (filter) {
    case ARCHIVE_FILTER_GZIP: stream = "gzip"; ext = "gz"; break;
    case ARCHIVE_FILTER_BZIP2: stream = "bzip2"; ext = "bz2"; break;
    case ARCHIVE_FILTER_XZ: stream = "xz"; ext = "xz"; break;
    case ARCHIVE_FILTER_LZMA: stream = "lzma"; ext = "lzma"; break;
    case ARCHIVE_FILTER_ZSTD: stream = "zstd"; ext = "zst"; break;
    default: break;
  }
  std::string base;
  switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_RAW: return stream.empty() ? "raw" : stream;
    case ARCHIVE_FORMAT_TAR: base = "tar"; break;
    case ARCHIVE_FORMAT_ZIP: base = "zip"; break;
    case ARCHIVE_FORMAT_7ZIP: base = "7z"; break;
    case ARCHIVE_FORMAT_CAB: base = "cab"; break;
    case ARCHIVE_FORMAT_RAR:
    case ARCHIVE_FORMAT_RAR_V5: base = "rar"; break;
    default: base = "archive"; break;
  }
  return ext.empty() ? base : base + "." + ext;
}

// libarchive converts member names through the current locale's character
// set. In the default "C" locale, non-ASCII names (7z and cab store UTF-16)
// cannot be converted and come back empty. While an archive is read, this
// thread uses a UTF-8 LC_CTYPE, so names arrive as UTF-8 whatever the process
// locale. (On Windows libarchive keeps names as wide strings: nothing to do.)
class Utf8NamesScope {
 public:
#if !defined(_WIN32)
  Utf8NamesScope() {
    for (const char* name : {"C.UTF-8", "C.utf8", "en_US.UTF-8"}) {
      utf8_ = newlocale(LC_CTYPE_MASK, name, static_cast<locale_t>(0));
      if (utf8_ != static_cast<locale_t>(0)) break;
    }
    if (utf8_ != static_cast<locale_t>(0)) previous_ = uselocale(utf8_);
  }
  ~Utf8NamesScope() {
    if (utf8_ != static_cast<locale_t>(0)) {
      uselocale(previous_);
      freelocale(utf8_);
    }
  }
#else
  Utf8NamesScope() = default;
#endif
  Utf8NamesScope(const Utf8NamesScope&) = delete;
  Utf8NamesScope& operator=(const Utf8NamesScope&) = delete;

 private:
#if !defined(_WIN32)
  locale_t utf8_ = static_cast<locale_t>(0);
  locale_t previous_ = static_cast<locale_t>(0);
#endif
};

struct ArchiveCloser {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<struct archive, ArchiveCloser>;

std::string random_hex(size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd() ^
                      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(kHex[gen() & 15]);
  return s;
}

void remove_temp_dir(fs::path& dir) noexcept {
  if (dir.empty()) return;
  std::error_code ec;
  fs::remove_all(dir, ec);
  dir.clear();
}

void remove_file_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
}

// Builds the entry list for Bundle::open.
class Walker {
 public:
  Walker(std::vector<BundleEntry>& entries, fs::path& temp_dir, const BundleLimits& limits)
      : entries_(entries), temp_dir_(temp_dir), limits_(limits) {}

  Status add_path(const fs::path& path);

 private:
  // Per PATH: what all its archives have used so far.
  struct Budget {
    uint64_t members = 0;
    uint64_t bytes = 0;
  };
  // Disk names used inside one archive's folder (case-folded), to avoid collisions.
  struct DiskNames {
    std::unordered_set<std::string> files, dirs;
    int duplicates = 0;
  };

  Status walk_folder(const fs::path& root);
  void add_refused(const std::string& path, int parent, int depth, std::string note, int64_t mtime = 0);
  void add_file(const fs::path& disk, const std::string& display, int parent, int depth, int64_t mtime,
                uint64_t size, const std::string& head);
  void unpack(int index, const std::string& head);
  Status ensure_temp_dir();
  fs::path member_disk_path(const fs::path& out_dir, const fs::path& dup_dir, const std::vector<std::string>& parts,
                            DiskNames& names);

  std::vector<BundleEntry>& entries_;
  fs::path& temp_dir_;
  const BundleLimits& limits_;
  std::string bundle_;  // the PATH being walked, as given
  Budget budget_;
  int archive_counter_ = 0;
  std::vector<char> buffer_;
};

Status Walker::add_path(const fs::path& path) {
  bundle_ = path_to_utf8(path);
  budget_ = {};
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::not_found) return Status::error(ErrorKind::io, "no such file or folder: " + bundle_);
  if (ec) return Status::error(ErrorKind::io, "cannot access " + bundle_ + ": " + ec.message());
  if (fs::is_directory(st)) return walk_folder(path);
  if (!fs::is_regular_file(st)) return Status::error(ErrorKind::io, "not a regular file or folder: " + bundle_);
  FirstBytes head = read_first_bytes(path);
  if (!head.ok) return Status::error(ErrorKind::io, "cannot read " + bundle_ + ": " + head.error);
  uint64_t size = fs::file_size(path, ec);
  if (ec) size = 0;
  add_file(path, path_to_utf8(path.filename()), -1, 0, file_mtime(path), size, head.bytes);
  return Status::ok();
}

Status Walker::walk_folder(const fs::path& root) {
  struct Item {
    fs::path rel;
    fs::file_type type = fs::file_type::unknown;
    std::string error;
  };
  std::vector<Item> items;
  std::vector<fs::path> pending{fs::path()};
  while (!pending.empty()) {
    fs::path rel = std::move(pending.back());
    pending.pop_back();
    std::error_code ec;
    fs::directory_iterator it(rel.empty() ? root : root / rel, ec);
    if (ec) {
      if (rel.empty()) return Status::error(ErrorKind::io, "cannot read folder " + bundle_ + ": " + ec.message());
      items.push_back({rel, fs::file_type::directory, "folder could not be read: " + ec.message()});
      continue;
    }
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      fs::path child = rel / it->path().filename();
      std::error_code tec;
      fs::file_status s = it->symlink_status(tec);
      if (tec)
        items.push_back({child, fs::file_type::unknown, "cannot examine: " + tec.message()});
      else if (s.type() == fs::file_type::directory)
        pending.push_back(child);
      else
        items.push_back({child, s.type(), {}});
    }
    if (ec) items.push_back({rel, fs::file_type::directory, "folder listing stopped: " + ec.message()});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.rel < b.rel; });

  for (const Item& item : items) {
    std::string display = generic_utf8(item.rel);
    fs::path disk = root / item.rel;
    if (!item.error.empty()) {
      add_refused(display, -1, 0, item.error);
    } else if (item.type == fs::file_type::symlink) {
      add_refused(display, -1, 0, "symbolic link not followed");
    } else if (item.type != fs::file_type::regular) {
      add_refused(display, -1, 0, "not a regular file (device, fifo or socket)");
    } else {
      FirstBytes head = read_first_bytes(disk);
      if (!head.ok) {
        add_refused(display, -1, 0, "cannot read: " + head.error, file_mtime(disk));
        continue;
      }
      std::error_code ec;
      uint64_t size = fs::file_size(disk, ec);
      add_file(disk, display, -1, 0, file_mtime(disk), ec ? 0 : size, head.bytes);
    }
  }
  return Status::ok();
}

void Walker::add_refused(const std::string& path, int parent, int depth, std::string note, int64_t mtime) {
  BundleEntry e;
  e.kind = BundleEntryKind::refused;
  e.bundle = bundle_;
  e.path = path;
  e.parent = parent;
  e.depth = depth;
  e.note = std::move(note);
  e.mtime = mtime;
  entries_.push_back(std::move(e));
}

void Walker::add_file(const fs::path& disk, const std::string& display, int parent, int depth, int64_t mtime,
                      uint64_t size, const std::string& head) {
  BundleEntry e;
  e.kind = BundleEntryKind::file;
  e.disk_path = disk;
  e.bundle = bundle_;
  e.path = display;
  e.parent = parent;
  e.depth = depth;
  e.mtime = mtime;
  e.size = size;
  if (!looks_like_archive(head)) {
    entries_.push_back(std::move(e));
    return;
  }
  e.archive_format = format_from_magic(head);
  if (depth > limits_.max_depth) {
    e.kind = BundleEntryKind::refused;
    e.note = "nested archive not unpacked: deeper than max_depth (" + std::to_string(limits_.max_depth) + ")";
    if (parent >= 0) remove_file_quietly(disk);  // an unpacked member in our temp folder
    e.disk_path.clear();
    e.size = 0;
    entries_.push_back(std::move(e));
    return;
  }
  e.kind = BundleEntryKind::archive;
  entries_.push_back(std::move(e));
  unpack(static_cast<int>(entries_.size()) - 1, head);
}

Status Walker::ensure_temp_dir() {
  if (!temp_dir_.empty()) return Status::ok();
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) return Status::error(ErrorKind::io, "no temporary folder: " + ec.message());
  for (int attempt = 0; attempt < 32; ++attempt) {
    fs::path dir = base / ("pushmortem-" + random_hex(16));
    if (fs::create_directory(dir, ec)) {
      fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);  // best effort
      temp_dir_ = dir;
      return Status::ok();
    }
    if (ec && ec != std::errc::file_exists)
      return Status::error(ErrorKind::io, "cannot create a temporary folder in " + path_to_utf8(base) + ": " + ec.message());
  }
  return Status::error(ErrorKind::io, "cannot create a unique temporary folder in " + path_to_utf8(base));
}

fs::path Walker::member_disk_path(const fs::path& out_dir, const fs::path& dup_dir,
                                  const std::vector<std::string>& parts, DiskNames& names) {
  std::vector<std::string> disk;
  disk.reserve(parts.size());
  for (const auto& p : parts) disk.push_back(disk_component(p));
  // Collides when the folded name is already a file or folder, or a folder on its way is a file.
  std::string key;
  std::vector<std::string> prefixes;
  bool clash = false;
  for (size_t i = 0; i < disk.size(); ++i) {
    if (i) key.push_back('/');
    key += fold_case(disk[i]);
    if (i + 1 < disk.size()) {
      if (names.files.count(key)) clash = true;
      prefixes.push_back(key);
    }
  }
  if (names.files.count(key) || names.dirs.count(key)) clash = true;
  if (clash) {
    // Same name up to case (or a file/folder clash): a private folder per duplicate keeps both.
    return dup_dir / std::to_string(++names.duplicates) / path_from_utf8(disk.back());
  }
  names.files.insert(key);
  for (auto& p : prefixes) names.dirs.insert(std::move(p));
  fs::path out = out_dir;
  for (const auto& d : disk) out /= path_from_utf8(d);
  return out;
}

void Walker::unpack(int index, const std::string& head) {
  // entries_ may grow (and move) while unpacking: always go through the index.
  const std::string archive_path = entries_[index].path;
  const int member_depth = entries_[index].depth + 1;
  const uint64_t packed = std::max<uint64_t>(entries_[index].size, 1);
  const bool raw = is_compressed_stream(head);

  Status temp = ensure_temp_dir();
  if (!temp) {
    entries_[index].note = "not unpacked: " + temp.message();
    return;
  }
  const std::string folder = "a" + std::to_string(++archive_counter_);
  const fs::path out_dir = temp_dir_ / folder;
  const fs::path dup_dir = temp_dir_ / (folder + "-dup");
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) {
    entries_[index].note = "not unpacked: cannot create " + path_to_utf8(out_dir) + ": " + ec.message();
    return;
  }

  Utf8NamesScope utf8_names;  // before the archive object, which caches the locale's character set
  ArchivePtr holder(archive_read_new());
  struct archive* a = holder.get();
  if (!a) {
    entries_[index].note = "not unpacked: out of memory";
    return;
  }
  archive_read_support_format_zip(a);
  archive_read_support_format_7zip(a);
  archive_read_support_format_cab(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  archive_read_support_format_rar(a);
  archive_read_support_format_rar5(a);
  if (raw) archive_read_support_format_raw(a);  // only for compressed streams: raw accepts anything
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_bzip2(a);
  archive_read_support_filter_xz(a);
  archive_read_support_filter_lzma(a);
  archive_read_support_filter_zstd(a);

  const fs::path disk = entries_[index].disk_path;
#ifdef _WIN32
  int r = archive_read_open_filename_w(a, disk.c_str(), 64 * 1024);
#else
  int r = archive_read_open_filename(a, disk.c_str(), 64 * 1024);
#endif
  if (r != ARCHIVE_OK) {
    entries_[index].note = "damaged archive: " + archive_error(a) + " after 0 members";
    return;
  }
  if (buffer_.size() < kBufferBytes) buffer_.resize(kBufferBytes);

  uint64_t members = 0, files = 0, refused = 0, unpacked = 0;
  int header_failures = 0;
  bool format_known = false;
  std::string stop;                   // why unpacking stopped early
  std::vector<std::string> warnings;  // members with damaged data
  DiskNames names;

  auto refuse = [&](const std::string& shown, std::string note, int64_t mtime) {
    add_refused(archive_path + "/" + shown, index, member_depth, std::move(note), mtime);
    ++refused;
  };

  for (;;) {
    struct archive_entry* ae = nullptr;
    r = archive_read_next_header(a, &ae);
    if (r == ARCHIVE_EOF) break;
    if (r == ARCHIVE_FATAL) {
      stop = "damaged archive: " + archive_error(a) + " after " + std::to_string(members) + " members";
      break;
    }
    if (!format_known) {
      entries_[index].archive_format = format_name(a);
      format_known = true;
    }
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {  // ARCHIVE_FAILED / ARCHIVE_RETRY: skip this member
      if (++header_failures > kMaxHeaderFailures) {
        stop = "damaged archive: " + archive_error(a) + " after " + std::to_string(members) + " members";
        break;
      }
      if (budget_.members >= limits_.max_entries) {
        stop = "entry limit reached (max_entries " + std::to_string(limits_.max_entries) +
               " for this PATH); remaining members not extracted";
        break;
      }
      ++budget_.members;
      ++members;
      refuse("(member " + std::to_string(members) + ")", "unreadable member header: " + archive_error(a), 0);
      continue;
    }
    header_failures = 0;

    // The name: UTF-8 when libarchive can give it, else the raw bytes decoded leniently.
    std::string name;
    bool raw_member = (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_RAW;
    if (raw_member) {
      name = raw_member_name(archive_path.substr(archive_path.rfind('/') + 1));
    } else if (const char* u = archive_entry_pathname_utf8(ae)) {
      name = u;
    } else if (const char* m = archive_entry_pathname(ae)) {
      append_utf8(name, m, Encoding::utf8);
    }
    MemberName clean = clean_member_name(name);
    const auto type = archive_entry_filetype(ae);
    if (type == AE_IFDIR || (clean.is_dir && type == AE_IFREG && archive_entry_size(ae) == 0)) continue;

    if (budget_.members >= limits_.max_entries) {
      stop = "entry limit reached (max_entries " + std::to_string(limits_.max_entries) +
             " for this PATH); remaining members not extracted";
      break;
    }
    ++budget_.members;
    ++members;
    int64_t mtime = archive_entry_mtime_is_set(ae) ? static_cast<int64_t>(archive_entry_mtime(ae)) : 0;
    if (raw_member && mtime == 0) mtime = gzip_header_mtime(head);

    if (!clean.ok) {
      refuse(name, clean.reason + " '" + name + "' not extracted", mtime);
      continue;
    }
    if (const char* link = archive_entry_hardlink(ae)) {
      const char* u = archive_entry_hardlink_utf8(ae);
      refuse(clean.display, std::string("hard link to '") + (u ? u : link) + "' not extracted", mtime);
      continue;
    }
    if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink_utf8(ae);
      if (!target) target = archive_entry_symlink(ae);
      refuse(clean.display, std::string("symbolic link to '") + (target ? target : "") + "' not extracted", mtime);
      continue;
    }
    if (type != AE_IFREG && type != 0) {
      refuse(clean.display, "device, fifo or socket member not extracted", mtime);
      continue;
    }
    if (archive_entry_is_encrypted(ae)) {
      refuse(clean.display, "encrypted member not extracted", mtime);
      continue;
    }
    if (archive_entry_size_is_set(ae) && archive_entry_size(ae) > 0 &&
        static_cast<uint64_t>(archive_entry_size(ae)) > limits_.max_entry_bytes) {
      refuse(clean.display,
             "member larger than max_entry_bytes (" + std::to_string(limits_.max_entry_bytes) + " bytes) not extracted",
             mtime);
      continue;
    }

    fs::path out_path = member_disk_path(out_dir, dup_dir, clean.components, names);
    fs::create_directories(out_path.parent_path(), ec);
    if (ec) {
      refuse(clean.display, "cannot create folder in the temporary folder: " + ec.message(), mtime);
      continue;
    }
    errno = 0;
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    if (!out) {
      refuse(clean.display, "cannot write to the temporary folder: " + os_error(errno), mtime);
      continue;
    }

    // Copy the data, enforcing the limits chunk by chunk.
    uint64_t written = 0;
    std::string refusal;    // member refused (partial file deleted)
    std::string damage;     // member data damaged (what was read is kept)
    bool fatal = false;
    for (;;) {
      la_ssize_t n = archive_read_data(a, buffer_.data(), buffer_.size());
      if (n == 0) break;
      if (n < 0) {
        damage = archive_error(a);
        fatal = n == ARCHIVE_FATAL;
        break;
      }
      const auto got = static_cast<uint64_t>(n);
      if (written + got > limits_.max_entry_bytes) {
        refusal = "member larger than max_entry_bytes (" + std::to_string(limits_.max_entry_bytes) +
                  " bytes) not extracted";
        break;
      }
      if (budget_.bytes + got > limits_.max_total_bytes) {
        refusal = "not extracted: total size limit reached";
        stop = "total unpacked size limit (max_total_bytes " + std::to_string(limits_.max_total_bytes) +
               " for this PATH) reached; remaining members not extracted";
        break;
      }
      unpacked += got;
      if (unpacked > kBombFloor &&
          static_cast<long double>(unpacked) >
              static_cast<long double>(packed) * static_cast<long double>(limits_.max_ratio)) {
        refusal = "not extracted: possible archive bomb";
        stop = "possible archive bomb: more than " + std::to_string(unpacked) + " bytes unpacked from " +
               std::to_string(packed) + " packed bytes (ratio above max_ratio " + std::to_string(limits_.max_ratio) +
               "); remaining members not extracted";
        break;
      }
      out.write(buffer_.data(), static_cast<std::streamsize>(got));
      if (!out) {
        refusal = "cannot write to the temporary folder: " + os_error(errno);
        break;
      }
      written += got;
      budget_.bytes += got;
    }
    out.close();
    if (refusal.empty() && out.fail()) refusal = "cannot write to the temporary folder: " + os_error(errno);
    if (!refusal.empty() || (!damage.empty() && written == 0)) {
      remove_file_quietly(out_path);
      budget_.bytes -= written;
      if (refusal.empty()) refusal = "member data unreadable: " + damage;
      refuse(clean.display, std::move(refusal), mtime);
    } else {
      std::string member_note;
      if (!damage.empty()) {
        member_note = "damaged member data: " + damage + " (" + std::to_string(written) + " bytes kept)";
        warnings.push_back(clean.display + ": " + damage);
      }
      ++files;
      FirstBytes member_head = read_first_bytes(out_path);
      size_t before = entries_.size();
      add_file(out_path, archive_path + "/" + clean.display, index, member_depth, mtime, written,
               member_head.ok ? member_head.bytes : std::string());
      if (!member_note.empty()) {
        std::string& note = entries_[before].note;
        note = note.empty() ? member_note : member_note + "; " + note;
      }
    }
    if (fatal) {
      stop = "damaged archive: " + damage + " after " + std::to_string(members - 1) + " members";
      break;
    }
    if (!stop.empty()) break;
  }

  std::string note = std::to_string(members) + (members == 1 ? " member" : " members") + ": " +
                     std::to_string(files) + " extracted, " + std::to_string(refused) + " refused, " +
                     std::to_string(unpacked) + " bytes unpacked";
  if (!warnings.empty()) {
    note += "; damaged member data in " + std::to_string(warnings.size()) + " member(s)";
  }
  if (!stop.empty()) note = stop + " (" + note + ")";
  entries_[index].note = std::move(note);
}

}  // namespace

bool looks_like_archive(std::string_view head) {
  if (starts_with(head, "PK\x03\x04"sv) || starts_with(head, "PK\x05\x06"sv)) return true;  // zip, empty zip
  if (starts_with(head, "MSCF"sv)) return true;                                             // cab
  if (starts_with(head, "7z\xBC\xAF\x27\x1C"sv)) return true;                               // 7z
  if (starts_with(head, "Rar!\x1A\x07"sv)) return true;                                     // rar 4 and 5
  if (head.size() >= 262 && head.substr(257, 5) == "ustar"sv) return true;                  // tar (POSIX and GNU)
  return is_compressed_stream(head);                                                       // gzip, bzip2, xz, zstd
}

Bundle::Bundle(Bundle&& other) noexcept
    : entries_(std::move(other.entries_)), temp_dir_(std::move(other.temp_dir_)) {
  other.entries_.clear();
  other.temp_dir_.clear();
}

Bundle& Bundle::operator=(Bundle&& other) noexcept {
  if (this != &other) {
    remove_temp_dir(temp_dir_);
    entries_ = std::move(other.entries_);
    temp_dir_ = std::move(other.temp_dir_);
    other.entries_.clear();
    other.temp_dir_.clear();
  }
  return *this;
}

Bundle::~Bundle() { remove_temp_dir(temp_dir_); }

Result<Bundle> Bundle::open(const std::vector<std::filesystem::path>& paths, const BundleLimits& limits) {
  Bundle bundle;
  Walker walker(bundle.entries_, bundle.temp_dir_, limits);
  for (const auto& path : paths) {
    Status s = walker.add_path(path);
    if (!s) return s;  // the partial bundle (and its temporary folder) goes away here
  }
  return Result<Bundle>(std::move(bundle));
}

}  // namespace pm
