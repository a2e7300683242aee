#include "thumbnails.hpp"

#include "media_library.hpp"
#include "pixsync/error.hpp"
#include "pixsync/strings.hpp"
#include "state_files.hpp"

namespace pixsync::cli {

std::filesystem::path thumbnailFolder(const Config& config) {
    return statePath(config).parent_path() / "pixsync-thumbnails";
}

std::unique_ptr<Thumbnails> openThumbnails(const Config& config, const Logger& log) {
    if (config.thumbnailBytes == 0) return nullptr;
    std::filesystem::path folder;
    try {
        folder = thumbnailFolder(config);
    } catch (const Error&) {
        // A state without a path: the pipeline, checked next, names that mistake with the
        // others of its configuration; no thumbnails meanwhile.
        return nullptr;
    }
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
