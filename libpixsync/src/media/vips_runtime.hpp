#pragma once
// Process-wide libvips start-up, done once on first use, and the log for its details.

#include <string_view>

namespace pixsync::media {

/// Starts libvips once per process (thread-safe), with its HEIF module and none of its other
/// modules. Keeps the operation cache small, since pixsync converts each file once, and blocks
/// loaders libvips marks as untrusted (for example ImageMagick), because every file comes from
/// outside. Throws Error(Internal) when libvips cannot start.
void ensureVipsStarted();

/// Writes a technical detail to the media log (see setMediaLog()) at debug level.
void logMediaDetail(std::string_view text);

}  // namespace pixsync::media
