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
