#pragma once
/// @file clock.hpp
/// Time as the engine sees it. Production code uses SystemClock; tests use a fake clock so
/// backoff, pauses and reconcile intervals are deterministic.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

namespace pixsync {

/// Wall-clock time points used throughout pixsync (stored in state as Unix milliseconds).
using TimePoint = std::chrono::system_clock::time_point;
using Duration = std::chrono::milliseconds;

/// Source of the current time.
class Clock {
  public:
    virtual ~Clock() = default;
    /// The current time.
    virtual TimePoint now() const = 0;
};

/// The real clock.
class SystemClock final : public Clock {
  public:
    TimePoint now() const override { return std::chrono::system_clock::now(); }
};

/// Milliseconds since the Unix epoch, the form times take in state stores.
inline std::int64_t toUnixMillis(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
/// The earliest and latest times a TimePoint holds (about 292 years either side of 1970), in
/// Unix milliseconds.
inline constexpr std::int64_t kMinUnixMillis =
    std::chrono::duration_cast<std::chrono::milliseconds>(TimePoint::min().time_since_epoch())
        .count();
inline constexpr std::int64_t kMaxUnixMillis =
    std::chrono::duration_cast<std::chrono::milliseconds>(TimePoint::max().time_since_epoch())
        .count();
/// Inverse of toUnixMillis(). A stored time outside what a TimePoint holds (a damaged or
/// hand-edited state) becomes the nearest one that fits instead of overflowing.
inline TimePoint fromUnixMillis(std::int64_t ms) {
    return TimePoint(std::chrono::milliseconds(std::clamp(ms, kMinUnixMillis, kMaxUnixMillis)));
}

/// ISO 8601 in UTC to the second, as pixsync shows times: "2026-12-04T21:00:00Z".
std::string isoUtc(TimePoint t);
/// The same to the millisecond, as log lines carry it: "2026-12-04T21:00:00.123Z".
std::string isoUtcMillis(TimePoint t);

}  // namespace pixsync
