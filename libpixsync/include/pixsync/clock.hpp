#pragma once
/// @file clock.hpp
/// Time as the engine sees it. Production code uses SystemClock; tests use a fake clock so
/// backoff, pauses and reconcile intervals are deterministic.

#include <chrono>

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
/// Inverse of toUnixMillis().
inline TimePoint fromUnixMillis(std::int64_t ms) {
    return TimePoint(std::chrono::milliseconds(ms));
}

}  // namespace pixsync
