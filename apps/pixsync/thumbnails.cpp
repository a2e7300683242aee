#include "thumbnails.hpp"

#include <dlfcn.h>

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
    // Loaded only here, as for the test picture: linked into the command it would cost every
    // start about 0.1 s and 20 MB.
    void* media = ::dlopen(PIXSYNC_MEDIA_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!media) {
        const char* why = ::dlerror();
        throw Error(ErrorKind::Internal,
                    cat("cannot load ", PIXSYNC_MEDIA_LIBRARY, " for the status page's thumbnails (",
                        why ? why : "unknown reason", "); is pixsync installed completely?"));
    }
    using Open = Thumbnails* (*)(const char*, std::uint64_t, const Logger*, char*, unsigned long);
    auto open = reinterpret_cast<Open>(::dlsym(media, "pixsync_media_open_thumbnails"));
    if (!open)
        throw Error(ErrorKind::Internal, cat(PIXSYNC_MEDIA_LIBRARY, " has no thumbnail cache"));
    char error[512] = {};
    const Logger tagged = log.tagged("thumbnails");
    Thumbnails* thumbnails = open(folder.c_str(), config.thumbnailBytes, &tagged,
                                  error, sizeof error);
    if (!thumbnails) throw configError(error);
    return std::unique_ptr<Thumbnails>(thumbnails);
}

}  // namespace pixsync::cli
