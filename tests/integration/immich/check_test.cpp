// `pixsync check` results for the immich source.

#include "immich_fixture.hpp"

using namespace pixsync;
using namespace pixsync::test;
using ::testing::HasSubstr;

TEST_F(ImmichTest, CheckPassesForAGoodKey) {
    start(manifest(R"([{"owner": "john@example.com", "count": 1}])"));
    auto o = options();
    o.set("immich_api_key", "admin-key-users");
    auto source = makeSource(o);
    CheckReport report;
    source->check(report);
    EXPECT_TRUE(report.ok());
    const CheckResult* server = checkLine(report, ": server");
    ASSERT_TRUE(server);
    EXPECT_THAT(server->detail, HasSubstr("Immich v2.3.1"));
    const CheckResult* key = checkLine(report, ": API key");
    ASSERT_TRUE(key);
    EXPECT_EQ(key->status, CheckResult::Status::Passed);
    EXPECT_THAT(key->detail, HasSubstr("belongs to john@example.com"));
    ASSERT_TRUE(checkLine(report, "asset.read"));
    EXPECT_EQ(requireCheckLine(report, "asset.download").status, CheckResult::Status::Passed);
    EXPECT_EQ(requireCheckLine(report, "user (admin key)").status, CheckResult::Status::Passed);
}

TEST_F(ImmichTest, CheckFailsForAnotherUsersKey) {
    start(manifest());
    auto source = makeSource(options("jane-key-all"));
    CheckReport report;
    source->check(report);
    EXPECT_FALSE(report.ok());
    const CheckResult* key = checkLine(report, ": API key");
    ASSERT_TRUE(key);
    EXPECT_EQ(key->status, CheckResult::Status::Failed);
    EXPECT_THAT(key->detail, HasSubstr("belongs to jane@example.com"));
}

TEST_F(ImmichTest, CheckReportsARejectedKey) {
    start(manifest());
    auto source = makeSource(options("nope-nope-nope"));
    CheckReport report;
    source->check(report);
    EXPECT_FALSE(report.ok());
    EXPECT_THAT(requireCheckLine(report, ": API key").detail, HasSubstr("the key was rejected"));
}

TEST_F(ImmichTest, CheckQuotesMissingPermissions) {
    start(manifest(R"([{"owner": "john@example.com", "count": 1}])"));
    auto source = makeSource(options("john-key-noread"));
    CheckReport report;
    source->check(report);
    EXPECT_FALSE(report.ok());
    const CheckResult* read = checkLine(report, "asset.read");
    ASSERT_TRUE(read);
    EXPECT_EQ(read->status, CheckResult::Status::Failed);
    EXPECT_THAT(read->detail, HasSubstr("Missing required permission: asset.read"));

    auto noDownload = makeSource(options("john-key-nodownload"));
    CheckReport second;
    noDownload->check(second);
    EXPECT_EQ(checkLine(second, "asset.download")->status, CheckResult::Status::Failed);
}

TEST_F(ImmichTest, CheckFailsAKeyWithoutUserReadWhenNothingElseCanTellWhoseItIs) {
    start(manifest(R"([{"owner": "john@example.com", "count": 1}])"));
    auto source = makeSource(options("john-key-nouser"));
    CheckReport report;
    source->check(report);
    const CheckResult* key = checkLine(report, ": API key");
    ASSERT_TRUE(key);
    EXPECT_EQ(key->status, CheckResult::Status::Notice);
    const CheckResult* whose = checkLine(report, ": whose key");
    ASSERT_TRUE(whose);
    EXPECT_EQ(whose->status, CheckResult::Status::Failed);
    EXPECT_THAT(whose->fix, HasSubstr("grant user.read"));
    EXPECT_FALSE(report.ok());

    // With an admin key, what the key lists tells whose it is.
    auto o = options("john-key-nouser");
    o.set("immich_api_key", "admin-key-users");
    auto withAdmin = makeSource(o);
    CheckReport second;
    withAdmin->check(second);
    EXPECT_TRUE(second.ok());
    ASSERT_TRUE(checkLine(second, ": whose key"));
    EXPECT_EQ(checkLine(second, ": whose key")->status, CheckResult::Status::Passed);
}

TEST_F(ImmichTest, CheckFailsWhenImmichIsUnreachable) {
    ClosedPort closed;
    auto o = options();
    o.set("immich_base_url", "http://127.0.0.1:" + std::to_string(closed.port()) + "/api");
    auto source = makeSource(o);
    CheckReport report;
    source->check(report);
    EXPECT_FALSE(report.ok());
    ASSERT_EQ(report.results().size(), 1u);
    EXPECT_THAT(report.results()[0].detail, HasSubstr("refused"));
}
