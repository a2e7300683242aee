#include "media/image_to_jpeg.hpp"

#include <string>
#include <vector>
#include <vips/vips8>

#include "media/decode_failure.hpp"
#include "media/vips_runtime.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

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

/// Opens only the header and refuses images that claim too many pixels.
VImage checkedHeader(const std::filesystem::path& source, const FrameProfile& profile) {
    VImage header = VImage::new_from_file(source.c_str(),
                                          VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
    const auto width = static_cast<std::uint64_t>(header.width());
    const auto height = static_cast<std::uint64_t>(header.height());
    if (width * height > profile.maxPixels) {
        throw mediaError(cat("image is ", width, "\u00d7", height, ", over the limit of ",
                             profile.maxPixels / 1'000'000, " megapixels"));
    }
    return header;
}

}  // namespace

FrameMedia imageToJpeg(const std::filesystem::path& source, const FrameProfile& profile,
                       const std::filesystem::path& tempDir) {
    ensureVipsStarted();
    FrameMedia result;
    try {
        const bool hasProfile = checkedHeader(source, profile).get_typeof("icc-profile-data") != 0;
        // thumbnail() shrinks while loading (JPEG DCT scaling, HEIC's embedded thumbnails)
        // and applies the EXIF orientation. fail_on=error makes a truncated file an error
        // instead of a grey-padded picture.
        auto options = VImage::option()
                           ->set("height", profile.maxHeight)
                           ->set("size", VIPS_SIZE_DOWN)
                           ->set("fail_on", VIPS_FAIL_ON_ERROR);
        // Only an embedded ICC profile needs a colour transform to sRGB. Without one the
        // pixels already are sRGB (or another space colourspace() converts below), and an
        // sRGB-to-sRGB ICC pass would cost more CPU than the decode and resize together.
        if (hasProfile) options->set("export_profile", "srgb");
        VImage image = VImage::thumbnail(source.c_str(), profile.maxWidth, options);
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
        // The decoder's words name the temporary file and libvips' classes: debug log only.
        const std::string detail = vipsReason(error);
        logMediaDetail(cat("cannot convert ", source.string(), ": ", detail));
        throw mediaError(describeDecodeFailure(detail));
    }
    result.path = result.converted.path();
    result.mimeType = "image/jpeg";
    result.size = result.converted.size();
    return result;
}

}  // namespace pixsync::media
