#include "pixsync/host/test_picture.hpp"

#include <cstring>
#include <vector>
#include <vips/vips8>

#include "media/vips_runtime.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

namespace {

using vips::VImage;

void writeTestPicture(const std::filesystem::path& path, int width, int height) {
    media::ensureVipsStarted();
    try {
        // Eight colour bars (white, yellow, cyan, green, magenta, red, blue, black) over the
        // top three quarters, a grey ramp below: easy to judge on a frame's screen.
        static const std::vector<std::vector<double>> kBars = {
            {255, 255, 255}, {255, 255, 0}, {0, 255, 255}, {0, 255, 0},
            {255, 0, 255},   {255, 0, 0},   {0, 0, 255},   {0, 0, 0}};
        const int barsHeight = height * 3 / 4;
        const int bars = static_cast<int>(kBars.size());
        const int barWidth = (width + bars - 1) / bars;
        VImage blank = VImage::black(barWidth, barsHeight, VImage::option()->set("bands", 3));
        std::vector<VImage> columns;
        for (const auto& colour : kBars) columns.push_back(blank.new_from_image(colour));
        VImage top = VImage::arrayjoin(columns, VImage::option()->set("across", bars))
                         .crop(0, 0, width, barsHeight)
                         .cast(VIPS_FORMAT_UCHAR);
        const VImage grey =
            (VImage::grey(width, height - barsHeight) * 255).cast(VIPS_FORMAT_UCHAR);
        const VImage ramp = grey.bandjoin(grey).bandjoin(grey);
        VImage picture = top.join(ramp, VIPS_DIRECTION_VERTICAL);
        picture = picture.copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
        picture.jpegsave(path.c_str(), VImage::option()->set("Q", 85)->set("strip", true));
    } catch (const vips::VError& e) {
        std::string reason = trim(e.what());
        vips_error_clear();
        throw mediaError(cat("cannot make the test picture: ", reason));
    }
}

}  // namespace

MediaFile makeTestPicture(int width, int height, const std::filesystem::path& tempDir) {
    MediaFile media;
    media.file = TempFile::create(tempDir, ".jpg");
    writeTestPicture(media.file.path(), width, height);
    media.mimeType = "image/jpeg";
    media.size = media.file.size();
    return media;
}

}  // namespace pixsync

extern "C" __attribute__((visibility("default"))) int pixsync_media_write_test_picture(
    const char* path, int width, int height, char* error, unsigned long errorSize) {
    try {
        pixsync::writeTestPicture(path, width, height);
        return 0;
    } catch (const std::exception& e) {
        if (error && errorSize > 0) {
            std::strncpy(error, e.what(), errorSize - 1);
            error[errorSize - 1] = '\0';
        }
        return 1;
    }
}
