#include "poll_interval.hpp"

#include <charconv>

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::cli {

namespace {
constexpr const char* kVariable = "PIXSYNC_TEST_POLL_INTERVAL_MS";
}

std::optional<Duration> testPollInterval(const Environment& environment, const Logger& log) {
    const auto it = environment.find(kVariable);
    if (it == environment.end()) return std::nullopt;
#ifdef PIXSYNC_TEST_HOOKS
    long milliseconds = 0;
    const std::string& text = it->second;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), milliseconds);
    if (ec != std::errc() || end != text.data() + text.size() || milliseconds < 100 ||
        milliseconds > 60'000)
        throw Error(ErrorKind::Config,
                    cat(kVariable, " is '", text, "': a whole number of milliseconds from 100 to ",
                        "60000 is needed; unset it to poll as the configuration says"));
    log.info(cat(kVariable, ": polling every ", milliseconds,
                 " ms instead of the configured interval (a test build)"));
    return Duration(milliseconds);
#else
    log.warning(cat(kVariable, " is ignored: only a build configured with -DPIXSYNC_TEST_HOOKS=ON ",
                    "honours it; polling as configured"));
    return std::nullopt;
#endif
}

}  // namespace pixsync::cli
