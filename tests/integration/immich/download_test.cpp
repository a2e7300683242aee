// Downloads: streamed to a temporary file, capped, gone, previews.

#include "immich_fixture.hpp"

using namespace pixsync;
using namespace pixsync::test;
using ::testing::HasSubstr;

namespace {

// A real JPEG made by libvips' command-line tool.
std::filesystem::path makeJpeg(const std::filesystem::path& dir) {
    auto path = dir / "photo.jpg";
    auto r = run({"vips", "black", path.string(), "64", "48"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    return path;
}

}  // namespace

TEST_F(ImmichTest, DownloadsTheOriginalIntoATemporaryFile) {
    auto jpeg = makeJpeg(dir());
    start(manifest(R"([{"owner": "john@example.com", "file": ")" + jpeg.string() + R"("}])"));
    auto source = makeSource(options());
    Listing l = source->list("");
    ASSERT_EQ(l.assets.size(), 1u);
    EXPECT_EQ(l.assets[0].mimeType, "image/jpeg");
    std::filesystem::path where;
    {
        MediaFile m = source->fetch(l.assets[0]);
        where = m.file.path();
        EXPECT_EQ(where.parent_path(), dir());
        EXPECT_EQ(m.mimeType, "image/jpeg");
        EXPECT_FALSE(m.isPreview);
        EXPECT_EQ(m.size, std::filesystem::file_size(jpeg));
        EXPECT_EQ(readFile(where), readFile(jpeg));
    }
    EXPECT_FALSE(std::filesystem::exists(where));  // removed with the MediaFile
}

TEST_F(ImmichTest, AnOriginalOverTheCapIsAMediaError) {
    start(manifest(
        R"([{"owner": "john@example.com", "size": 3145728, "originalFileName": "big.mov"}])"));
    auto o = options();
    o.set("immich_max_download_mb", "1");
    auto source = makeSource(o);
    Listing l = source->list("");
    ASSERT_EQ(l.assets.size(), 1u);
    Error e = errorFrom([&] { source->fetch(l.assets[0]); });
    EXPECT_EQ(e.kind(), ErrorKind::Media);
    EXPECT_THAT(e.what(), HasSubstr("big.mov"));
    EXPECT_THAT(e.what(), HasSubstr("is 3 MB, over the limit of 1 MB"));
    // Nothing left behind in the temporary folder.
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir()))
        files += entry.path().filename().string().starts_with("pixsync-");
    EXPECT_EQ(files, 0);
}

TEST_F(ImmichTest, AGoneOriginalIsAMediaError) {
    start(manifest(R"([{"owner": "john@example.com", "count": 1}])"));
    auto source = makeSource(options());
    Listing l = source->list("");
    immich().admin("POST", "/assets/" + l.assets[0].id, R"({"missingFile": true})");
    Error e = errorFrom([&] { source->fetch(l.assets[0]); });
    EXPECT_EQ(e.kind(), ErrorKind::Media);
    EXPECT_THAT(e.what(), HasSubstr("is gone from Immich"));

    Asset unknown = l.assets[0];
    unknown.id = "99999999-9999-4999-8999-999999999999";
    e = errorFrom([&] { source->fetch(unknown); });
    EXPECT_EQ(e.kind(), ErrorKind::Media);
    EXPECT_THAT(e.what(), HasSubstr("is gone from Immich"));
}

TEST_F(ImmichTest, AnInvalidIdNeverReachesAUrl) {
    start(manifest());
    auto source = makeSource(options());
    Asset a;
    a.id = "../../users/me";
    immich().resetCounters();
    Error e = errorFrom([&] { source->fetch(a); });
    EXPECT_EQ(e.kind(), ErrorKind::Media);
    EXPECT_FALSE(source->fetchPreview(a));
    EXPECT_EQ(totalRequests(), 0);
}

TEST_F(ImmichTest, MissingDownloadPermissionIsUnavailableAndQuoted) {
    start(manifest(R"([{"owner": "john@example.com", "count": 1}])"));
    auto source = makeSource(options("john-key-nodownload"));
    Listing l = source->list("");
    Error e = errorFrom([&] { source->fetch(l.assets[0]); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), HasSubstr("Missing required permission: asset.download"));
}

TEST_F(ImmichTest, FetchesAPreviewWhenAllowed) {
    start(manifest(
        R"([{"owner": "john@example.com", "originalFileName": "IMG_1.HEIC", "size": 5000}])"));
    auto source = makeSource(options());
    Listing l = source->list("");
    auto preview = source->fetchPreview(l.assets[0]);
    ASSERT_TRUE(preview);
    EXPECT_TRUE(preview->isPreview);
    EXPECT_EQ(preview->mimeType, "image/jpeg");
    EXPECT_GT(preview->size, 100u);
    EXPECT_EQ(readFile(preview->file.path()).substr(0, 2), "\xff\xd8");
}

TEST_F(ImmichTest, APreviewRefusedForLackOfAssetViewIsNoneAndLoggedOnce) {
    start(manifest(R"([{"owner": "john@example.com", "count": 2}])"));
    auto source = makeSource(options("john-key-noview"));
    Listing l = source->list("");
    EXPECT_FALSE(source->fetchPreview(l.assets[0]));
    EXPECT_FALSE(source->fetchPreview(l.assets[1]));
    std::string log = logText();
    auto first = log.find("previews are not available");
    ASSERT_NE(first, std::string::npos);
    EXPECT_EQ(log.find("previews are not available", first + 1), std::string::npos);
}

TEST_F(ImmichTest, PreviewFallbackCanBeTurnedOff) {
    start(manifest(R"([{"owner": "john@example.com", "count": 1}])"));
    auto o = options();
    o.set("immich_preview_fallback", "false");
    auto source = makeSource(o);
    Listing l = source->list("");
    immich().resetCounters();
    EXPECT_FALSE(source->fetchPreview(l.assets[0]));
    EXPECT_EQ(totalRequests(), 0);
}
