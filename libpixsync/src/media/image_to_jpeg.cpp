#include "media/image_to_jpeg.hpp"

#include <string>
#include <vector>
#include <vips/vips8>

#include "media/vips_runtime.hpp"
#include "pixsync/error.hpp"
#include "pixsync/strings.hpp"

namespace pixsync::media {

namespace {

using vips::VImage;

/// libvips' reason, on one line, and the error buffer cleared for the next conversion.
std::string vipsReason(const vips::VError& error) {
    std::vector<std::string> lines;
    for (const auto& line : split(error.what(), '\n')) {
        std::string text = trim(line);
        if (!text.empty()) lines.push_back(std::move(text));
    }
    vips_error_clear();
    return lines.empty() ? std::string("unknown libvips error") : join(lines, "; ");
}

/// Refuses images whose header claims too many pixels; only the header is read.
void checkPixelLimit(const std::filesystem::path& source, const FrameProfile& profile) {
    VImage header = VImage::new_from_file(source.c_str(),
                                          VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
    const auto width = static_cast<std::uint64_t>(header.width());
    const auto height = static_cast<std::uint64_t>(header.height());
    if (width * height > profile.maxPixels) {
        throw mediaError(cat("image is ", width, "\u00d7", height, ", over the limit of ",
                             profile.maxPixels / 1'000'000, " megapixels"));
    }
}

}  // namespace

FrameMedia imageToJpeg(const std::filesystem::path& source, const FrameProfile& profile,
                       const std::filesystem::path& tempDir) {
    ensureVipsStarted();
    FrameMedia result;
    try {
        checkPixelLimit(source, profile);
        // thumbnail() shrinks while loading (JPEG DCT scaling, HEIC's embedded thumbnails),
        // applies the EXIF orientation, and converts through the embedded ICC profile.
        // fail_on=error makes a truncated file an error instead of a grey-padded picture.
        VImage image = VImage::thumbnail(source.c_str(), profile.maxWidth,
                                         VImage::option()
                                             ->set("height", profile.maxHeight)
                                             ->set("size", VIPS_SIZE_DOWN)
                                             ->set("export_profile", "srgb")
                                             ->set("fail_on", VIPS_FAIL_ON_ERROR));
        if (image.interpretation() != VIPS_INTERPRETATION_sRGB)
            image = image.colourspace(VIPS_INTERPRETATION_sRGB);
        if (image.has_alpha()) {
            const std::vector<double> background{double(profile.background.red),
                                                 double(profile.background.green),
                                                 double(profile.background.blue)};
            image = image.flatten(VImage::option()->set("background", background));
        }
        if (image.format() != VIPS_FORMAT_UCHAR) image = image.cast(VIPS_FORMAT_UCHAR);

        result.converted = TempFile::create(tempDir, ".jpg");
        image.jpegsave(result.converted.path().c_str(), VImage::option()
                                                            ->set("Q", profile.jpegQuality)
                                                            ->set("strip", true)
                                                            ->set("optimize_coding", true));
        result.width = image.width();
        result.height = image.height();
    } catch (const vips::VError& error) {
        throw mediaError(vipsReason(error));
    }
    result.path = result.converted.path();
    result.mimeType = "image/jpeg";
    result.size = result.converted.size();
    return result;
}

}  // namespace pixsync::media
