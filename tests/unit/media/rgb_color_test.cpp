#include <gtest/gtest.h>

#include "pixsync/media_transform.hpp"

namespace pixsync {
namespace {

TEST(ParseRgbColor, AcceptsHashAndBareHexInAnyCase) {
    EXPECT_EQ(parseRgbColor("#ffffff"), (RgbColor{255, 255, 255}));
    EXPECT_EQ(parseRgbColor("#0000fF"), (RgbColor{0, 0, 255}));
    EXPECT_EQ(parseRgbColor("12ab3C"), (RgbColor{0x12, 0xab, 0x3c}));
}

TEST(ParseRgbColor, RefusesAnythingElse) {
    EXPECT_FALSE(parseRgbColor(""));
    EXPECT_FALSE(parseRgbColor("#fff"));
    EXPECT_FALSE(parseRgbColor("white"));
    EXPECT_FALSE(parseRgbColor("#gg0000"));
    EXPECT_FALSE(parseRgbColor("#ffffff00"));
    EXPECT_FALSE(parseRgbColor("##fffff"));
}

TEST(FrameProfile, DefaultsMatchTheOriginalService) {
    const FrameProfile profile;
    EXPECT_EQ(profile.maxWidth, 1024);
    EXPECT_EQ(profile.maxHeight, 768);
    EXPECT_EQ(profile.jpegQuality, 85);
    EXPECT_EQ(profile.background, (RgbColor{255, 255, 255}));
    EXPECT_EQ(profile.maxVideoBytes, 15u * 1024 * 1024);
}

TEST(IsVideoMimeType, RecognisesVideoTypes) {
    EXPECT_TRUE(isVideoMimeType("video/mp4"));
    EXPECT_TRUE(isVideoMimeType("Video/QuickTime"));
    EXPECT_FALSE(isVideoMimeType("image/jpeg"));
    EXPECT_FALSE(isVideoMimeType(""));
}

}  // namespace
}  // namespace pixsync
