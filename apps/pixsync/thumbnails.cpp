#include "thumbnails.hpp"

#include "media_library.hpp"
#include "pixsync/error.hpp"
#include "pixsync/state_location.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::cli {

std::unique_ptr<Thumbnails> openThumbnails(const Config& config, const Logger& log) {
    if (config.thumbnailBytes == 0) return nullptr;
    const auto location = StateLocation::of(config.state.options);
    if (!location) {
        log.info("the state store keeps no file; the status page shows no thumbnails");
        return nullptr;
    }
    const std::filesystem::path folder = location->thumbnails();
    using Open = Thumbnails* (*)(const char*, std::uint64_t, const Logger*, char*, unsigned long);
    auto open = reinterpret_cast<Open>(
        mediaSymbol("pixsync_media_open_thumbnails", "for the status page's thumbnails"));
    char error[512] = {};
    const Logger tagged = log.tagged("thumbnails");
    Thumbnails* thumbnails =
        open(folder.c_str(), config.thumbnailBytes, &tagged, error, sizeof error);
    if (!thumbnails) throw configError(error);
    return std::unique_ptr<Thumbnails>(thumbnails);
}

}  // namespace pixsync::cli
