#include "media/vips_runtime.hpp"

#include <vips/vips.h>

#include <mutex>
#include <optional>
#include <string>

#include "pixsync/error.hpp"
#include "pixsync/media_transform.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::media {

namespace {

// libvips and GLib's log handlers are process-wide, so the log their warnings go to is too.
std::mutex warningLogMutex;
std::optional<Logger> warningLog;

/// GLib log handler for the "VIPS" domain: warnings about a file ("read gave 2 warnings",
/// "premature end of JPEG file") are details of a conversion, for the debug log, not for
/// standard error outside the log's format.
void forwardVipsMessage(const gchar*, GLogLevelFlags, const gchar* message, gpointer) {
    std::lock_guard lock(warningLogMutex);
    if (warningLog) warningLog->debug(cat("libvips: ", message ? message : ""));
}

}  // namespace

void logMediaDetail(std::string_view text) {
    std::lock_guard lock(warningLogMutex);
    if (warningLog) warningLog->debug(text);
}

void ensureVipsStarted() {
    static std::once_flag started;
    std::call_once(started, [] {
        if (VIPS_INIT("pixsync") != 0) {
            std::string reason = vips_error_buffer();
            vips_error_clear();
            throw Error(ErrorKind::Internal, "cannot start libvips: " + reason);
        }
        // Each file is converted once; caching decoded images would only hold memory.
        vips_cache_set_max(16);
        vips_cache_set_max_mem(32 * 1024 * 1024);
        vips_block_untrusted_set(TRUE);
        const auto levels = static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE |
                                                        G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG);
        g_log_set_handler("VIPS", levels, forwardVipsMessage, nullptr);
    });
}

}  // namespace pixsync::media

namespace pixsync {

void setMediaLog(const Logger& log) {
    std::lock_guard lock(media::warningLogMutex);
    media::warningLog = log;
}

}  // namespace pixsync
