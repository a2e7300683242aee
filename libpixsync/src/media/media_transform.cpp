#include "pixsync/media_transform.hpp"

#include <filesystem>
#include <system_error>

#include "media/image_to_jpeg.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

bool isVideoMimeType(std::string_view mimeType) { return toLower(mimeType).starts_with("video/"); }

namespace {

/// Videos go to the frame as they are; only their size is checked (the frame refuses big
/// ones, and a mail server would too).
FrameMedia passVideoThrough(const MediaFile& media, const FrameProfile& profile) {
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(media.file.path(), ec);
    if (ec) throw mediaError(cat("cannot read the video: ", ec.message()));
    if (size > profile.maxVideoBytes) {
        throw mediaError(cat("video is ", humanBytes(size), ", over the frame limit of ",
                             humanBytes(profile.maxVideoBytes)));
    }
    FrameMedia result;
    result.path = media.file.path();
    result.mimeType = media.mimeType;
    result.size = size;
    result.passedThrough = true;
    return result;
}

}  // namespace

FrameMedia prepareForFrame(const MediaFile& media, const FrameProfile& profile,
                           const std::filesystem::path& tempDir) {
    if (media.file.path().empty()) throw mediaError("no media file was downloaded");
    if (isVideoMimeType(media.mimeType)) return passVideoThrough(media, profile);
    if (profile.maxWidth < 1 || profile.maxHeight < 1 || profile.jpegQuality < 1 ||
        profile.jpegQuality > 100) {
        throw configError(cat("frame profile ", profile.maxWidth, "x", profile.maxHeight,
                              " quality ", profile.jpegQuality,
                              " is invalid: sizes must be positive, quality 1..100"));
    }
    return media::imageToJpeg(media.file.path(), profile, tempDir);
}

}  // namespace pixsync
