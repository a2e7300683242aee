#include "settings.hpp"

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

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

    s.removeUnfavorited = options.boolean("remove_unfavorited", false);
    return s;
}

}  // namespace pixsync::folder
