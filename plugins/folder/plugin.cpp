// The plugin's entry point.

#include "pixsync/plugin.hpp"

#include "folder_sink.hpp"

PIXSYNC_SINK_PLUGIN(
    "folder", "1.0.0",
    "Writes frame-ready photos and videos into a folder per frame (share, USB stick)",
    &pixsync::folder::createFolderSink)
