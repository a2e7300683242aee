#pragma once
/// @file test_picture.hpp
/// A small picture for `pixsync check --send-test`: colour bars over a grey ramp, as a JPEG
/// made with libvips. Part of pixsync::media.

#include <filesystem>

#include "pixsync/media_file.hpp"

namespace pixsync {

/// Writes a `width` x `height` test picture as a JPEG into a new temporary file in `tempDir`
/// (the system temporary folder when empty). Throws Error(Media) when libvips fails.
MediaFile makeTestPicture(int width, int height, const std::filesystem::path& tempDir = {});

}  // namespace pixsync

/// The same for programs that load pixsync::media only when they need it (the pixsync
/// command keeps libvips out of its start-up): writes the JPEG to `path`; returns 0, or
/// non-zero with the reason in `error` (at most `errorSize` bytes, NUL-terminated).
extern "C" int pixsync_media_write_test_picture(const char* path, int width, int height,
                                                char* error, unsigned long errorSize);
