#include "settings.hpp"

#include "pixsync/error.hpp"
#include "pixsync/strings.hpp"

namespace pixsync::folder {

FolderSettings readSettings(const Options& options) {
    FolderSettings s;
    if (!options.has("root"))
        throw configError(cat(options.where("root"),
                              ": missing; set it to the folder (share, USB stick) to write into"));
    s.root = options.path("root");

    FrameProfile base;
    base.maxWidth = 1920;
    base.maxHeight = 1080;
    base.jpegQuality = 90;
    base.maxVideoBytes = 100ull * 1024 * 1024;
    s.profiles = FrameProfiles::read(options, base);

    // The Sink interface has no way to hear that an asset stopped being a favorite, so the
    // sink cannot act on this yet; refusing is better than silently keeping the files.
    if (options.boolean("remove_unfavorited", false))
        throw configError(cat(options.where("remove_unfavorited"),
                              ": removing files of unfavorited photos is not supported by this "
                              "version of pixsync; set it to false"));
    return s;
}

}  // namespace pixsync::folder
