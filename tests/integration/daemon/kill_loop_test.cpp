// `pixsync run` SIGKILLed again and again in the middle of a batch, with each state store:
// every favorite reaches every frame, and each kill costs at most the one message that was
// in flight when it landed (the JSON store journals each outcome before the next is sent).
#include "daemon_fixture.hpp"

using namespace pixsync::test;

namespace {

constexpr int kPhotos = 60;
constexpr int kKills = 6;
const std::size_t kMessages = kPhotos * kJohnFrames.size();

class KillLoopTest : public DaemonTest, public ::testing::WithParamInterface<std::string> {
  protected:
    void SetUp() override {
        startImmich(kPhotos);
        startSmtp();
        writeConfig({{"STATE_BACKEND", GetParam()}});
    }
};

TEST_P(KillLoopTest, EachKillDuplicatesAtMostTheMessageInFlight) {
    for (int kill = 0; kill < kKills; ++kill) {
        const std::size_t before = smtp->messages().size();
        auto daemon = startDaemon();
        // A few messages into the batch: far from the end of a pass, where the state is
        // written anyway.
        ASSERT_TRUE(waitFor([&] { return smtp->messages().size() >= before + 8; }, 90s))
            << "kill " << kill << ": " << smtp->messages().size() << " messages\n"
            << logText() << daemonOutput();
        daemon->signal(SIGKILL);
        ASSERT_EQ(daemon->wait(30s), 128 + SIGKILL) << daemonOutput();
        ASSERT_LT(smtp->messages().size(), kMessages) << "the batch ended before kill " << kill;
    }

    auto daemon = startDaemon();
    EXPECT_TRUE(waitFor([&] { return smtp->messages().size() >= kMessages; }, 120s))
        << smtp->messages().size() << " of " << kMessages << "\n"
        << logText() << daemonOutput();
    // Give a wrongly repeated batch the chance to show itself before counting.
    std::this_thread::sleep_for(2s);
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(30s), 0) << daemonOutput();
    expectDeliveredOnce(kPhotos, kKills);
    std::size_t copies = 0;
    for (const auto& [key, n] : received()) copies += static_cast<std::size_t>(n);
    std::cout << GetParam() << ": " << kKills << " kills, " << copies - kMessages
              << " duplicate(s) in " << copies << " messages\n";

    const auto status = pixsync({"status", "--json"});
    EXPECT_EQ(status.exitCode, 0) << status.err;
    std::string compact;
    for (char c : status.out)
        if (c != ' ' && c != '\n') compact += c;
    EXPECT_NE(compact.find("\"delivered\":" + std::to_string(kMessages)), std::string::npos)
        << status.out;
    if (GetParam() == "json") {
        // A clean stop folds the journal into the file and removes it.
        EXPECT_FALSE(std::filesystem::exists(dir / "pixstar_sync_state.json.journal"));
        EXPECT_NE(readFile(dir / "pixstar_sync_state.json").find(assetId(kPhotos - 1)),
                  std::string::npos);
    }
}

TEST_F(DaemonTest, AResetAfterAKillMovesTheJsonJournalAsideToo) {
    startImmich(kPhotos);
    startSmtp();
    writeConfig({{"STATE_BACKEND", "json"}});
    {
        auto daemon = startDaemon();
        ASSERT_TRUE(waitFor([&] { return smtp->messages().size() >= 4; }, 90s))
            << logText() << daemonOutput();
        daemon->signal(SIGKILL);
        ASSERT_EQ(daemon->wait(30s), 128 + SIGKILL);
    }
    const auto journal = dir / "pixstar_sync_state.json.journal";
    ASSERT_TRUE(std::filesystem::exists(journal));
    const auto reset = pixsync({"state", "reset", "--i-know"});
    EXPECT_EQ(reset.exitCode, 0) << reset.err;
    EXPECT_NE(reset.out.find("moved " + journal.string()), std::string::npos) << reset.out;
    // Left behind, it would be replayed onto the fresh state (or refused as not its own).
    EXPECT_FALSE(std::filesystem::exists(journal));
}

INSTANTIATE_TEST_SUITE_P(Stores, KillLoopTest, ::testing::Values("sqlite", "json"),
                         [](const auto& p) { return p.param; });

}  // namespace
