// The plugin's entry point and its declared options.

#include "pixsync/plugin.hpp"

#include "folder_sink.hpp"

namespace {

using pixsync::OptionType;

constexpr pixsync::OptionDeclaration kOptions[] = {
    {.name = "root",
     .type = OptionType::Path,
     .required = true,
     .description = "the folder (share, USB stick) the destination folders are created below"},
    {.name = "max_width",
     .type = OptionType::Integer,
     .defaultValue = "1920",
     .min = 16,
     .max = 16384,
     .description = "photos are fitted inside, never enlarged"},
    {.name = "max_height",
     .type = OptionType::Integer,
     .defaultValue = "1080",
     .min = 16,
     .max = 16384,
     .description = "photos are fitted inside, never enlarged"},
    {.name = "jpeg_quality",
     .type = OptionType::Integer,
     .defaultValue = "90",
     .min = 1,
     .max = 100,
     .description = "JPEG quality of the photos written"},
    {.name = "background",
     .type = OptionType::String,
     .defaultValue = "#ffffff",
     .description = "what transparent areas become (#rrggbb)"},
    {.name = "max_video_mb",
     .type = OptionType::Integer,
     .defaultValue = "100",
     .min = 1,
     .max = 100000,
     .description = "larger videos are skipped with a reason"},
    {.name = "profiles",
     .type = OptionType::Object,
     .description = "named frame profiles a destination picks with \"profile\""},
    {.name = "remove_unfavorited",
     .type = OptionType::Boolean,
     .defaultValue = "false",
     .description = "remove the file of a photo that is no longer a favorite"},
};

}  // namespace

PIXSYNC_SINK_PLUGIN(
    "folder", "1.0.0",
    "Writes frame-ready photos and videos into a folder per frame (share, USB stick)",
    &pixsync::folder::createFolderSink, kOptions)
