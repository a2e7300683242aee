#include "settings.hpp"

#include "pixsync/error.hpp"
#include "pixsync/strings.hpp"

namespace pixsync::folder {

namespace {

constexpr std::int64_t kMiB = 1024 * 1024;

FrameProfile readProfile(const Options& options, FrameProfile base) {
    base.maxWidth = static_cast<int>(options.integer("max_width", base.maxWidth, 16, 16384));
    base.maxHeight = static_cast<int>(options.integer("max_height", base.maxHeight, 16, 16384));
    base.jpegQuality = static_cast<int>(options.integer("jpeg_quality", base.jpegQuality, 1, 100));
    return base;
}

}  // namespace

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
    const std::string background = options.string("background", "#ffffff");
    const auto color = parseRgbColor(background);
    if (!color)
        throw configError(cat(options.where("background"), ": '", background,
                              "' is not a colour; write it as #rrggbb, e.g. #000000"));
    base.background = *color;
    base.maxVideoBytes =
        static_cast<std::uint64_t>(options.integer("max_video_mb", 100, 1, 100000)) * kMiB;
    s.defaultProfile = readProfile(options, base);

    const Options profiles = options.object("profiles");
    for (const auto& name : profiles.keys())
        s.profiles[name] = readProfile(profiles.object(name), s.defaultProfile);

    // The Sink interface has no way to hear that an asset stopped being a favorite, so the
    // sink cannot act on this yet; refusing is better than silently keeping the files.
    if (options.boolean("remove_unfavorited", false))
        throw configError(cat(options.where("remove_unfavorited"),
                              ": removing files of unfavorited photos is not supported by this "
                              "version of pixsync; set it to false"));
    return s;
}

}  // namespace pixsync::folder
