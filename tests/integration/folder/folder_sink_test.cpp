// The built "folder" plugin, loaded from the plugin folder, writing real files.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>
#include <vips/vips8>

#include "folder_fixture.hpp"
#include "media_fixtures.hpp"
#include "pixsync/asset.hpp"
#include "pixsync/error.hpp"
#include "pixsync/options.hpp"

namespace pixsync {
namespace {

namespace fs = std::filesystem;
using test::FolderHarness;
using Kind = Outcome::Kind;

constexpr const char* kAssetId = "3f2a9c1d-0000-4000-8000-000000000001";

Options sinkOptions(const fs::path& root) {
    Options o;
    o.set("root", root.string());
    Options small;
    small.set("max_width", std::int64_t{320});
    small.set("max_height", std::int64_t{240});
    Options profiles;
    profiles.set("small", small);
    o.set("profiles", profiles);
    return o;
}

Asset photo(const std::string& fileName, const std::string& id = kAssetId) {
    Asset a;
    a.id = id;
    a.checksum = "sum-" + id;
    a.fileName = fileName;
    a.mimeType = "image/jpeg";
    a.kind = AssetKind::Image;
    a.takenAt = "2024-06-01T10:20:30.000Z";
    return a;
}

std::vector<Outcome> deliver(Sink& sink, const Asset& asset, const std::vector<Destination>& to,
                             const std::string& fixture = "photo-12mp.jpg",
                             const std::string& mimeType = "image/jpeg") {
    const MediaFile media = test::fixtureMedia(fixture, mimeType);
    const std::string route = "jane@example.com";
    return sink.deliver(DeliveryRequest{asset, media, route, route}, to);
}

class FolderSinkTest : public ::testing::Test {
  protected:
    test::TempDir root;
};

TEST_F(FolderSinkTest, WritesAFrameSizedJpegIntoTheDestinationFolder) {
    FolderHarness h(sinkOptions(root.path()));
    const auto outcomes =
        deliver(h.sink(), photo("IMG_0042.HEIC"), {{"living-room", ""}, {"kitchen", "small"}});
    ASSERT_EQ(outcomes.size(), 2u);
    for (const auto& o : outcomes) EXPECT_EQ(o.kind, Kind::Delivered) << o.detail;

    const fs::path big = root / "living-room" / "2024-06-01_IMG_0042_3f2a9c1d.jpg";
    const fs::path small = root / "kitchen" / "2024-06-01_IMG_0042_3f2a9c1d.jpg";
    ASSERT_TRUE(fs::is_regular_file(big));
    ASSERT_TRUE(fs::is_regular_file(small));
    EXPECT_EQ(outcomes[0].bytes, fs::file_size(big));

    // 4000x3000 fitted into the default 1920x1080 and into the "small" 320x240 profile.
    const auto bigImage = vips::VImage::new_from_file(big.c_str());
    EXPECT_EQ(bigImage.width(), 1440);
    EXPECT_EQ(bigImage.height(), 1080);
    const auto smallImage = vips::VImage::new_from_file(small.c_str());
    EXPECT_EQ(smallImage.width(), 320);
    EXPECT_EQ(smallImage.height(), 240);

    // Readable by a frame or a file server, and no temporary file left behind.
    struct stat st {};
    ASSERT_EQ(::stat(big.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);
    h.close();
    EXPECT_EQ(
        test::filesBelow(root.path()),
        (std::vector<std::string>{
            "kitchen/.pixsync-index.json", "kitchen/2024-06-01_IMG_0042_3f2a9c1d.jpg",
            "living-room/.pixsync-index.json", "living-room/2024-06-01_IMG_0042_3f2a9c1d.jpg"}));
}

TEST_F(FolderSinkTest, DeliveringTheSameAssetTwiceLeavesOneFile) {
    FolderHarness h(sinkOptions(root.path()));
    const Asset asset = photo("IMG_0042.jpg");
    ASSERT_EQ(deliver(h.sink(), asset, {{"frame", ""}})[0].kind, Kind::Delivered);
    ASSERT_EQ(deliver(h.sink(), asset, {{"frame", ""}})[0].kind, Kind::Delivered);
    h.close();
    EXPECT_EQ(
        test::filesBelow(root / "frame"),
        (std::vector<std::string>{".pixsync-index.json", "2024-06-01_IMG_0042_3f2a9c1d.jpg"}));
}

TEST_F(FolderSinkTest, ARenamedAssetReplacesItsEarlierFile) {
    FolderHarness h(sinkOptions(root.path()));
    ASSERT_EQ(deliver(h.sink(), photo("before.jpg"), {{"frame", ""}})[0].kind, Kind::Delivered);
    ASSERT_EQ(deliver(h.sink(), photo("after.jpg"), {{"frame", ""}})[0].kind, Kind::Delivered);
    h.close();
    EXPECT_EQ(test::filesBelow(root / "frame"),
              (std::vector<std::string>{".pixsync-index.json", "2024-06-01_after_3f2a9c1d.jpg"}));
    const std::string index = test::readFile(root / "frame" / ".pixsync-index.json");
    EXPECT_NE(index.find(std::string("\"") + kAssetId + "\": \"2024-06-01_after_3f2a9c1d.jpg\""),
              std::string::npos)
        << index;
}

TEST_F(FolderSinkTest, TheIndexSurvivesARestart) {
    {
        FolderHarness h(sinkOptions(root.path()));
        ASSERT_EQ(deliver(h.sink(), photo("before.jpg"), {{"frame", ""}})[0].kind, Kind::Delivered);
    }
    // A new sink (a restart) reads the index and still replaces the old name.
    FolderHarness h(sinkOptions(root.path()));
    ASSERT_EQ(deliver(h.sink(), photo("after.jpg"), {{"frame", ""}})[0].kind, Kind::Delivered);
    EXPECT_FALSE(fs::exists(root / "frame" / "2024-06-01_before_3f2a9c1d.jpg"));
}

TEST_F(FolderSinkTest, HostileFileNamesStayInsideTheFolder) {
    FolderHarness h(sinkOptions(root.path()));
    const std::vector<std::pair<std::string, std::string>> names = {
        {"evil\r\nX-Header: 1.jpg", "2024-06-01_evil_X-Header_1_aaaaaaa1.jpg"},
        {"../../etc/passwd.jpg", "2024-06-01_passwd_aaaaaaa2.jpg"},
        {"sub/dir/name.jpg", "2024-06-01_name_aaaaaaa3.jpg"},
        {"\xF0\x9F\x98\x80 smile.jpg", "2024-06-01_smile_aaaaaaa4.jpg"},
        {std::string(300, 'a') + ".jpg", "2024-06-01_" + std::string(80, 'a') + "_aaaaaaa5.jpg"},
        {"...hidden.jpg", "2024-06-01_hidden_aaaaaaa6.jpg"},
        {"..", "2024-06-01_photo_aaaaaaa7.jpg"},
        {"", "2024-06-01_photo_aaaaaaa8.jpg"},
    };
    int n = 0;
    for (const auto& [name, expected] : names) {
        const std::string id = "aaaaaaa" + std::to_string(++n) + "-rest-of-id";
        const auto outcomes =
            deliver(h.sink(), photo(name, id), {{"frame", ""}}, "orientation-1.jpg");
        ASSERT_EQ(outcomes[0].kind, Kind::Delivered) << name << ": " << outcomes[0].detail;
        EXPECT_TRUE(fs::is_regular_file(root / "frame" / expected)) << "for " << name;
    }
    h.close();
    const auto files = test::filesBelow(root.path());
    EXPECT_EQ(files.size(), names.size() + 1);  // and the index
    for (const auto& f : files) {
        EXPECT_EQ(f.rfind("frame/", 0), 0u) << f;
        EXPECT_EQ(f.find_first_of("\r\n"), std::string::npos) << f;
    }
}

TEST_F(FolderSinkTest, AnUnusualTakenDateOrIdCannotShapeThePath) {
    FolderHarness h(sinkOptions(root.path()));
    Asset a = photo("x.jpg", "../../../../tmp/evil");
    a.takenAt = "../../2024";
    ASSERT_EQ(deliver(h.sink(), a, {{"frame", ""}}, "orientation-1.jpg")[0].kind, Kind::Delivered);
    EXPECT_TRUE(fs::is_regular_file(root / "frame" / "undated_x_tmpevil.jpg"));
}

TEST_F(FolderSinkTest, VideosArePassedThroughUnchanged) {
    FolderHarness h(sinkOptions(root.path()));
    Asset video = photo("clip.MP4");
    video.kind = AssetKind::Video;
    video.mimeType = "video/mp4";
    const auto outcomes = deliver(h.sink(), video, {{"frame", ""}}, "video-small.mp4", "video/mp4");
    ASSERT_EQ(outcomes[0].kind, Kind::Delivered) << outcomes[0].detail;
    const fs::path written = root / "frame" / "2024-06-01_clip_3f2a9c1d.mp4";
    ASSERT_TRUE(fs::is_regular_file(written));
    EXPECT_EQ(test::readFile(written), test::readFile(test::mediaFixtures() / "video-small.mp4"));
}

TEST_F(FolderSinkTest, AVideoOverTheLimitIsAMediaError) {
    Options o = sinkOptions(root.path());
    o.set("max_video_mb", std::int64_t{1});
    FolderHarness h(o);
    Asset video = photo("clip.mp4");
    video.kind = AssetKind::Video;
    video.mimeType = "video/mp4";
    try {
        deliver(h.sink(), video, {{"frame", ""}}, "video-16mb.mp4", "video/mp4");
        FAIL() << "expected Error(Media)";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Media) << e.what();
    }
    EXPECT_FALSE(fs::exists(root / "frame" / "2024-06-01_clip_3f2a9c1d.mp4"));
}

TEST_F(FolderSinkTest, UndecodableMediaIsAMediaError) {
    FolderHarness h(sinkOptions(root.path()));
    try {
        deliver(h.sink(), photo("broken.jpg"), {{"frame", ""}}, "not-an-image.jpg");
        FAIL() << "expected Error(Media)";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Media) << e.what();
    }
}

TEST_F(FolderSinkTest, AMissingRootIsUnavailableAndNotCreated) {
    const fs::path missing = root / "not-mounted";
    FolderHarness h(sinkOptions(missing));
    try {
        deliver(h.sink(), photo("a.jpg"), {{"frame", ""}}, "orientation-1.jpg");
        FAIL() << "expected Error(Unavailable)";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
        EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("mount"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(missing));
}

TEST_F(FolderSinkTest, AReadOnlyDestinationFolderIsRetriedLater) {
    FolderHarness h(sinkOptions(root.path()));
    fs::create_directories(root / "locked");
    fs::create_directories(root / "open");
    fs::permissions(root / "locked", fs::perms(0555));
    test::PermissionsApply permissions;
    if (!permissions.works()) GTEST_SKIP() << "cannot make permissions apply to root here";
    const auto outcomes =
        deliver(h.sink(), photo("a.jpg"), {{"open", ""}, {"locked", ""}}, "orientation-1.jpg");
    fs::permissions(root / "locked", fs::perms(0755));
    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes[0].kind, Kind::Delivered);
    EXPECT_EQ(outcomes[1].kind, Kind::RetryLater);
    EXPECT_NE(outcomes[1].detail.find((root / "locked").string()), std::string::npos)
        << outcomes[1].detail;
    EXPECT_NE(outcomes[1].detail.find("Permission denied"), std::string::npos)
        << outcomes[1].detail;
}

TEST_F(FolderSinkTest, ValidatesDestinationAddresses) {
    FolderHarness h(sinkOptions(root.path()));
    EXPECT_EQ(h.sink().validateDestination({"living-room", ""}), "");
    EXPECT_EQ(h.sink().validateDestination({"family/kitchen", "small"}), "");
    for (const std::string& bad :
         std::vector<std::string>{"", "/etc", "..", "../outside", "a/../../b", "a/./b", "a//b",
                                  "line\nbreak", std::string("nul\0x", 5), std::string(256, 'x')})
        EXPECT_NE(h.sink().validateDestination({bad, ""}), "") << "accepted '" << bad << "'";
    EXPECT_NE(h.sink().validateDestination({"frame", "huge"}).find("configured profiles: small"),
              std::string::npos);
}

TEST_F(FolderSinkTest, ConfigurationMistakesNameTheKey) {
    FolderHarness h(sinkOptions(root.path()));
    auto errorFor = [&](const Options& o) -> std::string {
        try {
            h.create(o);
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Config);
            return e.what();
        }
        return "no error";
    };
    EXPECT_NE(errorFor(Options()).find("root"), std::string::npos);
    Options badColour = sinkOptions(root.path());
    badColour.set("background", "white");
    EXPECT_NE(errorFor(badColour).find("background"), std::string::npos);
    Options badQuality = sinkOptions(root.path());
    badQuality.set("jpeg_quality", std::int64_t{0});
    EXPECT_NE(errorFor(badQuality).find("jpeg_quality"), std::string::npos);
    Options badRemoval = sinkOptions(root.path());
    badRemoval.set("remove_unfavorited", "sometimes");
    EXPECT_NE(errorFor(badRemoval).find("remove_unfavorited"), std::string::npos);
    Options removal = sinkOptions(root.path());
    removal.set("remove_unfavorited", true);
    EXPECT_NE(h.create(removal), nullptr);
}

TEST_F(FolderSinkTest, CheckReportsAMissingRoot) {
    FolderHarness ok(sinkOptions(root.path()));
    CheckReport good;
    ok.sink().check(good);
    EXPECT_TRUE(good.ok());
    FolderHarness missing(sinkOptions(root / "absent"));
    CheckReport bad;
    missing.sink().check(bad);
    EXPECT_FALSE(bad.ok());
}

TEST_F(FolderSinkTest, TheIndexIsPrivateAndThePhotosKeepTheirShareModeWhateverTheUmask) {
    for (const mode_t mask : {mode_t{022}, mode_t{0}}) {
        const mode_t saved = ::umask(mask);
        const fs::path share = root / ("umask" + std::to_string(mask));
        fs::create_directories(share);
        {
            FolderHarness h(sinkOptions(share));
            const auto outcomes = deliver(h.sink(), photo("IMG_0042.HEIC"), {{"frame", ""}});
            ASSERT_EQ(outcomes.size(), 1u);
            EXPECT_EQ(outcomes[0].kind, Kind::Delivered) << outcomes[0].detail;
        }  // closing writes the index
        ::umask(saved);
        struct stat index {
        }, photoFile{};
        ASSERT_EQ(::stat((share / "frame" / ".pixsync-index.json").c_str(), &index), 0);
        ASSERT_EQ(
            ::stat((share / "frame" / "2024-06-01_IMG_0042_3f2a9c1d.jpg").c_str(), &photoFile), 0);
        // The index names photos and routes (e-mail addresses): only pixsync's user reads it.
        EXPECT_EQ(index.st_mode & 07777, 0600u) << "umask " << mask;
        // Photos are for the frames and the people reading the share.
        EXPECT_EQ(photoFile.st_mode & 07777, 0644u) << "umask " << mask;
    }
}

}  // namespace
}  // namespace pixsync
