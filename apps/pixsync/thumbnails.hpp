#pragma once
// The status page's thumbnails for the daemon: kept beside the state, made by pixsync::media,
// which is loaded only when a page is served (it brings libvips).

#include <memory>

#include "pixsync/host/config.hpp"
#include "pixsync/host/thumbnails.hpp"
#include "pixsync/log.hpp"

namespace pixsync::cli {

/// The thumbnails of config.thumbnailBytes in StateLocation::thumbnails(); null when that is
/// 0 or the state store keeps no file.
/// Throws Error(Config) naming the folder when it cannot be used.
std::unique_ptr<Thumbnails> openThumbnails(const Config& config, const Logger& log);

}  // namespace pixsync::cli
