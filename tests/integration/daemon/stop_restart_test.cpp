// Stopping `pixsync run` in the middle of a delivery batch and starting it again: every
// favorite reaches every frame, and only the message in flight may arrive twice.
#include "daemon_fixture.hpp"

using namespace pixsync::test;

namespace {

constexpr int kPhotos = 60;
const std::size_t kMessages = kPhotos * kJohnFrames.size();

class StopRestartTest : public DaemonTest {
  protected:
    void SetUp() override {
        startImmich(kPhotos);
        startSmtp();
        writeConfig();
    }

    /// Starts the daemon, waits until part of the batch went out, stops it with `sig`,
    /// restarts it and waits for the rest. Returns the first process's exit code.
    int interruptAndResume(int sig) {
        int firstExit = -1;
        {
            auto daemon = startDaemon();
            EXPECT_TRUE(waitFor([&] { return smtp->messages().size() >= 10; }, 90s))
                << logText() << daemonOutput();
            const auto stopAt = std::chrono::steady_clock::now();
            daemon->signal(sig);
            firstExit = daemon->wait(30s);
            if (sig == SIGTERM) {
                EXPECT_LT(std::chrono::steady_clock::now() - stopAt, 5s)
                    << "SIGTERM must stop pixsync within 5 s";
            }
        }
        const std::size_t atStop = smtp->messages().size();
        // The batch must really have been interrupted for the test to mean anything.
        EXPECT_LT(atStop, kMessages) << "every message went out before the stop";

        auto daemon = startDaemon();
        EXPECT_TRUE(waitFor([&] { return smtp->messages().size() >= kMessages; }, 120s))
            << smtp->messages().size() << " of " << kMessages << "\n"
            << logText() << daemonOutput();
        // Give a wrongly repeated batch the chance to show itself before counting.
        std::this_thread::sleep_for(2s);
        daemon->signal(SIGTERM);
        EXPECT_EQ(daemon->wait(30s), 0) << daemonOutput();
        return firstExit;
    }
};

TEST_F(StopRestartTest, SigtermMidBatchStopsCleanlyAndTheRestartDeliversTheRestOnce) {
    EXPECT_EQ(interruptAndResume(SIGTERM), 0) << daemonOutput();
    EXPECT_NE(logText().find("received SIGTERM, stopping"), std::string::npos) << logText();
    expectDeliveredOnce(kPhotos, 0);  // a clean stop finishes and records the message in flight
}

TEST_F(StopRestartTest, SigkillMidBatchLosesNothingAndDuplicatesAtMostTheMessageInFlight) {
    EXPECT_EQ(interruptAndResume(SIGKILL), 128 + SIGKILL);
    expectDeliveredOnce(kPhotos, 1);
}

TEST_F(StopRestartTest, StatusAfterTheRestartCountsEveryDelivery) {
    interruptAndResume(SIGTERM);
    const auto status = pixsync({"status", "--json"});
    EXPECT_EQ(status.exitCode, 0) << status.err;
    std::string compact;
    for (char c : status.out)
        if (c != ' ' && c != '\n') compact += c;
    EXPECT_NE(compact.find("\"delivered\":" + std::to_string(kMessages)), std::string::npos)
        << status.out;
    EXPECT_NE(compact.find("\"queued\":0"), std::string::npos) << status.out;
}

}  // namespace
