#pragma once
// The folder sink's configuration, read and checked once when the sink is created.

#include <filesystem>
#include <map>
#include <string>

#include "pixsync/frame_profiles.hpp"
#include "pixsync/media_transform.hpp"
#include "pixsync/options.hpp"

namespace pixsync::folder {

/// All of the sink's settings.
struct FolderSettings {
    std::filesystem::path root;  ///< destination folders are created below it; never itself
    FrameProfiles profiles;      ///< the default profile and the named ones
    /// Remove the files of assets a route no longer lists, after each full listing.
    bool removeUnfavorited = false;
};

/// Reads the options. Throws Error(Config) naming the key.
FolderSettings readSettings(const Options& options);

}  // namespace pixsync::folder
