// Immich down for several polls, then back: nothing is lost, and the log says so once.
#include "daemon_fixture.hpp"

using namespace pixsync::test;

namespace {

class OutageTest : public DaemonTest {
  protected:
    void SetUp() override {
        startImmich(3);
        startSmtp();
        writeConfig();
    }
};

TEST_F(OutageTest, ImmichDownForSeveralPollsThenBackDeliversEverythingAndWarnsOnce) {
    auto daemon = startDaemon();
    ASSERT_TRUE(waitFor([&] { return smtp->messages().size() == 3 * kJohnFrames.size(); }, 90s))
        << logText() << daemonOutput();
    const std::size_t before = logText().size();

    immich->stop();  // connection refused from now on
    // POLL_INTERVAL_SECONDS=10 (the minimum): 25 s down spans at least two failed polls.
    std::this_thread::sleep_for(25s);
    const std::string during = logText().substr(before);
    EXPECT_EQ(lines(during, "WARNING").size(), 1u) << "one warning per outage, not one per poll:\n"
                                                   << during;
    EXPECT_EQ(lines(during, "WARNING", kJohn).size(), 1u) << "the warning names the account";

    startImmich(3);  // back on the same port; then two new favorites
    addFavorite(3);
    addFavorite(4);
    ASSERT_TRUE(waitFor([&] { return smtp->messages().size() == 5 * kJohnFrames.size(); }, 90s))
        << logText() << daemonOutput();
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(30s), 0) << daemonOutput();

    const std::string after = logText().substr(before);
    EXPECT_EQ(lines(after, "WARNING").size(), 1u) << after;
    EXPECT_EQ(lines(after, "ERROR").size(), 0u) << after;
    expectDeliveredOnce(5, 0);
}

TEST_F(OutageTest, ImmichAnsweringErrorsForAWhileIsOneWarningAndThenRecovers) {
    auto daemon = startDaemon();
    ASSERT_TRUE(waitFor([&] { return smtp->messages().size() == 3 * kJohnFrames.size(); }, 90s))
        << logText() << daemonOutput();
    const std::size_t before = logText().size();

    immich->resetCounters();
    immich->injectFault("503", 1000, "/api/");
    std::this_thread::sleep_for(25s);
    // A poll gives up after 3 tries: more answered 503s than that means at least two polls
    // failed, and still only one warning is expected below.
    const std::string requests = immich->admin("GET", "/requests");
    std::size_t refused = 0;
    for (auto at = requests.find("\"fault\": \"503\""); at != std::string::npos;
         at = requests.find("\"fault\": \"503\"", at + 1))
        ++refused;
    EXPECT_GT(refused, 3u) << "the outage spanned fewer than two polls:\n" << requests;
    immich->admin("DELETE", "/faults");
    addFavorite(3);
    ASSERT_TRUE(waitFor([&] { return smtp->messages().size() == 4 * kJohnFrames.size(); }, 90s))
        << logText() << daemonOutput();
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(30s), 0) << daemonOutput();

    const std::string after = logText().substr(before);
    EXPECT_EQ(lines(after, "WARNING").size(), 1u) << "one warning per outage:\n" << after;
    expectDeliveredOnce(4, 0);
}

}  // namespace
