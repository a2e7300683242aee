// Immich down for several polls, then back: nothing is lost, and the log says so once.
#include "daemon_fixture.hpp"

using namespace pixsync::test;

namespace {

class OutageTest : public DaemonTest {
  protected:
    int listenPort = 0;

    void SetUp() override {
        // Polls a second apart instead of the 10 s floor (a test build's override), so that
        // an outage spans several polls within seconds.
        daemonEnvironment["PIXSYNC_TEST_POLL_INTERVAL_MS"] = "1000";
        startImmich(3);
        startSmtp();
        writeConfig();
    }

    /// The daemon, serving /metrics on a port of its own choosing, polling every second.
    std::unique_ptr<PixsyncProcess> startPollingDaemon() {
        auto daemon = startListeningOnAnyPort(listenPort);
        EXPECT_EQ(
            lines(logText(), "INFO", "PIXSYNC_TEST_POLL_INTERVAL_MS: polling every 1000 ms").size(),
            1u)
            << "the daemon did not take the test's poll interval:\n"
            << logText();
        return daemon;
    }

    /// pixsync_poll_failures_total from the daemon's /metrics; -1 while it does not answer.
    long failedPolls() {
        return metricValue(run({python(), "-c",
                                "import urllib.request\n"
                                "try:\n print(urllib.request.urlopen('http://127.0.0.1:" +
                                    std::to_string(listenPort) +
                                    "/metrics', timeout=10).read().decode())\n"
                                    "except Exception as e:\n print('down', e)\n"})
                               .out,
                           "pixsync_poll_failures_total");
    }
};

TEST_F(OutageTest, ImmichDownForSeveralPollsThenBackDeliversEverythingAndWarnsOnce) {
    auto daemon = startPollingDaemon();
    ASSERT_TRUE(waitFor([&] { return smtp->messages().size() == 3 * kJohnFrames.size(); }, 90s))
        << logText() << daemonOutput();
    const std::size_t before = logText().size();
    ASSERT_EQ(failedPolls(), 0) << logText();

    immich->stop();  // connection refused from now on
    ASSERT_TRUE(waitFor([&] { return failedPolls() >= 3; }, 30s))
        << "three polls did not fail within 30 s (" << failedPolls() << " did):\n"
        << logText().substr(before);
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
    auto daemon = startPollingDaemon();
    ASSERT_TRUE(waitFor([&] { return smtp->messages().size() == 3 * kJohnFrames.size(); }, 90s))
        << logText() << daemonOutput();
    const std::size_t before = logText().size();
    ASSERT_EQ(failedPolls(), 0) << logText();

    immich->resetCounters();
    immich->injectFault("503", 1000, "/api/");
    ASSERT_TRUE(waitFor([&] { return failedPolls() >= 3; }, 30s))
        << "three polls did not fail within 30 s (" << failedPolls() << " did):\n"
        << logText().substr(before);
    // A poll gives up after 3 tries: the answered 503s confirm what /metrics counted, and still
    // only one warning is expected below.
    const std::string requests = immich->admin("GET", "/requests");
    std::size_t refused = 0;
    for (auto at = requests.find("\"fault\": \"503\""); at != std::string::npos;
         at = requests.find("\"fault\": \"503\"", at + 1))
        ++refused;
    EXPECT_GE(refused, 9u) << "the outage spanned fewer than three polls:\n" << requests;
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
