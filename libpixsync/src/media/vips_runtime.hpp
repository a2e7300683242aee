#pragma once
// Process-wide libvips start-up, done once on first use.

namespace pixsync::media {

/// Starts libvips once per process (thread-safe). Keeps the operation cache small, since
/// pixsync converts each file once, and blocks loaders libvips marks as untrusted (for
/// example ImageMagick), because every file comes from outside. Throws Error(Internal) when
/// libvips cannot start.
void ensureVipsStarted();

}  // namespace pixsync::media
