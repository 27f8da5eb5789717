// How the test binary was built. Sanitizer builds (-DPM_SANITIZE=ON, run by
// .ci/sanitize) are several times slower and keep shadow memory and a
// quarantine, so tests scale their wall-time limits by time_factor and do not
// check resident-memory limits there (the normal build checks them).
#pragma once

namespace pm::test {

#ifdef PM_SANITIZED
inline constexpr bool sanitized_build = true;
inline constexpr double time_factor = 6.0;
#else
inline constexpr bool sanitized_build = false;
inline constexpr double time_factor = 1.0;
#endif

}  // namespace pm::test
