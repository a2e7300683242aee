// IMMICH_IMAGE_SOURCE: which rendition the immich source sends for a frame box. Immich's
// preview when it fills the frame (auto), else the original; always the original; always
// the preview. Real JPEGs, the built plugin, the fake Immich counting what was asked.

#include <map>

#include "immich_fixture.hpp"

using namespace pixsync;
using namespace pixsync::test;
using ::testing::HasSubstr;
using ::testing::Not;

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
        for (const auto& [key, value] : extraOptions_) o.set(key, value);
        return o;
    }

    /// A preview that fills the frame, which `fault` keeps from arriving; then fetchFor.
    MediaFile fetchWithPreviewFault(const std::string& fault, int count = 1) {
        const auto preview = jpeg("preview.jpg", 1920, 1440);
        const Asset asset = onePhoto(preview.string());
        immich().injectFault(fault, count, "/api/assets/" + asset.id + "/thumbnail");
        return source_->fetchFor(asset, kFrame);
    }

    /// The original came back, downloaded once, after one try for the preview.
    void expectTheOriginal(const MediaFile& media) {
        EXPECT_FALSE(media.isPreview);
        EXPECT_EQ(readFile(media.file.path()), readFile(original_));
        EXPECT_EQ(previewRequests(), 1) << "the original is the next try, not the preview again";
        EXPECT_EQ(originalRequests(), 1);
        EXPECT_THAT(logText(), HasSubstr("could not be downloaded"));
        EXPECT_THAT(logText(), HasSubstr("sending the original"));
    }

    int previewRequests() { return requests("GET /api/assets/{id}/thumbnail"); }
    int originalRequests() { return requests("GET /api/assets/{id}/original"); }

    std::string key_ = "john-key-all";
    std::string mode_;  ///< IMMICH_IMAGE_SOURCE; empty: the default
    std::map<std::string, std::string> extraOptions_;
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

// A preview that does not arrive whole is no reason to hold or fail the photo: the original
// is sent, and only its own failure counts.
TEST_F(ImmichImageSource, AutoSendsTheOriginalWhenThePreviewIsCutShort) {
    expectTheOriginal(fetchWithPreviewFault("truncate"));
}

// A proxy in front of Immich answering /thumbnail with its login page (status 200).
TEST_F(ImmichImageSource, AutoSendsTheOriginalWhenThePreviewIsAnHtmlPage) {
    expectTheOriginal(fetchWithPreviewFault("html"));
}

TEST_F(ImmichImageSource, AutoSendsTheOriginalWhenImmichFailsToSendThePreview) {
    expectTheOriginal(fetchWithPreviewFault("500", 100));
}

TEST_F(ImmichImageSource, AutoSendsTheOriginalWhenThePreviewIsTooSlow) {
    // The deadline: 1 s plus what arrived (a few bytes) at the minimum speed.
    extraOptions_["immich_timeout_seconds"] = "1";
    const auto preview = jpeg("preview.jpg", 1920, 1440);
    const Asset asset = onePhoto(preview.string());
    immich().admin("POST", "/faults",
                   R"({"kind": "drip", "count": 100, "seconds": 20, "path": "/api/assets/)" +
                       asset.id + R"(/thumbnail"})");
    expectTheOriginal(source_->fetchFor(asset, kFrame));
}

TEST_F(ImmichImageSource, PreviewModeSendsTheOriginalWhenThePreviewIsCutShort) {
    mode_ = "preview";
    expectTheOriginal(fetchWithPreviewFault("truncate"));
}

// When the original fails too, its error is the one thrown: the photo is charged with what
// happened to the media it needs, not with the preview's trouble.
TEST_F(ImmichImageSource, WhenTheOriginalFailsTooItsErrorIsThrown) {
    const auto preview = jpeg("preview.jpg", 1920, 1440);
    const Asset asset = onePhoto(preview.string());
    immich().injectFault("500", 100, "/api/assets/" + asset.id + "/");
    const Error e = errorFrom([&] { source_->fetchFor(asset, kFrame); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), HasSubstr("Immich failed to send \"original.jpg\""));
    EXPECT_THAT(e.what(), Not(HasSubstr("the preview of")));
    EXPECT_EQ(previewRequests(), 1);
    EXPECT_GT(originalRequests(), 1) << "the original is worth its retries";
}

// One cause (a proxy, a broken thumbnail store) usually hits every preview: the first one is
// logged at info, the rest at debug, one line per photo.
TEST_F(ImmichImageSource, EachPreviewThatFailsIsLoggedOnceAndOnlyTheFirstAtInfo) {
    const auto preview = jpeg("preview.jpg", 1920, 1440);
    original_ = jpeg("original.jpg", 400, 300);
    start(manifest(R"([{"owner": "john@example.com", "count": 3, "file": ")" + original_.string() +
                   R"(", "preview": ")" + preview.string() + R"("}])"));
    source_ = makeSource(sourceOptions());
    Listing l = source_->list("");
    ASSERT_EQ(l.assets.size(), 3u);
    // The originals themselves are fine: only /thumbnail gets the page.
    for (const auto& a : l.assets)
        immich().injectFault("html", 1, "/api/assets/" + a.id + "/thumbnail");
    for (const auto& a : l.assets) EXPECT_FALSE(source_->fetchFor(a, kFrame).isPreview);
    const std::string log = logText();
    std::size_t info = 0, debug = 0;
    for (std::size_t at = log.find("could not be downloaded"); at != std::string::npos;
         at = log.find("could not be downloaded", at + 1)) {
        const std::size_t start = at == 0 ? 0 : log.rfind('\n', at - 1) + 1;  // npos + 1 == 0
        const std::string line = log.substr(start, at - start);
        info += line.find(" INFO ") != std::string::npos;
        debug += line.find(" DEBUG ") != std::string::npos;
    }
    EXPECT_EQ(info, 1u) << log;
    EXPECT_EQ(debug, 2u) << log;
}

}  // namespace
