// `pixsync check` is authoritative about Immich: what a pass would fail on because of the
// configuration fails check too, with a fix line, and a route that would send nothing is
// warned about. The real binary, the fake Immich (users, keys with permission sets,
// partners) and the real SMTP server.
#include <gmock/gmock.h>

#include "daemon_fixture.hpp"

using namespace pixsync::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

// Keys with the README's minimal permissions (no user.read), and Jane's.
constexpr const char* kJohnMinimalKey = "john-minimal-key-2b7d";
constexpr const char* kJaneKey = "jane-secret-api-key-41aa";
constexpr const char* kJaneMinimalKey = "jane-minimal-key-9e01";

class AuthoritativeCheckTest : public DaemonTest {
  protected:
    void SetUp() override {
        startImmich(2);
        startSmtp();
        immich->admin(
            "POST", "/keys",
            std::string(R"({"key": ")") + kJohnMinimalKey +
                R"(", "user": "john@example.com", "permissions": ["asset.read", "asset.download"]})");
        immich->admin(
            "POST", "/users",
            std::string(
                R"({"id": "10000000-0000-4000-8000-000000000003", "email": "jane@example.com", "name": "Jane",
                          "apiKeys": [{"key": ")") +
                kJaneKey + R"(", "permissions": ["all"]},
                                      {"key": ")" +
                kJaneMinimalKey + R"(", "permissions": ["asset.read", "asset.download"]}]})");
        for (int i = 100; i < 103; ++i)
            immich->admin("POST", "/assets",
                          R"({"id": ")" + assetId(i) +
                              R"(", "owner": "jane@example.com", "file": ")" +
                              (mediaFixtures() / "orientation-1.jpg").string() +
                              R"(", "originalFileName": ")" + fileName(i) + R"("})");
    }

    /// The mapping with one account for `user` using `key`; the admin key only if `admin`.
    void configure(const std::string& user, const std::string& key, bool admin) {
        writeConfig({{"IMMICH_API_KEY", admin ? kAdminKey : ""}}, key);
        std::string mapping = readFile(dir / "pixstar_mapping.json");
        const std::string from = "\"immichUser\": \"john@example.com\"";
        mapping.replace(mapping.find(from), from.size(), "\"immichUser\": \"" + user + "\"");
        writeFile(dir / "pixstar_mapping.json", mapping);
    }

    /// The fix line printed after the first line containing `failed`.
    static std::string fixAfter(const std::string& out, const std::string& failed) {
        const auto at = out.find(failed);
        if (at == std::string::npos) return {};
        const auto fix = out.find("fix: ", at);
        if (fix == std::string::npos) return {};
        return out.substr(fix, out.find('\n', fix) - fix);
    }
};

TEST_F(AuthoritativeCheckTest, AMappingUserImmichDoesNotKnowFailsCheckAsItFailsOnce) {
    configure("jonh@example.com", kJohnMinimalKey, true);
    const auto r = pixsync({"check"});
    EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("[FAIL] immich: jonh@example.com: user (admin key): no Immich "
                                 "user has the e-mail address jonh@example.com"));
    const std::string fix = fixAfter(r.out, "no Immich user has");
    EXPECT_THAT(fix, HasSubstr("pixstar_mapping.json"));
    EXPECT_THAT(fix, HasSubstr("john@example.com")) << "the addresses Immich knows";
    EXPECT_THAT(r.out, HasSubstr("some checks failed"));

    const auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 1) << once.out << once.err;
    EXPECT_TRUE(smtp->messages().empty());
}

TEST_F(AuthoritativeCheckTest, AKeyWithoutUserReadAndNoAdminKeyFailsNamingBothWaysOut) {
    configure(kJohn, kJohnMinimalKey, false);
    const auto r = pixsync({"check"});
    EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("[FAIL] immich: john@example.com: whose key: cannot tell which "
                                 "Immich user john@example.com is"));
    const std::string fix = fixAfter(r.out, "whose key: cannot tell");
    EXPECT_THAT(fix, HasSubstr("grant user.read"));
    EXPECT_THAT(fix, HasSubstr("admin key"));
    EXPECT_THAT(fix, HasSubstr("IMMICH_API_KEY"));

    const auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 1) << "once fails the same way: " << once.out << once.err;
    EXPECT_TRUE(smtp->messages().empty());
}

TEST_F(AuthoritativeCheckTest, TheMinimalKeyWithAnAdminKeyPassesAndThePassDelivers) {
    configure(kJohn, kJohnMinimalKey, true);
    const auto r = pixsync({"check"});
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("[ok  ] immich: john@example.com: whose key: it lists "
                                 "john@example.com's own photos"));
    EXPECT_THAT(r.out, Not(HasSubstr("FAIL")));

    const auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 0) << once.out << once.err;
    expectDeliveredOnce(2, 0);
}

TEST_F(AuthoritativeCheckTest, AnotherUsersKeyFailsWithAndWithoutUserRead) {
    configure(kJohn, kJaneKey, true);
    const auto full = pixsync({"check"});
    EXPECT_EQ(full.exitCode, 1) << full.out << full.err;
    EXPECT_THAT(full.out, HasSubstr("[FAIL] immich: john@example.com: API key: the key belongs "
                                    "to jane@example.com"));
    EXPECT_THAT(fixAfter(full.out, "API key: the key belongs"),
                HasSubstr("put the key created under john@example.com's Immich account in"));

    configure(kJohn, kJaneMinimalKey, true);
    const auto minimal = pixsync({"check"});
    EXPECT_EQ(minimal.exitCode, 1) << minimal.out << minimal.err;
    EXPECT_THAT(minimal.out,
                HasSubstr("[FAIL] immich: john@example.com: whose key: the key lists photos of "
                          "jane@example.com and none of john@example.com: it belongs to another "
                          "Immich user"));
    EXPECT_THAT(fixAfter(minimal.out, "whose key: the key lists"),
                HasSubstr("put the key created under john@example.com's Immich account in"));
    EXPECT_TRUE(smtp->messages().empty());
}

TEST_F(AuthoritativeCheckTest, ARouteWithOnlyPartnersFavoritesIsWarnedAbout) {
    // John has no favorites of his own (both unfavorited); Jane shares her library with him.
    immich->admin(
        "POST", "/favorite",
        R"({"ids": [")" + assetId(0) + R"(", ")" + assetId(1) + R"("], "isFavorite": false})");
    immich->admin("POST", "/partners",
                  R"({"sharedBy": "jane@example.com", "sharedWith": "john@example.com"})");
    configure(kJohn, kJohnKey, true);
    const auto r = pixsync({"check"});
    EXPECT_EQ(r.exitCode, 0) << "a warning, not a failure: " << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("[warn] immich: john@example.com: route: route john@example.com "
                                 "would find 0 of john@example.com's own favorites but 3 of "
                                 "partners (jane@example.com)"));
    EXPECT_THAT(fixAfter(r.out, "[warn] immich"),
                HasSubstr("logged in to Immich as john@example.com"));
}

TEST_F(AuthoritativeCheckTest, AnUntestedImmichVersionIsWarnedAboutByCheckAndAtStart) {
    immich->admin("POST", "/config", R"({"version": "2.4.0"})");
    writeConfig();
    const auto r = pixsync({"check"});
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("[warn] immich: john@example.com: server: Immich v2.4.0 is "
                                 "outside the versions pixsync was tested with (v2.3.1)"));
    const auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 0) << once.out << once.err;
    EXPECT_EQ(lines(logText(), "WARNING", "Immich v2.4.0 is outside the versions").size(), 1u)
        << logText();

    immich->admin("POST", "/config", R"({"version": "2.3.1"})");
    const auto tested = pixsync({"check"});
    EXPECT_THAT(tested.out, Not(HasSubstr("outside the versions")));
}

TEST_F(AuthoritativeCheckTest, SendTestDeliversOnePictureToOneConfiguredFrame) {
    writeConfig();
    const auto r = pixsync({"check", "--send-test", "kitchen@mypixstar.com"});
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_THAT(r.out,
                HasSubstr("[ok  ] send test: a test picture was sent to kitchen@mypixstar.com"));
    const auto messages = smtp->messages();
    ASSERT_EQ(messages.size(), 1u) << r.out;
    EXPECT_THAT(messages.front().filename().string(), HasSubstr("kitchen@mypixstar.com"));
    const std::string mail = readFile(messages.front());
    EXPECT_THAT(mail, HasSubstr("pixsync-test-picture.jpg"));
    EXPECT_THAT(mail, HasSubstr("Content-Type: image/jpeg"));
    EXPECT_FALSE(std::filesystem::exists(dir / "pixsync_state.db")) << "nothing is recorded";

    const auto unknown = pixsync({"check", "--send-test", "stranger@mypixstar.com"});
    EXPECT_EQ(unknown.exitCode, 1) << unknown.out << unknown.err;
    EXPECT_THAT(unknown.out,
                HasSubstr("[FAIL] send test: stranger@mypixstar.com is not a frame of any route"));
    EXPECT_THAT(fixAfter(unknown.out, "[FAIL] send test"), HasSubstr("john-frame@mypixstar.com"));
    EXPECT_EQ(smtp->messages().size(), 1u) << "nothing sent to an address no route names";
}

}  // namespace
