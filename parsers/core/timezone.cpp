#include "parsers/core/timezone.h"

#include "parsers/core/strings.h"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>

namespace pm {

struct ZoneConverter::Impl {
  std::unique_ptr<icu::BasicTimeZone> zone;
};

namespace {

std::string to_utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// The IANA id when ICU knows `id` as a zone (canonicalised), else empty.
std::string canonical_iana(std::string_view id) {
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString canonical;
  UBool is_system = false;
  icu::TimeZone::getCanonicalID(icu::UnicodeString::fromUTF8(icu::StringPiece(id.data(), id.size())),
                                canonical, is_system, err);
  if (U_FAILURE(err) || !is_system) return {};
  return to_utf8(canonical);
}

}  // namespace

std::string iana_for_windows_zone_id(std::string_view windows_id) {
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString iana;
  icu::TimeZone::getIDForWindowsID(
      icu::UnicodeString::fromUTF8(icu::StringPiece(windows_id.data(), windows_id.size())), nullptr, iana, err);
  if (U_FAILURE(err) || iana.isEmpty()) return {};
  return to_utf8(iana);
}

ZoneConverter::ZoneConverter() = default;
ZoneConverter::~ZoneConverter() = default;

ZoneConverter::ZoneConverter(const ZoneConverter& o)
    : iana_(o.iana_), given_(o.given_), utc_(o.utc_) {
  if (o.impl_) {
    impl_ = std::make_unique<Impl>();
    impl_->zone.reset(o.impl_->zone->clone());
  }
}

ZoneConverter& ZoneConverter::operator=(const ZoneConverter& o) {
  if (this != &o) {
    ZoneConverter copy(o);
    impl_ = std::move(copy.impl_);
    iana_ = o.iana_;
    given_ = o.given_;
    utc_ = o.utc_;
    cached_slot_ = INT64_MIN;
  }
  return *this;
}

Result<ZoneConverter> ZoneConverter::from_name(std::string_view name_in) {
  std::string name = trim(name_in);
  ZoneConverter z;
  z.given_ = name;
  if (name.empty())
    return Status::error(ErrorKind::usage, "empty time zone name");
  std::string iana;
  const std::string lower = ascii_lower(name);
  if (lower == "utc" || lower == "z" || lower == "gmt" || lower == "etc/utc") {
    z.iana_ = "UTC";
    return z;
  }
  if (name.find('/') != std::string::npos) iana = canonical_iana(name);
  if (iana.empty()) iana = iana_for_windows_zone_id(name);
  if (iana.empty()) {
    std::string win = windows_zone_id_for_display_name(name);
    if (!win.empty()) iana = iana_for_windows_zone_id(win);
  }
  if (iana.empty()) iana = canonical_iana(name);  // e.g. "EST5EDT"
  if (iana.empty())
    return Status::error(ErrorKind::usage,
                         "unknown time zone '" + name +
                             "': give an IANA name (Europe/Berlin), a Windows zone id (W. Europe Standard Time) "
                             "or the display name systeminfo prints ((UTC+01:00) Amsterdam, Berlin, ...)");
  if (iana == "UTC" || iana == "Etc/UTC" || iana == "Etc/GMT") {
    z.iana_ = "UTC";
    return z;
  }
  icu::TimeZone* tz = icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(iana));
  auto* basic = dynamic_cast<icu::BasicTimeZone*>(tz);
  if (!basic) {
    delete tz;
    return Status::error(ErrorKind::unsupported, "time zone '" + iana + "' has no transition rules in ICU");
  }
  z.impl_ = std::make_unique<Impl>();
  z.impl_->zone.reset(basic);
  z.iana_ = iana;
  z.utc_ = false;
  return z;
}

LocalToUtc ZoneConverter::to_utc(int64_t local_seconds) const {
  if (utc_) return {local_seconds, false, false};
  int64_t slot = local_seconds >= 0 ? local_seconds / 900 : (local_seconds - 899) / 900;
  if (slot == cached_slot_) {
    LocalToUtc r = cached_;
    r.utc_seconds = local_seconds - cached_offset_;
    return r;
  }
  UErrorCode err = U_ZERO_ERROR;
  int32_t raw_former = 0, dst_former = 0, raw_latter = 0, dst_latter = 0;
  const UDate local_ms = static_cast<UDate>(local_seconds) * 1000.0;
  impl_->zone->getOffsetFromLocal(local_ms, UCAL_TZ_LOCAL_FORMER, UCAL_TZ_LOCAL_FORMER, raw_former, dst_former, err);
  impl_->zone->getOffsetFromLocal(local_ms, UCAL_TZ_LOCAL_LATTER, UCAL_TZ_LOCAL_LATTER, raw_latter, dst_latter, err);
  LocalToUtc r;
  int64_t off_former = (int64_t{raw_former} + dst_former) / 1000;
  int64_t off_latter = (int64_t{raw_latter} + dst_latter) / 1000;
  // In a fall-back overlap the two choices differ and both round-trip; in a
  // spring-forward gap neither round-trips to the same wall clock.
  int64_t chosen = off_former;
  if (off_former != off_latter) {
    int32_t raw = 0, dst = 0;
    UErrorCode e2 = U_ZERO_ERROR;
    impl_->zone->getOffset(static_cast<UDate>(local_seconds - off_former) * 1000.0, false, raw, dst, e2);
    bool former_round_trips = (int64_t{raw} + dst) / 1000 == off_former;
    if (former_round_trips) {
      r.ambiguous = true;
      chosen = std::max(off_former, off_latter);  // the earlier instant: still daylight time
    } else {
      r.nonexistent = true;
      chosen = std::min(off_former, off_latter);
    }
  }
  r.utc_seconds = local_seconds - chosen;
  cached_slot_ = slot;
  cached_ = r;
  cached_offset_ = chosen;
  return r;
}

}  // namespace pm
