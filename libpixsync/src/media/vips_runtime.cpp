#include "media/vips_runtime.hpp"

#include <dlfcn.h>
#include <gmodule.h>
#include <vips/vips.h>

#include <cstdlib>
#include <filesystem>
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

/// The folder libvips loads its modules from, next to the libvips library this process uses.
std::filesystem::path vipsModuleFolder() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&vips_init), &info) == 0 || info.dli_fname == nullptr)
        return {};
    return std::filesystem::path(info.dli_fname).parent_path() /
           cat("vips-modules-", vips_version(0), ".", vips_version(1));
}

/// At start libvips loads every module in its folder. Debian's are ImageMagick, poppler,
/// OpenSlide, JPEG XL and HEIF; all but HEIF are loaders libvips marks untrusted, which
/// pixsync blocks, and loading them costs about 7 MB of memory for nothing. libvips looks for
/// the folder under $VIPSHOME (and sets that variable itself when unset), so it is pointed at
/// a prefix where no folder can exist, and the HEIF module (HEIC, AVIF) is loaded here.
/// A VIPSHOME the user set is left alone.
std::filesystem::path keepOtherModulesOut() {
    if (std::getenv("VIPSHOME") != nullptr) return {};
    const auto folder = vipsModuleFolder();
    g_setenv("VIPSHOME", "/dev/null", TRUE);
    return folder;
}

void loadHeifModule(const std::filesystem::path& folder) {
    if (folder.empty()) return;
    const auto path = folder / "vips-heif.so";
    // Like libvips' own loading: a missing module only means HEIC cannot be decoded.
    if (g_module_open(path.c_str(), G_MODULE_BIND_LAZY) == nullptr)
        logMediaDetail(cat("libvips: HEIF module not loaded: ", g_module_error()));
}

}  // namespace

void logMediaDetail(std::string_view text) {
    std::lock_guard lock(warningLogMutex);
    if (warningLog) warningLog->debug(text);
}

void ensureVipsStarted() {
    static std::once_flag started;
    std::call_once(started, [] {
        const auto moduleFolder = keepOtherModulesOut();
        if (VIPS_INIT("pixsync") != 0) {
            std::string reason = vips_error_buffer();
            vips_error_clear();
            throw Error(ErrorKind::Internal, "cannot start libvips: " + reason);
        }
        loadHeifModule(moduleFolder);
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
