// One broken photo never holds the others: a favorite whose media Immich cannot send is that
// photo's failure, retried alone and failed for good after its attempt budget, while the
// route stays ok, `once` exits 0 and every other photo, old or new, is delivered.
#include <thread>

#include "broken_photo_fixture.hpp"

using namespace pixsync::test;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

namespace {

// Retries come due a second later (±20 % jitter), so a second `once` after a short sleep
// tries the broken photo again; originals only, so that no preview stands in for it.
const std::map<std::string, std::string> kOriginalsQuickRetry = {
    {"IMMICH_IMAGE_SOURCE", "original"}, {"RETRY_BASE_SECONDS", "1"}};

class BrokenPhotoPassTest : public BrokenPhotoTest {
  protected:
    /// The broken photo fails every pass with `reason` in its record while the healthy ones,
    /// and one favorited between the passes, are delivered, and the route stays ok.
    void expectOthersDelivered(const std::string& fault, const std::string& reason) {
        startLibrary(kOriginalsQuickRetry);
        breakPhoto(kBroken, fault);

        expectPassSucceeds();
        expectReceived(healthy());
        expectQueuedForRetry(kBroken, 1, reason);
        expectRouteOk();

        favorite(kLater);
        std::this_thread::sleep_for(1500ms);  // the broken photo's retry comes due
        expectPassSucceeds();
        std::set<int> delivered = healthy();
        delivered.insert(kLater);
        expectReceived(delivered);
        expectQueuedForRetry(kBroken, 2, reason);
        expectRouteOk();
    }
};

TEST_F(BrokenPhotoPassTest, AnOriginalAnsweringHttp500HoldsNoOtherPhoto) {
    expectOthersDelivered("500", "HTTP 500");
}

TEST_F(BrokenPhotoPassTest, AnOriginalCutShortHoldsNoOtherPhoto) {
    expectOthersDelivered("truncate", "cut short");
}

// In auto mode a preview that does not arrive whole is no reason to hold or fail the photo:
// its original is sent instead.
TEST_F(BrokenPhotoPassTest, APreviewCutShortIsSentFromItsOriginal) {
    startLibrary();
    breakPhoto(kBroken, "truncate", "thumbnail");
    expectPassSucceeds();
    expectReceived({0, 1, 2, 3, 4});
    EXPECT_TRUE(originalAskedFor(kBroken));
    expectRouteOk();
}

// A proxy in front of Immich answering the preview with its login page (status 200).
TEST_F(BrokenPhotoPassTest, APreviewAnsweredWithAnHtmlPageIsSentFromItsOriginal) {
    startLibrary();
    breakPhoto(kBroken, "html", "thumbnail");
    expectPassSucceeds();
    expectReceived({0, 1, 2, 3, 4});
    EXPECT_TRUE(originalAskedFor(kBroken));
    expectRouteOk();
}

// MAX_ATTEMPTS=2 is a test's budget (10 by default): after its second failed attempt the
// photo is failed for good with its last reason, and `status` lists it as such while the
// route stays ok (exit 0).
TEST_F(BrokenPhotoPassTest, ANeverFetchablePhotoEndsFailedWithItsReasonAfterItsAttempts) {
    auto env = kOriginalsQuickRetry;
    env["MAX_ATTEMPTS"] = "2";
    startLibrary(env);
    breakPhoto(kBroken, "500");

    expectPassSucceeds();
    expectQueuedForRetry(kBroken, 1, "HTTP 500");
    // Short sleeps until the retry is due and made; a few passes at most.
    for (int pass = 0; pass < 4 && deliveriesOf(kBroken).rfind("failed", 0) != 0; ++pass) {
        std::this_thread::sleep_for(1500ms);
        expectPassSucceeds();
    }
    const std::string rows = deliveriesOf(kBroken);
    EXPECT_THAT(rows, StartsWith("failed 2 "));
    EXPECT_THAT(rows, Not(HasSubstr("queued"))) << "every frame's delivery failed";
    EXPECT_THAT(rows, HasSubstr("HTTP 500")) << "the last reason is kept";
    expectReceived(healthy());

    const auto status = pixsync({"status"});
    EXPECT_EQ(status.exitCode, 0) << "a failed photo is no failing route:\n" << status.out;
    EXPECT_THAT(status.out, HasSubstr("route john@example.com: ok\n"));
    for (const auto& frame : kJohnFrames)
        EXPECT_THAT(status.out, HasSubstr("  failed: " + fileName(kBroken) + " to " + frame + ": "))
            << status.out;
    EXPECT_THAT(status.out, HasSubstr("HTTP 500"));
    EXPECT_THAT(status.out, HasSubstr(", failed " + std::to_string(kJohnFrames.size()) + ","));
}

}  // namespace

namespace {

/// A favorite `id` named `name` whose preview is the file `preview` (the original is a good
/// JPEG), for the running fake Immich.
std::string withPreview(const std::string& id, const std::string& name,
                        const std::filesystem::path& preview) {
    return R"({"id": ")" + id + R"(", "owner": ")" + kJohn + R"(", "file": ")" +
           (mediaFixtures() / "orientation-1.jpg").string() + R"(", "preview": ")" +
           preview.string() + R"(", "originalFileName": ")" + name + R"(", "isFavorite": true})";
}

/// The JPEG at `from` with the frame size its header declares replaced (SOF0/SOF2).
std::string withDeclaredSize(const std::filesystem::path& from, unsigned width, unsigned height) {
    std::string jpeg = readFile(from);
    for (std::size_t i = 2; i + 9 < jpeg.size(); ++i) {
        const auto marker = static_cast<unsigned char>(jpeg[i + 1]);
        if (static_cast<unsigned char>(jpeg[i]) != 0xFF || (marker != 0xC0 && marker != 0xC2))
            continue;
        jpeg[i + 5] = static_cast<char>(height >> 8);
        jpeg[i + 6] = static_cast<char>(height & 0xFF);
        jpeg[i + 7] = static_cast<char>(width >> 8);
        jpeg[i + 8] = static_cast<char>(width & 0xFF);
        return jpeg;
    }
    ADD_FAILURE() << from << " has no SOF0 or SOF2 marker";
    return jpeg;
}

}  // namespace

// Immich serves a preview file that is damaged (a truncated JPEG, served whole with its
// length): the sink cannot decode it, and the photo goes out from its original.
TEST_F(BrokenPhotoPassTest, ADamagedPreviewFileIsSentFromItsOriginal) {
    startLibrary({{"IMMICH_IMAGE_SOURCE", "preview"}});
    const std::string whole = readFile(mediaFixtures() / "orientation-1.jpg");
    const auto damaged = writeFile(dir / "damaged-preview.jpg", whole.substr(0, whole.size() / 2));
    immich->admin("POST", "/assets", withPreview(assetId(kLater), fileName(kLater), damaged));
    expectPassSucceeds();
    expectReceived({0, 1, 2, 3, 4, kLater});
    EXPECT_TRUE(originalAskedFor(kLater));
    expectRouteOk();
}

// A preview whose header declares 30000x30000 is over the decoder's pixel limit: the photo
// goes out from its original instead of failing.
TEST_F(BrokenPhotoPassTest, APreviewOverThePixelLimitIsSentFromItsOriginal) {
    startLibrary({{"IMMICH_IMAGE_SOURCE", "preview"}});
    const auto huge =
        writeFile(dir / "huge-preview.jpg",
                  withDeclaredSize(mediaFixtures() / "orientation-1.jpg", 30000, 30000));
    immich->admin("POST", "/assets", withPreview(assetId(kLater), fileName(kLater), huge));
    expectPassSucceeds();
    expectReceived({0, 1, 2, 3, 4, kLater});
    EXPECT_TRUE(originalAskedFor(kLater));
    expectRouteOk();
}
