#include "pixsync/media_transform.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>
#include <vips/vips8>

#include "captured_log.hpp"
#include "media_fixtures.hpp"
#include "pixsync/error.hpp"
#include "test_support.hpp"

namespace pixsync {
namespace {

using test::fixtureMedia;
using test::mediaFixtures;
using vips::VImage;

/// Opens a result with libvips for inspection (the test's own libvips use).
VImage openResult(const std::filesystem::path& file) {
    static const bool started = VIPS_INIT("pixsync-media-tests") == 0;
    EXPECT_TRUE(started);
    return VImage::new_from_file(file.c_str());
}

std::string loaderOf(const std::filesystem::path& file) {
    const char* loader = vips_foreign_find_load(file.c_str());
    return loader ? loader : "";
}

/// The pixel at a fraction of the width and height.
std::vector<double> sample(VImage& image, double fx, double fy) {
    return image.getpoint(static_cast<int>(fx * image.width()),
                          static_cast<int>(fy * image.height()));
}

::testing::AssertionResult near(const std::vector<double>& pixel, RgbColor expected,
                                double tolerance) {
    if (pixel.size() != 3)
        return ::testing::AssertionFailure() << "pixel has " << pixel.size() << " bands";
    const double want[3] = {double(expected.red), double(expected.green), double(expected.blue)};
    for (int i = 0; i < 3; ++i) {
        if (std::abs(pixel[static_cast<std::size_t>(i)] - want[i]) > tolerance) {
            return ::testing::AssertionFailure()
                   << "pixel (" << pixel[0] << "," << pixel[1] << "," << pixel[2]
                   << ") is not within " << tolerance << " of (" << want[0] << "," << want[1] << ","
                   << want[2] << ")";
        }
    }
    return ::testing::AssertionSuccess();
}

constexpr RgbColor kRed{255, 0, 0};
constexpr RgbColor kGrey{128, 128, 128};

/// The fixtures' upright scene: red top-left quadrant, grey elsewhere.
void expectUprightScene(const FrameMedia& result) {
    VImage image = openResult(result.path);
    EXPECT_GT(image.width(), image.height()) << "the upright scene is landscape";
    EXPECT_TRUE(near(sample(image, 0.2, 0.2), kRed, 40)) << "top-left must be red";
    EXPECT_TRUE(near(sample(image, 0.8, 0.2), kGrey, 40)) << "top-right must be grey";
    EXPECT_TRUE(near(sample(image, 0.2, 0.8), kGrey, 40)) << "bottom-left must be grey";
    EXPECT_TRUE(near(sample(image, 0.8, 0.8), kGrey, 40)) << "bottom-right must be grey";
}

void expectFrameJpeg(const FrameMedia& result, const FrameProfile& profile) {
    ASSERT_FALSE(result.passedThrough);
    EXPECT_EQ(result.mimeType, "image/jpeg");
    ASSERT_TRUE(std::filesystem::exists(result.path));
    EXPECT_EQ(result.size, std::filesystem::file_size(result.path));
    EXPECT_EQ(loaderOf(result.path), "VipsForeignLoadJpegFile");
    VImage image = openResult(result.path);
    EXPECT_EQ(image.width(), result.width);
    EXPECT_EQ(image.height(), result.height);
    EXPECT_LE(image.width(), profile.maxWidth);
    EXPECT_LE(image.height(), profile.maxHeight);
    EXPECT_EQ(image.bands(), 3);
}

class Orientation : public ::testing::TestWithParam<int> {};

TEST_P(Orientation, ComesOutUprightWithoutMetadata) {
    const FrameProfile profile;
    const auto media =
        fixtureMedia("orientation-" + std::to_string(GetParam()) + ".jpg", "image/jpeg");
    const FrameMedia result = prepareForFrame(media, profile);
    expectFrameJpeg(result, profile);
    expectUprightScene(result);
    // 400x300 fits the frame: never enlarged.
    EXPECT_EQ(result.width, 400);
    EXPECT_EQ(result.height, 300);
    VImage image = openResult(result.path);
    EXPECT_EQ(image.get_typeof("exif-data"), 0u) << "metadata must be stripped";
    EXPECT_EQ(image.get_typeof("icc-profile-data"), 0u);
}

// A frame of 200x100: the 400x300 scene needs a shrink of 3 in height, so it is decoded at
// half size. Its stored sides must be turned before that is worked out: stored 300x400
// (orientations 5 to 8) would need 4, and end 100x75 instead of 133x100.
TEST_P(Orientation, ComesOutUprightAndFullSizeWhenDecodedAtReducedSize) {
    FrameProfile profile;
    profile.maxWidth = 200;
    profile.maxHeight = 100;
    const auto media =
        fixtureMedia("orientation-" + std::to_string(GetParam()) + ".jpg", "image/jpeg");
    const FrameMedia result = prepareForFrame(media, profile);
    expectFrameJpeg(result, profile);
    expectUprightScene(result);
    EXPECT_EQ(result.width, 133);
    EXPECT_EQ(result.height, 100);
}

INSTANTIATE_TEST_SUITE_P(AllEightExifValues, Orientation, ::testing::Range(1, 9));

struct FormatCase {
    const char* file;
    const char* mime;
};

class Format : public ::testing::TestWithParam<FormatCase> {};

TEST_P(Format, ArrivesAsUprightJpegInsideTheProfile) {
    const auto& param = GetParam();
    ASSERT_TRUE(std::filesystem::exists(mediaFixtures() / param.file))
        << param.file << " was not generated: scripts/install-deps.sh installs its encoder";
    FrameProfile profile;
    profile.maxWidth = 320;
    profile.maxHeight = 320;
    const auto media = fixtureMedia(param.file, param.mime);
    const FrameMedia result = prepareForFrame(media, profile);
    expectFrameJpeg(result, profile);
    expectUprightScene(result);
    EXPECT_EQ(result.width, 320) << "4:3 scene fitted by its width";
    EXPECT_EQ(result.height, 240);
}

INSTANTIATE_TEST_SUITE_P(EveryLoader, Format,
                         ::testing::Values(FormatCase{"photo-12mp.jpg", "image/jpeg"},
                                           FormatCase{"photo.png", "image/png"},
                                           FormatCase{"photo.webp", "image/webp"},
                                           FormatCase{"photo.tiff", "image/tiff"},
                                           FormatCase{"photo.gif", "image/gif"},
                                           FormatCase{"photo.heic", "image/heic"},
                                           FormatCase{"photo.avif", "image/avif"}),
                         [](const ::testing::TestParamInfo<FormatCase>& param) {
                             std::string name = param.param.file;
                             for (auto& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return name;
                         });

TEST(MediaTransform, TwelveMegapixelPhotoFitsTheDefaultFrame) {
    const FrameProfile profile;
    const FrameMedia result =
        prepareForFrame(fixtureMedia("photo-12mp.jpg", "image/jpeg"), profile);
    expectFrameJpeg(result, profile);
    EXPECT_EQ(result.width, 1024);
    EXPECT_EQ(result.height, 768);
}

// Each test runs in its own process, so this one starts libvips the way pixsync does: with the
// HEIF module (HEIC, AVIF) and without the modules of loaders pixsync blocks as untrusted.
TEST(MediaTransform, LibvipsLoadsOnlyTheModuleForHeif) {
    if (g_type_from_name("VipsImage") != 0) GTEST_SKIP() << "libvips was started before this test";
    prepareForFrame(fixtureMedia("photo.png", "image/png"), FrameProfile{});
    EXPECT_NE(g_type_from_name("VipsForeignLoadHeifFile"), 0u);
    for (const char* blocked : {"VipsForeignLoadMagickFile", "VipsForeignLoadPdfFile",
                                "VipsForeignLoadOpenslideFile", "VipsForeignLoadJxlFile"})
        EXPECT_EQ(g_type_from_name(blocked), 0u) << blocked << " was loaded";
}

/// Mean absolute difference per pixel of two pictures of one size.
double meanDifference(const VImage& a, const VImage& b) {
    return (a.cast(VIPS_FORMAT_SHORT) - b.cast(VIPS_FORMAT_SHORT)).abs().avg();
}

// A JPEG at least twice the frame is decoded by libjpeg at half size (or less): the frame
// picture is the one libvips makes from the half-size decode, not from the whole picture.
TEST(MediaTransform, AJpegTwiceTheFrameIsDecodedAtHalfSize) {
    test::TempDir dir;
    const auto photo = dir / "detail.jpg";
    // Noise: fine detail, so decoding at full and at half size give different pixels.
    const auto band = [] {
        return VImage::gaussnoise(1000, 750, VImage::option()->set("sigma", 60.0));
    };
    VImage rgb = band()
                     .bandjoin(band())
                     .bandjoin(band())
                     .linear(1.0, 128.0)
                     .cast(VIPS_FORMAT_UCHAR)
                     .copy(VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB));
    rgb.jpegsave(photo.c_str(), VImage::option()->set("Q", 90));
    FrameProfile profile;
    profile.maxWidth = 400;
    profile.maxHeight = 300;  // a shrink of 2.5
    const FrameMedia result = prepareForFrame(test::mediaCopyOf(photo, "image/jpeg"), profile);
    ASSERT_EQ(result.width, 400);
    const VImage made = openResult(result.path);
    const auto frameOf = [&](const VImage& decoded, const char* name) {
        const auto path = dir / name;
        decoded
            .thumbnail_image(profile.maxWidth, VImage::option()->set("height", profile.maxHeight))
            .jpegsave(path.c_str(), VImage::option()
                                        ->set("Q", profile.jpegQuality)
                                        ->set("strip", true)
                                        ->set("optimize_coding", true));
        return VImage::new_from_file(path.c_str());
    };
    const VImage fromHalf =
        frameOf(VImage::new_from_file(photo.c_str(), VImage::option()->set("shrink", 2)), "h.jpg");
    const VImage fromWhole = frameOf(VImage::new_from_file(photo.c_str()), "w.jpg");
    EXPECT_LT(meanDifference(made, fromHalf), 0.01) << "made from the half-size decode";
    EXPECT_GT(meanDifference(made, fromWhole), 0.5) << "not from the whole picture";
}

TEST(MediaTransform, TransparencyIsFlattenedOntoTheBackground) {
    FrameProfile profile;
    profile.background = RgbColor{0, 0, 255};
    const FrameMedia result = prepareForFrame(fixtureMedia("alpha.png", "image/png"), profile);
    expectFrameJpeg(result, profile);
    VImage image = openResult(result.path);
    EXPECT_TRUE(near(sample(image, 0.8, 0.8), RgbColor{0, 0, 255}, 12)) << "transparent corner";
    EXPECT_TRUE(near(sample(image, 0.2, 0.2), kRed, 40)) << "opaque parts keep their colour";

    const FrameMedia onWhite =
        prepareForFrame(fixtureMedia("alpha.png", "image/png"), FrameProfile{});
    VImage white = openResult(onWhite.path);
    EXPECT_TRUE(near(sample(white, 0.8, 0.8), RgbColor{255, 255, 255}, 6)) << "default background";
}

TEST(MediaTransform, DisplayP3IsConvertedToSrgbAndTheProfileDropped) {
    const auto source = mediaFixtures() / "display-p3.jpg";
    VImage original = openResult(source);
    ASSERT_NE(original.get_typeof("icc-profile-data"), 0u) << "fixture must carry a P3 profile";
    // The fixture holds sRGB (200,60,60) | (60,200,60) re-expressed in P3, so its stored
    // values differ; after the transform they must be back to the sRGB values.
    const RgbColor leftSrgb{200, 60, 60};
    const RgbColor rightSrgb{60, 200, 60};
    EXPECT_FALSE(near(sample(original, 0.25, 0.5), leftSrgb, 10)) << "stored values are P3";
    EXPECT_FALSE(near(sample(original, 0.75, 0.5), rightSrgb, 10));

    const FrameMedia result =
        prepareForFrame(fixtureMedia("display-p3.jpg", "image/jpeg"), FrameProfile{});
    VImage image = openResult(result.path);
    EXPECT_EQ(image.get_typeof("icc-profile-data"), 0u) << "output must carry no ICC profile";
    EXPECT_TRUE(near(sample(image, 0.25, 0.5), leftSrgb, 6));
    EXPECT_TRUE(near(sample(image, 0.75, 0.5), rightSrgb, 6));
}

TEST(MediaTransform, CmykWithoutAProfileBecomesSrgb) {
    // Images without an ICC profile skip the colour transform; CMYK ones must still be
    // converted (a frame shows CMYK JPEGs in wrong colours or not at all).
    test::TempDir dir;
    const auto cmyk = dir.path() / "cmyk.jpg";
    openResult(mediaFixtures() / "orientation-1.jpg")
        .colourspace(VIPS_INTERPRETATION_CMYK)
        .jpegsave(cmyk.c_str(), VImage::option()->set("strip", true));
    VImage stored = openResult(cmyk);
    ASSERT_EQ(stored.bands(), 4);
    ASSERT_EQ(stored.get_typeof("icc-profile-data"), 0u)
        << "the test needs a CMYK file without a profile";

    const FrameMedia result =
        prepareForFrame(test::mediaCopyOf(cmyk, "image/jpeg", dir.path()), FrameProfile{});
    VImage image = openResult(result.path);
    EXPECT_EQ(image.bands(), 3);
    // Pure red is outside the CMYK gamut, so the round trip only keeps it clearly red.
    const auto topLeft = sample(image, 0.2, 0.2);
    EXPECT_TRUE(topLeft.at(0) > 200 && topLeft.at(1) < 80 && topLeft.at(2) < 80)
        << "top-left is (" << topLeft[0] << "," << topLeft[1] << "," << topLeft[2] << "), not red";
    EXPECT_TRUE(near(sample(image, 0.8, 0.8), kGrey, 25)) << "the rest is grey";
}

TEST(MediaTransform, QualityIsApplied) {
    FrameProfile low;
    low.jpegQuality = 20;
    FrameProfile high;
    high.jpegQuality = 98;
    const auto lowResult = prepareForFrame(fixtureMedia("display-p3.jpg", "image/jpeg"), low);
    const auto highResult = prepareForFrame(fixtureMedia("display-p3.jpg", "image/jpeg"), high);
    EXPECT_LT(lowResult.size, highResult.size);
}

TEST(MediaTransform, SmallVideoPassesThroughWithoutACopy) {
    const auto media = fixtureMedia("video-small.mp4", "video/mp4");
    const FrameMedia result = prepareForFrame(media, FrameProfile{});
    EXPECT_TRUE(result.passedThrough);
    EXPECT_EQ(result.path, media.file.path());
    EXPECT_TRUE(result.converted.path().empty());
    EXPECT_EQ(result.mimeType, "video/mp4");
    EXPECT_EQ(result.size, 100u * 1024);
}

TEST(MediaTransform, VideoOverTheLimitIsRefusedWithItsSize) {
    const auto media = fixtureMedia("video-16mb.mp4", "video/mp4");
    try {
        (void)prepareForFrame(media, FrameProfile{});
        FAIL() << "a 16 MB video must be refused";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Media);
        EXPECT_STREQ(e.what(), "video is 16.0 MB, over the frame limit of 15.0 MB");
    }
}

void expectMediaError(const MediaFile& media, const FrameProfile& profile,
                      const std::string& expectedPart) {
    try {
        (void)prepareForFrame(media, profile);
        ADD_FAILURE() << media.file.path() << " must be refused";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Media) << e.what();
        EXPECT_NE(std::string(e.what()).find(expectedPart), std::string::npos)
            << "message: " << e.what() << "\nexpected to contain: " << expectedPart;
    }
}

void expectMediaError(const std::string& file, const std::string& mime, const FrameProfile& profile,
                      const std::string& expectedPart) {
    expectMediaError(fixtureMedia(file, mime), profile, expectedPart);
}

TEST(MediaTransform, TruncatedJpegIsAMediaErrorInWordsForPeople) {
    expectMediaError("truncated.jpg", "image/jpeg", FrameProfile{},
                     "the original file is damaged (truncated JPEG)");
}

// The same when the JPEG is decoded at reduced size (12 MP for the default frame).
TEST(MediaTransform, TruncatedJpegDecodedAtHalfSizeIsAMediaErrorToo) {
    test::TempDir dir;
    const auto whole = mediaFixtures() / "photo-12mp.jpg";
    const auto cut = dir / "cut.jpg";
    std::filesystem::copy_file(whole, cut);
    std::filesystem::resize_file(cut, std::filesystem::file_size(whole) * 6 / 10);
    expectMediaError(test::mediaCopyOf(cut, "image/jpeg"), FrameProfile{},
                     "the original file is damaged (truncated JPEG)");
}

TEST(MediaTransform, TextNamedLikeAJpegIsAMediaError) {
    expectMediaError("not-an-image.jpg", "image/jpeg", FrameProfile{},
                     "the original file is not an image format pixsync can read");
}

// The reason names no temporary path and no libvips class; those go to the debug log, and
// libvips' own warnings too (never raw to standard error).
TEST(MediaTransform, DecoderWordsAndLibvipsWarningsGoToTheDebugLog) {
    auto captured = std::make_shared<test::CapturedLog>();
    Logger log;
    log.setLevel(LogLevel::Debug);
    log.addOutput(captured);
    setMediaLog(log);
    const auto media = fixtureMedia("truncated.jpg", "image/jpeg");
    std::string reason;
    ::testing::internal::CaptureStderr();
    try {
        (void)prepareForFrame(media, FrameProfile{});
    } catch (const Error& e) {
        reason = e.what();
    }
    const std::string err = ::testing::internal::GetCapturedStderr();
    setMediaLog(Logger{});
    EXPECT_EQ(reason, "the original file is damaged (truncated JPEG)");
    EXPECT_EQ(err.find("VIPS"), std::string::npos) << "stderr: " << err;
    const std::string text = captured->text();
    EXPECT_NE(text.find("DEBUG"), std::string::npos) << text;
    EXPECT_NE(text.find("cannot convert " + media.file.path().string()), std::string::npos) << text;
    EXPECT_NE(text.find("Premature end"), std::string::npos) << text;
    EXPECT_NE(text.find("libvips: error in tile"), std::string::npos) << text;
}

TEST(MediaTransform, EmptyFileIsAMediaError) {
    test::TempDir dir;
    MediaFile media;
    media.file = TempFile::create(dir.path(), ".jpg");
    media.mimeType = "image/jpeg";
    EXPECT_THROW((void)prepareForFrame(media, FrameProfile{}), Error);
}

TEST(MediaTransform, DecompressionBombIsRefusedFromItsHeader) {
    expectMediaError("bomb.png", "image/png", FrameProfile{},
                     "image is 50000\u00d750000, over the limit of 100 megapixels");
}

TEST(MediaTransform, PixelLimitComesFromTheProfile) {
    FrameProfile profile;
    profile.maxPixels = 10'000'000;
    expectMediaError("photo-12mp.jpg", "image/jpeg", profile,
                     "image is 4000\u00d73000, over the limit of 10 megapixels");
}

TEST(MediaTransform, InvalidProfileIsAConfigError) {
    FrameProfile profile;
    profile.jpegQuality = 0;
    try {
        (void)prepareForFrame(fixtureMedia("photo.png", "image/png"), profile);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Config);
    }
}

TEST(MediaTransform, ConvertedFileIsRemovedWithTheResult) {
    test::TempDir dir;
    std::filesystem::path converted;
    {
        const FrameMedia result =
            prepareForFrame(fixtureMedia("photo.png", "image/png"), FrameProfile{}, dir.path());
        converted = result.path;
        EXPECT_EQ(converted.parent_path(), dir.path());
        EXPECT_TRUE(std::filesystem::exists(converted));
    }
    EXPECT_FALSE(std::filesystem::exists(converted));
}

}  // namespace
}  // namespace pixsync
