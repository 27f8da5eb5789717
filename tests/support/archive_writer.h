// Writes small archives for tests with libarchive's write API (zip, 7z,
// tar.gz), including hostile member names that no normal tool would write.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <string>
#include <utility>
#include <vector>

namespace pm::test {

struct ArchiveMember {
  std::string name;
  std::string content;
  std::string symlink_target;  // non-empty: a symbolic link entry
};

enum class ArchiveKind { zip, seven_zip, tar_gz };

inline bool write_archive(const std::string& file, ArchiveKind kind, const std::vector<ArchiveMember>& members) {
  archive* a = archive_write_new();
  switch (kind) {
    case ArchiveKind::zip: archive_write_set_format_zip(a); break;
    case ArchiveKind::seven_zip: archive_write_set_format_7zip(a); break;
    case ArchiveKind::tar_gz:
      archive_write_set_format_pax_restricted(a);
      archive_write_add_filter_gzip(a);
      break;
  }
  if (archive_write_open_filename(a, file.c_str()) != ARCHIVE_OK) {
    archive_write_free(a);
    return false;
  }
  for (const auto& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.name.c_str());
    archive_entry_set_mtime(e, 1710252000, 0);
    if (!m.symlink_target.empty()) {
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, m.symlink_target.c_str());
      archive_entry_set_perm(e, 0777);
      archive_write_header(a, e);
    } else {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, 0644);
      archive_entry_set_size(e, static_cast<la_int64_t>(m.content.size()));
      archive_write_header(a, e);
      archive_write_data(a, m.content.data(), m.content.size());
    }
    archive_entry_free(e);
  }
  bool ok = archive_write_close(a) == ARCHIVE_OK;
  archive_write_free(a);
  return ok;
}

}  // namespace pm::test
