// `pixsync check` and `pixsync status` on a healthy setup and on broken ones.
#include <gmock/gmock.h>

#include "daemon_fixture.hpp"

using namespace pixsync::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

class CheckStatusTest : public DaemonTest {
  protected:
    void SetUp() override {
        startImmich(2);
        startSmtp();
    }
};

TEST_F(CheckStatusTest, CheckPassesEveryLineOnAHealthySetup) {
    writeConfig();
    const auto r = pixsync({"check"});
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("[ok  ] configuration:"));
    EXPECT_THAT(r.out, HasSubstr("[ok  ] plugins:"));
    EXPECT_THAT(r.out, HasSubstr("[ok  ] immich: john@example.com: server: reachable at"));
    EXPECT_THAT(
        r.out,
        HasSubstr("[ok  ] immich: john@example.com: API key: valid, belongs to john@example.com"));
    EXPECT_THAT(r.out, HasSubstr("[ok  ] pixstar: "));
    EXPECT_THAT(r.out, HasSubstr(": connection"));
    EXPECT_THAT(r.out, HasSubstr(": authentication"));
    EXPECT_THAT(r.out, HasSubstr("[ok  ] state:"));
    EXPECT_THAT(r.out, Not(HasSubstr("FAIL")));
    EXPECT_THAT(r.out, HasSubstr("all checks passed"));
    EXPECT_TRUE(smtp->messages().empty()) << "check sends nothing";
}

TEST_F(CheckStatusTest, CheckNamesTheAccountWhoseKeyImmichRejects) {
    writeConfig({}, "not-johns-key");
    const auto r = pixsync({"check"});
    EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("[FAIL] immich: john@example.com: API key: the key was rejected"));
    EXPECT_THAT(r.out, HasSubstr("fix: create a new key in Immich"));
    EXPECT_THAT(r.out, HasSubstr("some checks failed"));
}

TEST_F(CheckStatusTest, CheckFailsTheSmtpLineWithAFixWhenTheServerIsDown) {
    smtp.reset();
    writeConfig({{"SMTP_PORT", std::to_string(closedPort.port())}});
    const auto r = pixsync({"check"});
    EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("[FAIL] pixstar: "));
    EXPECT_THAT(r.out, HasSubstr(": connection:"));
    EXPECT_THAT(r.out, HasSubstr("fix: "));
    EXPECT_THAT(r.out, HasSubstr("[ok  ] immich: john@example.com: API key"))
        << "the other checks still run";
}

TEST_F(CheckStatusTest, StatusAfterAPassShowsTheRouteAndItsCounts) {
    writeConfig();
    const auto once = pixsync({"once"});
    ASSERT_EQ(once.exitCode, 0) << once.out << once.err;
    EXPECT_EQ(smtp->messages().size(), 2 * kJohnFrames.size());

    const auto text = pixsync({"status"});
    EXPECT_EQ(text.exitCode, 0) << text.err;
    EXPECT_THAT(text.out, HasSubstr(kJohn));

    const auto json = pixsync({"status", "--json"});
    EXPECT_EQ(json.exitCode, 0) << json.err;
    const std::string compact = [&] {
        std::string s;
        for (char c : json.out)
            if (c != ' ' && c != '\n') s += c;
        return s;
    }();
    EXPECT_THAT(compact, HasSubstr("\"ok\":true"));
    EXPECT_THAT(compact, HasSubstr("\"route\":\"john@example.com\""));
    EXPECT_THAT(compact, HasSubstr("\"favorites\":2"));
    EXPECT_THAT(compact, HasSubstr("\"delivered\":4"));
    EXPECT_THAT(compact, HasSubstr("\"queued\":0"));
    EXPECT_THAT(compact, HasSubstr("\"failed\":0"));
}

TEST_F(CheckStatusTest, StatusExitsOneWhenTheLastPollFailed) {
    writeConfig();
    immich->stop();
    const auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 1) << once.out << once.err;
    const auto status = pixsync({"status"});
    EXPECT_EQ(status.exitCode, 1) << status.out << status.err;
    EXPECT_THAT(status.out + status.err, HasSubstr(kJohn));
}

}  // namespace

namespace {

// John's mapping holds Jane's key, which may not read users; the admin key tells John's id.
// The listing finds only Jane's photos: the route is failing with the reason `check` gives,
// `once` exits 1 and `status` says so, instead of a pass that is "ok" and sends nothing.
TEST_F(CheckStatusTest, AKeyThatListsOnlyAnotherUsersPhotosFailsTheRouteAsCheckDoes) {
    immich->admin("POST", "/users", R"({"email": "jane@example.com", "name": "Jane"})");
    immich->admin("POST", "/keys",
                  R"({"key": "janes-key-without-user-read", "user": "jane@example.com",
                      "permissions": ["asset.read", "asset.download", "asset.view"]})");
    immich->admin("POST", "/assets",
                  R"({"owner": "jane@example.com", "originalFileName": "JANE.jpg", "file": ")" +
                      (mediaFixtures() / "orientation-1.jpg").string() + R"("})");
    writeConfig({}, "janes-key-without-user-read");
    const std::string reason = "lists photos of jane@example.com and none of john@example.com";
    const auto check = pixsync({"check"});
    EXPECT_EQ(check.exitCode, 1);
    EXPECT_THAT(check.out, HasSubstr(reason)) << check.out;
    const auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 1) << once.out << once.err;
    EXPECT_THAT(once.err + logText(), HasSubstr(reason));
    const auto status = pixsync({"status"});
    EXPECT_EQ(status.exitCode, 1) << status.out;
    EXPECT_THAT(status.out, HasSubstr("route john@example.com: failing since "));
    EXPECT_THAT(status.out, HasSubstr(reason));
    EXPECT_TRUE(smtp->messages().empty());
}

}  // namespace

namespace {

// A key without asset.view (the original service's instructions never asked for it) works,
// but without Immich's previews: `check` says so, with the permission to add.
TEST_F(CheckStatusTest, CheckWarnsWhenTheKeyMayNotFetchPreviews) {
    writeConfig();
    const auto granted = pixsync({"check"});
    EXPECT_THAT(granted.out, HasSubstr("permission asset.view: granted")) << granted.out;
    immich->admin("POST", "/keys",
                  R"({"key": "johns-key-without-asset-view", "user": "john@example.com",
                      "permissions": ["asset.read", "asset.download", "user.read"]})");
    writeConfig({}, "johns-key-without-asset-view");
    const auto check = pixsync({"check"});
    EXPECT_EQ(check.exitCode, 0) << "a warning, not a failure:\n" << check.out;
    EXPECT_THAT(check.out, HasSubstr("[warn] immich: john@example.com: permission asset.view: "
                                     "missing"));
    EXPECT_THAT(check.out, HasSubstr("grant asset.view"));
}

// An original the frame cannot show, with no preview in Immich: the preview is asked for
// once per attempt, not once more as a fallback for the original (two 404s).
TEST_F(CheckStatusTest, APhotosPreviewIsAskedForOncePerAttempt) {
    immich->admin("POST", "/assets",
                  R"({"id": "20000000-0000-4000-8000-000000000001", "owner": "john@example.com",
                      "originalFileName": "BROKEN.jpg", "preview": false, "file": ")" +
                      (mediaFixtures() / "truncated.jpg").string() + R"("})");
    writeConfig();
    immich->resetCounters();
    EXPECT_EQ(pixsync({"once"}).exitCode, 0);
    const std::string requests = immich->admin("GET", "/requests");
    std::size_t asked = 0;
    for (std::size_t at = requests.find("20000000-0000-4000-8000-000000000001/thumbnail");
         at != std::string::npos;
         at = requests.find("20000000-0000-4000-8000-000000000001/thumbnail", at + 1))
        ++asked;
    EXPECT_EQ(asked, 1u) << requests.substr(0, 4000);
}

}  // namespace
