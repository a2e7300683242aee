// The folder sink's naming rules, compiled from the plugin's sources.

#include "file_names.hpp"

#include <gtest/gtest.h>

namespace pixsync::folder {
namespace {

TEST(FolderFileNamesTest, SanitisedStemsKeepOnlyPlainCharacters) {
    EXPECT_EQ(sanitizeStem("IMG_0042"), "IMG_0042");
    EXPECT_EQ(sanitizeStem("a b\tc"), "a_b_c");
    EXPECT_EQ(sanitizeStem("..."), "photo");
    EXPECT_EQ(sanitizeStem(".profile"), "profile");
    EXPECT_EQ(sanitizeStem("caf\xC3\xA9 au lait"), "caf_au_lait");
    EXPECT_EQ(sanitizeStem(std::string(200, 'x')).size(), 80u);
    EXPECT_EQ(sanitizeStem("abc...", 80), "abc");
}

TEST(FolderFileNamesTest, DeliveredNamesCombineDateStemAndId) {
    Asset a;
    a.id = "3f2a9c1d-1111-4222-8333-444444444444";
    a.fileName = "IMG_0042.HEIC";
    a.takenAt = "2024-06-01T10:20:30Z";
    EXPECT_EQ(deliveredFileName(a, ".jpg"), "2024-06-01_IMG_0042_3f2a9c1d.jpg");
    a.takenAt = "";
    EXPECT_EQ(deliveredFileName(a, ".jpg"), "undated_IMG_0042_3f2a9c1d.jpg");
    a.takenAt = "2024-6-1";
    EXPECT_EQ(deliveredFileName(a, ".jpg"), "undated_IMG_0042_3f2a9c1d.jpg");
    a.id = "";
    EXPECT_EQ(deliveredFileName(a, ".jpg"), "undated_IMG_0042_noid.jpg");
}

TEST(FolderFileNamesTest, VideoExtensionsComeFromTheTypeOrAPlainName) {
    Asset a;
    a.fileName = "clip.MOV";
    EXPECT_EQ(videoExtension(a, "video/quicktime"), ".mov");
    EXPECT_EQ(videoExtension(a, "video/unknown"), ".mov");
    a.fileName = "clip.m/../x";
    EXPECT_EQ(videoExtension(a, "video/unknown"), ".video");
    a.fileName = "clip.toolongext";
    EXPECT_EQ(videoExtension(a, ""), ".video");
}

TEST(FolderFileNamesTest, AddressesMustStayBelowTheRoot) {
    EXPECT_EQ(addressProblem("frame"), "");
    EXPECT_EQ(addressProblem("family/frame-2"), "");
    EXPECT_NE(addressProblem(""), "");
    EXPECT_NE(addressProblem("/abs"), "");
    EXPECT_NE(addressProblem("a/.."), "");
    EXPECT_NE(addressProblem("./a"), "");
    EXPECT_NE(addressProblem("a/"), "");
    EXPECT_NE(addressProblem("tab\there"), "");
    EXPECT_NE(addressProblem("del\x7f"), "");
}

}  // namespace
}  // namespace pixsync::folder
