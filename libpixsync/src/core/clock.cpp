#include "pixsync/clock.hpp"

#include <cstdio>
#include <ctime>

namespace pixsync {

namespace {

std::string format(TimePoint t, bool millis) {
    // Floored, so that a time before 1970 with a fraction falls in its own second.
    const auto whole = std::chrono::floor<std::chrono::seconds>(t);
    const std::time_t seconds = static_cast<std::time_t>(whole.time_since_epoch().count());
    std::tm parts{};
    ::gmtime_r(&seconds, &parts);
    char buffer[48];
    std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &parts);
    if (millis) {
        const auto ms = std::chrono::floor<std::chrono::milliseconds>(t) - whole;
        n += static_cast<std::size_t>(
            std::snprintf(buffer + n, sizeof buffer - n, ".%03d", static_cast<int>(ms.count())));
    }
    return std::string(buffer, n) + "Z";
}

}  // namespace

std::string isoUtc(TimePoint t) { return format(t, false); }
std::string isoUtcMillis(TimePoint t) { return format(t, true); }

}  // namespace pixsync
