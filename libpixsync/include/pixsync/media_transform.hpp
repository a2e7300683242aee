#pragma once
/// @file media_transform.hpp
/// Turns an asset's media into what a photo frame can show: images fitted into a frame
/// profile as upright sRGB JPEGs without metadata; videos passed through up to a size limit.
/// Any sink may use it; decoding is done by libvips with shrink-on-load, so a large photo is
/// never decoded at full size.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "pixsync/log.hpp"
#include "pixsync/media_file.hpp"
#include "pixsync/temp_file.hpp"

namespace pixsync {

/// An 8-bit sRGB colour.
struct RgbColor {
    std::uint8_t red = 255;
    std::uint8_t green = 255;
    std::uint8_t blue = 255;
    friend bool operator==(const RgbColor&, const RgbColor&) = default;
};

/// Parses "#rrggbb" (the '#' is optional, hex digits in any case); nullopt for anything else.
std::optional<RgbColor> parseRgbColor(std::string_view text);

/// What a frame can show, and the limits that protect the process from hostile media.
struct FrameProfile {
    int maxWidth = 1024;  ///< output fits inside maxWidth x maxHeight; never upscaled
    int maxHeight = 768;
    int jpegQuality = 85;  ///< 1..100
    RgbColor background;   ///< transparent areas are flattened onto this colour (white)
    /// Images whose header claims more pixels than this are refused before decoding
    /// (decompression bombs). 100 MP is well above any camera's output.
    std::uint64_t maxPixels = 100'000'000;
    /// Videos larger than this are refused (Pix-Star's limit is 15 MB).
    std::uint64_t maxVideoBytes = 15ull * 1024 * 1024;
};

/// The frame-ready form of one media file.
struct FrameMedia {
    /// Owns the converted JPEG; empty when the media was passed through unchanged.
    TempFile converted;
    std::filesystem::path path;  ///< the file to send: `converted`'s path or the original's
    std::string mimeType;        ///< "image/jpeg" for images, the video's own type otherwise
    std::uint64_t size = 0;      ///< bytes in `path`
    int width = 0;               ///< pixels after the transform (0 for videos)
    int height = 0;
    bool passedThrough = false;  ///< true for videos sent as they are
};

/// Where the media transform writes its details, at debug level: libvips' warnings (GLib
/// domain "VIPS", which would otherwise reach standard error outside the log's format) and
/// the decoder's own words behind a refused file. libvips is process-wide, so this is too:
/// the last logger given wins; without one the details are dropped. Sinks call it when created.
void setMediaLog(const Logger& log);

/// True for MIME types handled as video ("video/..."), which are passed through.
bool isVideoMimeType(std::string_view mimeType);

/// A picture's size in pixels.
struct PictureSize {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
};

/// The size of the image in `path` as it is shown (EXIF orientation applied), read from its
/// header without decoding the pixels; nullopt when the local decoder cannot read it. A source
/// uses it to tell whether a rendition fills a frame (FrameBox::filledBy()).
std::optional<PictureSize> readPictureSize(const std::filesystem::path& path);

/// Prepares `media` for a frame described by `profile`.
///
/// Images (JPEG, HEIC/HEIF, PNG, WebP, AVIF, TIFF, GIF's first frame) are turned upright
/// according to their EXIF orientation, converted to sRGB through their embedded ICC
/// profile, fitted inside the profile (never enlarged), flattened onto the background and
/// written as a JPEG without metadata into a new temporary file in `tempDir` (the system
/// temporary folder when empty). Videos are not copied: the result points at the original.
///
/// Throws Error(Media) with the reason for media that is corrupt, truncated, of an
/// unsupported format, larger than maxPixels or (videos) larger than maxVideoBytes. The
/// reason is written for people ("the original file is damaged (truncated JPEG)"); the
/// decoder's own words, which name temporary files, go to the media log (setMediaLog()).
FrameMedia prepareForFrame(const MediaFile& media, const FrameProfile& profile,
                           const std::filesystem::path& tempDir = {});

}  // namespace pixsync
