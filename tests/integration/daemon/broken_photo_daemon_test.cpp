// The daemon with a photo that keeps failing: a new favorite still goes out within one poll
// interval, and the route stays ok.
#include "broken_photo_fixture.hpp"

using namespace pixsync::test;

namespace {

using BrokenPhotoDaemonTest = BrokenPhotoTest;

TEST_F(BrokenPhotoDaemonTest, ANewFavoriteIsDeliveredWithinAPollWhileAnotherPhotoKeepsFailing) {
    // POLL_INTERVAL_SECONDS at its floor; retries of the broken photo come due every few
    // seconds, so that it keeps failing while the new favorite waits for its poll.
    startLibrary({{"POLL_INTERVAL_SECONDS", "10"},
                  {"IMMICH_IMAGE_SOURCE", "original"},
                  {"RETRY_BASE_SECONDS", "1"}});
    breakPhoto(kBroken, "500");
    auto daemon = startDaemon();
    const std::size_t healthyMessages = healthy().size() * kJohnFrames.size();
    ASSERT_TRUE(waitFor([&] { return smtp->messages().size() >= healthyMessages; }, 20s))
        << "the healthy photos were not delivered:\n"
        << logText() << daemonOutput();

    favorite(kLater);
    const auto favorited = std::chrono::steady_clock::now();
    // One poll interval, plus a few seconds for the poll and the delivery.
    const bool delivered = waitFor(
        [&] { return smtp->messages().size() >= healthyMessages + kJohnFrames.size(); }, 15s);
    const auto took = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - favorited);
    EXPECT_TRUE(delivered) << "the new favorite was not delivered within " << took.count()
                           << " s:\n"
                           << logText();
    expectRouteOk();

    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(30s), 0) << daemonOutput();
    std::set<int> photos = healthy();
    photos.insert(kLater);
    expectReceived(photos);
    const std::string broken = deliveriesOf(kBroken);
    EXPECT_THAT(broken, ::testing::StartsWith("queued ")) << "to be tried again";
}

}  // namespace
