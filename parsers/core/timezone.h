// Time zones for local-time sources, backed by ICU's tz data (DST applied).
// A zone is named by an IANA id ("America/New_York"), a Windows zone id
// ("Eastern Standard Time"), a Windows display name as systeminfo prints it
// ("(UTC-05:00) Eastern Time (US & Canada)", from data/windows_zone_names.tsv),
// or "UTC". ZoneConverter is immutable after creation except for an internal
// cache, so each thread uses its own copy (copies are cheap).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "parsers/core/status.h"

namespace pm {

struct LocalToUtc {
  int64_t utc_seconds = 0;
  bool ambiguous = false;    // fell in a DST fall-back hour; the earlier (DST) reading is used
  bool nonexistent = false;  // fell in a DST gap; shifted by the standard offset
};

class ZoneConverter {
 public:
  ZoneConverter();  // UTC
  ZoneConverter(const ZoneConverter& other);
  ZoneConverter& operator=(const ZoneConverter& other);
  ~ZoneConverter();

  // Resolves any accepted zone name; a clear error names what was not understood.
  static Result<ZoneConverter> from_name(std::string_view name);

  const std::string& iana_id() const { return iana_; }  // canonical IANA id, "UTC" for UTC
  const std::string& given_name() const { return given_; }
  bool is_utc() const { return utc_; }

  // Converts a wall-clock reading (seconds since the epoch as if it were UTC).
  LocalToUtc to_utc(int64_t local_seconds) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string iana_ = "UTC";
  std::string given_ = "UTC";
  bool utc_ = true;
  // Cache: local times in one 15-minute slot share an offset (every tz rule
  // changes on a quarter hour).
  mutable int64_t cached_slot_ = INT64_MIN;
  mutable LocalToUtc cached_{};
  mutable int64_t cached_offset_ = 0;
};

// Maps a Windows zone display name (as printed by systeminfo / tzutil) to its
// Windows zone id; empty when unknown. Matching ignores case and spacing.
std::string windows_zone_id_for_display_name(std::string_view display_name);

// Maps a Windows zone id to an IANA id through ICU's CLDR data; empty when unknown.
std::string iana_for_windows_zone_id(std::string_view windows_id);

}  // namespace pm
