#pragma once
// The image half of the media transform.

#include <filesystem>

#include "pixsync/media_transform.hpp"

namespace pixsync::media {

/// Converts the image at `source` into a frame-ready JPEG in a new temporary file in
/// `tempDir` (see prepareForFrame()). Throws Error(Media) with libvips' reason.
FrameMedia imageToJpeg(const std::filesystem::path& source, const FrameProfile& profile,
                       const std::filesystem::path& tempDir);

}  // namespace pixsync::media
