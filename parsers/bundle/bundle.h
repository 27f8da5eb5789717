// Bundle walking: turns the PATH arguments of `ingest` (files, folders,
// archives, nested archives) into a flat, ordered list of regular files on
// disk. Archives (.zip, .cab, .7z, .tar, .tar.gz/.tgz, .tar.bz2, .tar.xz,
// and single gzip/bzip2/xz-compressed files), recognised by content, are
// unpacked with libarchive into a private temporary folder that the Bundle
// owns and deletes. Unpacking is safe: no entry may escape the folder
// (absolute paths, '..', drive letters, symlinks and hard links are
// refused), and limits on total bytes, entry count, entry size and nesting
// depth are enforced; each refusal becomes an entry with a clear note.
// Not thread-safe; the returned paths stay valid while the Bundle lives.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "parsers/core/status.h"

namespace pm {

struct BundleLimits {
  uint64_t max_total_bytes = 16ULL << 30;  // all unpacked bytes of one PATH
  uint64_t max_entry_bytes = 4ULL << 30;   // one unpacked entry
  uint64_t max_entries = 100000;           // entries across all archives of one PATH
  int max_depth = 4;                       // archives inside archives
  uint64_t max_ratio = 200;                // unpacked / packed bytes for one archive (bomb guard), above 64 MiB
};

enum class BundleEntryKind {
  file,     // a regular file to sniff and parse (disk_path is readable)
  archive,  // an archive that was unpacked; its members follow it in the list
  refused,  // an entry that was not unpacked or not read; note says why
};

struct BundleEntry {
  BundleEntryKind kind = BundleEntryKind::file;
  std::filesystem::path disk_path;  // readable file (the original, or unpacked in the temp folder)
  std::string bundle;               // the PATH argument this came from, as given
  std::string path;                 // path inside the bundle, '/'-separated; members of archives
                                    // as "outer.zip/dir/inner.tar.gz/file.log"; a file PATH is its base name
  int parent = -1;                  // index of the containing archive entry in entries(), or -1
  int depth = 0;                    // archive nesting depth (0 = not inside an archive)
  std::string archive_format;       // for archives: zip, 7z, cab, tar, gzip, ...
  std::string note;                 // refused: why; archive: member summary or partial-unpack warning
  int64_t mtime = 0;                // modification time (seconds since epoch): archive entry or file
  uint64_t size = 0;                // bytes on disk (0 for refused entries)
};

class Bundle {
 public:
  Bundle() = default;
  Bundle(Bundle&&) noexcept;
  Bundle& operator=(Bundle&&) noexcept;
  Bundle(const Bundle&) = delete;
  Bundle& operator=(const Bundle&) = delete;
  ~Bundle();  // removes the temporary folder

  // Walks every path in order (folders recursively, sorted by name so the
  // order is stable). Fails only when a PATH itself does not exist or cannot
  // be read; problems inside a PATH become refused entries.
  static Result<Bundle> open(const std::vector<std::filesystem::path>& paths, const BundleLimits& limits = {});

  const std::vector<BundleEntry>& entries() const { return entries_; }

 private:
  std::vector<BundleEntry> entries_;
  std::filesystem::path temp_dir_;
};

// True when the first bytes are an archive or compressed stream the walker unpacks.
bool looks_like_archive(std::string_view head);

}  // namespace pm
