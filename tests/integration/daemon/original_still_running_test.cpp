// Switching while the original service still runs: ids it records in pixstar_sync_state.json
// after pixsync imported that file are never sent by pixsync, whether pixsync had not seen
// them yet or had already queued them; a file caught half-written stops sending until it
// reads again.
#include <gmock/gmock.h>

#include "daemon_fixture.hpp"

using namespace pixsync::test;
using ::testing::HasSubstr;

namespace {

class OriginalStillRunningTest : public DaemonTest {
  protected:
    void SetUp() override {
        startImmich(2);
        startSmtp();
        writeConfig();
        originalSent({0});
    }

    /// The original's state file, as the original writes it, listing photos `ids` as sent.
    void originalSent(const std::vector<int>& ids) {
        std::string list;
        for (int i : ids) list += (list.empty() ? "\"" : ", \"") + assetId(i) + "\"";
        writeFile(dir / "pixstar_sync_state.json",
                  R"({"by_user": {"john@example.com": [)" + list + "]}}");
    }

    /// How many messages carried photo i.
    int copiesOf(int i) const {
        int n = 0;
        for (const auto& [key, count] : received())
            if (key.second == fileName(i)) n += count;
        return n;
    }
};

TEST_F(OriginalStillRunningTest, IdsTheOriginalAddsAfterTheImportAreNotSent) {
    const auto first = pixsync({"once"});
    ASSERT_EQ(first.exitCode, 0) << first.out << first.err;
    EXPECT_EQ(copiesOf(0), 0) << "imported as sent";
    EXPECT_EQ(copiesOf(1), 2);

    // New favorites; the original, still running, sends photos 2 and 3 and records them.
    for (int i = 2; i <= 4; ++i) addFavorite(i);
    originalSent({0, 2, 3});

    const auto second = pixsync({"once"});
    ASSERT_EQ(second.exitCode, 0) << second.out << second.err;
    EXPECT_EQ(copiesOf(2), 0) << "recorded by the original after the import";
    EXPECT_EQ(copiesOf(3), 0) << "recorded by the original after the import";
    EXPECT_EQ(copiesOf(4), 2) << "not sent by the original";
    EXPECT_THAT(logText(), HasSubstr("the original service recorded 2 more sent ids"));
}

TEST_F(OriginalStillRunningTest, QueuedDeliveriesTheOriginalSentMeanwhileAreDropped) {
    // The mail server refuses the first two messages for now (451): photo 1 stays queued.
    SmtpServerOptions o;
    o.authUser = kSmtpUser;
    o.authPassword = kSmtpPassword;
    o.allowPlaintextAuth = true;
    o.failFirst = 2;
    smtp = std::make_unique<SmtpTestServer>(o);
    writeConfig({{"RETRY_BASE_SECONDS", "1"}});
    const auto first = pixsync({"once"});
    ASSERT_EQ(first.exitCode, 0) << first.out << first.err;
    ASSERT_EQ(copiesOf(1), 0) << logText();

    // The original sends photo 1 meanwhile; by the next pass its retry is due.
    originalSent({0, 1});
    std::this_thread::sleep_for(3s);
    const auto again = pixsync({"once"});
    ASSERT_EQ(again.exitCode, 0) << again.out << again.err;
    EXPECT_EQ(copiesOf(1), 0) << "queued by pixsync, then sent by the original";
    EXPECT_THAT(logText(), HasSubstr("(2 queued deliveries dropped)"));
}

TEST_F(OriginalStillRunningTest, AHalfWrittenFileStopsSendingUntilItReadsAgain) {
    const auto first = pixsync({"once"});
    ASSERT_EQ(first.exitCode, 0) << first.out << first.err;
    addFavorite(2);
    writeFile(dir / "pixstar_sync_state.json", R"({"by_user": {"john@example.com": [")");

    const auto blocked = pixsync({"once"});
    EXPECT_EQ(copiesOf(2), 0) << "nothing is sent while the original's file cannot be read";
    EXPECT_THAT(logText(), HasSubstr("pixsync sends nothing until it can read that file again"));

    originalSent({0, 2});
    const auto after = pixsync({"once"});
    ASSERT_EQ(after.exitCode, 0) << after.out << after.err;
    EXPECT_EQ(copiesOf(2), 0) << "the original recorded it meanwhile";
}

}  // namespace
