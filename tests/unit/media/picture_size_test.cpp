// What travels from a sink to a source so that a smaller rendition can stand in for an
// original: the frame box, whether a picture fills it, and a picture's shown size.
#include <gtest/gtest.h>

#include <fstream>

#include "media_fixtures.hpp"
#include "pixsync/frame_box.hpp"
#include "pixsync/frame_profiles.hpp"
#include "pixsync/media_transform.hpp"
#include "test_support.hpp"

namespace pixsync {
namespace {

TEST(FrameBox, IsFilledByAPictureThatReachesItsWidthOrItsHeight) {
    constexpr FrameBox frame{1024, 768};
    EXPECT_TRUE(frame.filledBy(1920, 1440));  // Immich's preview of a 4:3 photo
    EXPECT_TRUE(frame.filledBy(1440, 1920));  // of a portrait: its height is the limit
    EXPECT_TRUE(frame.filledBy(1024, 500));   // a panorama reaching the width
    EXPECT_TRUE(frame.filledBy(600, 768));
    EXPECT_FALSE(frame.filledBy(1023, 767));  // fitting would give less than the original
    EXPECT_FALSE(frame.filledBy(640, 480));
    constexpr FrameBox uhd{3840, 2160};
    EXPECT_FALSE(uhd.filledBy(1920, 1440));
    EXPECT_TRUE(uhd.filledBy(5760, 1440));
}

TEST(FrameProfiles, TheBoxIsTheLargestWidthAndHeightOfTheDestinationsProfiles) {
    const Options options = Options::parse(
        R"({"max_width": 1024, "max_height": 768,
            "profiles": {"portrait": {"max_width": 600, "max_height": 1024},
                         "small": {"max_width": 800, "max_height": 600}}})",
        "pixsync.json");
    const FrameProfiles profiles = FrameProfiles::read(options, FrameProfile{});
    EXPECT_EQ(profiles.boxFor({{"a@frame", ""}}), (FrameBox{1024, 768}));
    EXPECT_EQ(profiles.boxFor({{"a@frame", "small"}}), (FrameBox{800, 600}));
    EXPECT_EQ(profiles.boxFor({{"a@frame", "small"}, {"b@frame", "portrait"}}),
              (FrameBox{800, 1024}));
    EXPECT_EQ(profiles.boxFor({{"a@frame", ""}, {"b@frame", "portrait"}}), (FrameBox{1024, 1024}));
}

class ShownSize : public ::testing::TestWithParam<int> {};

TEST_P(ShownSize, IsReadFromTheHeaderWithTheOrientationApplied) {
    // Stored 300x400 for orientations 5 to 8, 400x300 otherwise; shown 400x300 in all.
    const auto path =
        test::mediaFixtures() / ("orientation-" + std::to_string(GetParam()) + ".jpg");
    const auto size = readPictureSize(path);
    ASSERT_TRUE(size);
    EXPECT_EQ(size->width, 400u);
    EXPECT_EQ(size->height, 300u);
}

INSTANTIATE_TEST_SUITE_P(AllEightExifValues, ShownSize, ::testing::Range(1, 9));

TEST(ShownSize, IsNoneForWhatTheDecoderCannotRead) {
    test::TempDir dir;
    const auto text = dir.path() / "notes.jpg";
    std::ofstream(text) << "not a picture at all";
    EXPECT_FALSE(readPictureSize(text));
    EXPECT_FALSE(readPictureSize(dir.path() / "missing.jpg"));
}

}  // namespace
}  // namespace pixsync
