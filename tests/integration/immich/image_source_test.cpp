// IMMICH_IMAGE_SOURCE: which rendition the immich source sends for a frame box. Immich's
// preview when it fills the frame (auto), else the original; always the original; always
// the preview. Real JPEGs, the built plugin, the fake Immich counting what was asked.

#include "immich_fixture.hpp"

using namespace pixsync;
using namespace pixsync::test;
using ::testing::HasSubstr;

namespace {

constexpr FrameBox kFrame{1024, 768};

class ImmichImageSource : public ImmichTest {
  protected:
    /// A black JPEG of `width` x `height` made by libvips' command-line tool.
    std::filesystem::path jpeg(const std::string& name, int width, int height) {
        auto path = dir() / name;
        auto r =
            run({"vips", "black", path.string(), std::to_string(width), std::to_string(height)});
        EXPECT_EQ(r.exitCode, 0) << r.err;
        return path;
    }

    /// One photo of John's: a 400x300 original and, unless `preview` is empty, that preview.
    /// `preview` may also be "false": Immich has made none yet.
    Asset onePhoto(const std::string& preview, const std::string& extra = "") {
        original_ = jpeg("original.jpg", 400, 300);
        std::string spec = R"({"owner": "john@example.com", "file": ")" + original_.string() + "\"";
        if (preview == "false")
            spec += R"(, "preview": false)";
        else if (!preview.empty())
            spec += R"(, "preview": ")" + preview + "\"";
        start(manifest("[" + spec + extra + "}]"));
        return listOne();
    }

    Asset listOne() {
        source_ = makeSource(sourceOptions());
        Listing l = source_->list("");
        EXPECT_EQ(l.assets.size(), 1u);
        immich().resetCounters();
        return l.assets.empty() ? Asset{} : l.assets[0];
    }

    /// The route's options, for the server started by then.
    Options sourceOptions() {
        Options o = options(key_);
        if (!mode_.empty()) o.set("immich_image_source", mode_);
        return o;
    }

    int previewRequests() { return requests("GET /api/assets/{id}/thumbnail"); }
    int originalRequests() { return requests("GET /api/assets/{id}/original"); }

    std::string key_ = "john-key-all";
    std::string mode_;  ///< IMMICH_IMAGE_SOURCE; empty: the default
    std::unique_ptr<Source> source_;
    std::filesystem::path original_;
};

TEST_F(ImmichImageSource, AutoSendsThePreviewWhenItFillsTheFrame) {
    const auto preview = jpeg("preview.jpg", 1920, 1440);
    const Asset asset = onePhoto(preview.string());
    MediaFile media = source_->fetchFor(asset, kFrame);
    EXPECT_TRUE(media.isPreview);
    EXPECT_EQ(media.mimeType, "image/jpeg");
    EXPECT_EQ(readFile(media.file.path()), readFile(preview));
    EXPECT_EQ(previewRequests(), 1);
    EXPECT_EQ(originalRequests(), 0);
}

TEST_F(ImmichImageSource, AutoSendsTheOriginalWhenThePreviewIsSmallerThanTheFrame) {
    const auto preview = jpeg("preview.jpg", 640, 480);
    const Asset asset = onePhoto(preview.string());
    MediaFile media = source_->fetchFor(asset, kFrame);
    EXPECT_FALSE(media.isPreview);
    EXPECT_EQ(readFile(media.file.path()), readFile(original_));
    EXPECT_EQ(previewRequests(), 1);
    EXPECT_EQ(originalRequests(), 1);
    EXPECT_THAT(logText(), HasSubstr("(640\u00d7480) does not fill the frame's 1024\u00d7768"));
}

TEST_F(ImmichImageSource, AutoSendsTheOriginalWhenImmichHasNoPreviewYet) {
    const Asset asset = onePhoto("false");
    MediaFile media = source_->fetchFor(asset, kFrame);
    EXPECT_FALSE(media.isPreview);
    EXPECT_EQ(readFile(media.file.path()), readFile(original_));
    EXPECT_EQ(previewRequests(), 1);
    EXPECT_EQ(originalRequests(), 1);
}

TEST_F(ImmichImageSource, AutoSendsTheOriginalToASinkThatTakesMediaAsItIs) {
    const auto preview = jpeg("preview.jpg", 1920, 1440);
    const Asset asset = onePhoto(preview.string());
    MediaFile media = source_->fetchFor(asset, std::nullopt);
    EXPECT_FALSE(media.isPreview);
    EXPECT_EQ(previewRequests(), 0);
}

TEST_F(ImmichImageSource, OriginalNeverAsksForAPreview) {
    mode_ = "original";
    const auto preview = jpeg("preview.jpg", 1920, 1440);
    const Asset asset = onePhoto(preview.string());
    MediaFile media = source_->fetchFor(asset, kFrame);
    EXPECT_FALSE(media.isPreview);
    EXPECT_EQ(readFile(media.file.path()), readFile(original_));
    EXPECT_EQ(previewRequests(), 0);
    EXPECT_EQ(originalRequests(), 1);
}

TEST_F(ImmichImageSource, PreviewSendsThePreviewEvenWhenSmallAndTheOriginalWhenThereIsNone) {
    mode_ = "preview";
    const auto preview = jpeg("preview.jpg", 640, 480);
    const Asset asset = onePhoto(preview.string());
    MediaFile media = source_->fetchFor(asset, kFrame);
    EXPECT_TRUE(media.isPreview);
    EXPECT_EQ(readFile(media.file.path()), readFile(preview));
    EXPECT_EQ(originalRequests(), 0);

    immich().admin("POST", "/assets",
                   R"({"owner": "john@example.com", "preview": false,
        "originalFileName": "fresh.jpg", "file": ")" +
                       original_.string() + "\"}");
    Listing l = source_->list("");
    for (const auto& a : l.assets) {
        if (a.fileName != "fresh.jpg") continue;
        EXPECT_FALSE(source_->fetchFor(a, kFrame).isPreview);
    }
}

TEST_F(ImmichImageSource, AVideoIsAlwaysItsOriginal) {
    start(manifest(
        R"([{"owner": "john@example.com", "size": 4096, "originalFileName": "clip.mp4"}])"));
    const Asset asset = listOne();
    ASSERT_EQ(asset.kind, AssetKind::Video);
    MediaFile media = source_->fetchFor(asset, kFrame);
    EXPECT_FALSE(media.isPreview);
    EXPECT_EQ(previewRequests(), 0);
}

TEST_F(ImmichImageSource, AKeyWithoutAssetViewIsAskedForAPreviewOnce) {
    key_ = "john-key-noview";
    const auto preview = jpeg("preview.jpg", 1920, 1440);
    original_ = jpeg("original.jpg", 400, 300);
    start(manifest(R"([{"owner": "john@example.com", "count": 3, "file": ")" + original_.string() +
                   R"(", "preview": ")" + preview.string() + R"("}])"));
    source_ = makeSource(sourceOptions());
    Listing l = source_->list("");
    ASSERT_EQ(l.assets.size(), 3u);
    immich().resetCounters();
    for (const auto& a : l.assets) EXPECT_FALSE(source_->fetchFor(a, kFrame).isPreview);
    EXPECT_EQ(previewRequests(), 1);
    EXPECT_EQ(originalRequests(), 3);
}

}  // namespace
