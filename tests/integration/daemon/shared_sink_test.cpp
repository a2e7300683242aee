// Two routes (John, Jane) on one rate-limited sink: Jane's backlog never starves John's new
// favorite, which goes out at the sink's next free send slot after the poll that finds it.
#include "daemon_fixture.hpp"

using namespace pixsync::test;

namespace {

constexpr const char* kJaneKey = "jane-secret-api-key-2b8d";
constexpr const char* kJaneFrame = "jane-frame@mypixstar.com";
constexpr const char* kJohnFrame = "john-frame@mypixstar.com";
// Few photos and a low limit keep the test short: the sink's window is a minute whatever
// the limit, and Jane's backlog still takes four of them.
constexpr int kPerMinute = 2;
constexpr int kJaneBacklog = 8;
constexpr int kJohnPhoto = 0;    ///< in John's library, favorited during the test
constexpr int kJaneFirst = 100;  ///< Jane's photos are kJaneFirst, kJaneFirst + 1, ...

class SharedSinkTest : public DaemonTest {
  protected:
    /// John with one photo that is no favorite yet, Jane with her backlog of favorites; one
    /// frame each, one sink for both.
    void startTwoUsers() {
        std::string assets = assetJson(kJohnPhoto, false);
        for (int i = kJaneFirst; i < kJaneFirst + kJaneBacklog; ++i)
            assets += ",\n" + assetJson(i, true, "jane@example.com");
        const auto manifest = writeFile(dir / "immich" / "library.json", R"({
  "users": [
    {"id": "10000000-0000-4000-8000-000000000001", "email": "john@example.com", "name": "John",
     "apiKeys": [{"key": ")" + std::string(kJohnKey) + R"(", "permissions": ["all"]}]},
    {"id": "10000000-0000-4000-8000-000000000003", "email": "jane@example.com", "name": "Jane",
     "apiKeys": [{"key": ")" + std::string(kJaneKey) + R"(", "permissions": ["all"]}]},
    {"id": "10000000-0000-4000-8000-000000000002", "email": "admin@example.com", "name": "Admin",
     "isAdmin": true,
     "apiKeys": [{"key": ")" + std::string(kAdminKey) + R"(", "permissions": ["all"]}]}
  ],
  "assets": [
)" + assets + R"(
  ]
})");
        immich = std::make_unique<FakeImmich>(manifest);
        immichPort = immich->port();
        startSmtp();
        writeConfig({{"SMTP_MAX_PER_MINUTE", std::to_string(kPerMinute)}});
        writeFile(dir / "pixstar_mapping.json", std::string(R"({
  "defaultPixstarEmails": [],
  "accounts": [
    {"immichUser": "john@example.com", "immichApiKey": ")") +
                                                    kJohnKey + R"(",
     "pixstarEmails": [")" + kJohnFrame + R"("]},
    {"immichUser": "jane@example.com", "immichApiKey": ")" +
                                                    kJaneKey + R"(",
     "pixstarEmails": [")" + kJaneFrame + R"("]}
  ]
})");
        ::chmod((dir / "pixstar_mapping.json").c_str(), 0600);
    }

    /// Messages that reached `frame` so far.
    int receivedBy(const std::string& frame) const {
        int n = 0;
        for (const auto& [key, count] : received())
            if (key.first == frame) n += count;
        return n;
    }
};

TEST_F(SharedSinkTest, ANewFavoriteDoesNotWaitBehindAnotherRoutesBacklog) {
    using Clock = std::chrono::steady_clock;
    startTwoUsers();
    auto daemon = startDaemon();
    // The first minute's sends go to Jane's backlog: the sink's window is full.
    ASSERT_TRUE(waitFor([&] { return receivedBy(kJaneFrame) >= kPerMinute; }, 30s))
        << logText() << daemonOutput();
    const auto windowFull = Clock::now();

    favorite(kJohnPhoto);
    const auto favorited = Clock::now();
    // The poll that finds it (POLL_INTERVAL_SECONDS, 10), then the next free send slot: the
    // window that was full opened at most a minute before it was seen full. A few seconds on
    // top for the poll and the delivery.
    const auto deadline = std::max(favorited + 10s, windowFull + 60s) + 8s;
    const bool delivered =
        waitFor([&] { return receivedBy(kJohnFrame) >= 1; },
                std::chrono::ceil<std::chrono::seconds>(deadline - Clock::now()));
    const int janeBefore = receivedBy(kJaneFrame);
    EXPECT_TRUE(delivered) << "John's new favorite was not sent by the sink's next free slot; "
                           << janeBefore << " of Jane's " << kJaneBacklog
                           << " went out meanwhile:\n"
                           << logText();
    EXPECT_LT(janeBefore, kJaneBacklog) << "John's photo waited for Jane's whole backlog";

    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(30s), 0) << daemonOutput();
    EXPECT_LE(receivedBy(kJohnFrame), 1) << "sent once";
}

}  // namespace
