// API keys and the SMTP password never reach the log file or the terminal, even at debug.
#include "daemon_fixture.hpp"

using namespace pixsync::test;

namespace {

class SecretsTest : public DaemonTest {
  protected:
    void SetUp() override {
        startImmich(2);
        startSmtp();
        writeConfig({{"LOG_LEVEL", "debug"}});
    }

    static void expectNoSecrets(const std::string& where, const std::string& text) {
        for (const char* secret : {kJohnKey, kAdminKey, kSmtpPassword})
            EXPECT_EQ(text.find(secret), std::string::npos) << secret << " appears in " << where;
    }
};

TEST_F(SecretsTest, OnceAtDebugKeepsKeysAndPasswordOutOfLogAndStderr) {
    const auto r = pixsync({"--log-level", "debug", "once"});
    ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
    ASSERT_EQ(smtp->messages().size(), 2 * kJohnFrames.size());
    const std::string log = logText();
    ASSERT_NE(log.find(" DEBUG "), std::string::npos) << "debug lines are written:\n" << log;
    expectNoSecrets("the log file", log);
    expectNoSecrets("stderr", r.err);
    expectNoSecrets("stdout", r.out);
}

TEST_F(SecretsTest, FailuresAtDebugKeepSecretsOutToo) {
    // Failing requests and a refused login are where secrets tend to leak into messages.
    writeConfig({{"LOG_LEVEL", "debug"}, {"SMTP_PASSWORD", std::string(kSmtpPassword) + "-wrong"}},
                std::string(kJohnKey) + "-wrong");
    const auto once = pixsync({"--log-level", "debug", "once"});
    EXPECT_EQ(once.exitCode, 1) << "a refused key or login is exit 1, never a crash";
    const auto check = pixsync({"--log-level", "debug", "check"});
    EXPECT_EQ(check.exitCode, 1);
    for (const auto& [where, text] : std::vector<std::pair<std::string, std::string>>{
             {"the log file", logText()},
             {"once's stderr", once.err},
             {"check's output", check.out + check.err}}) {
        SCOPED_TRACE(where);
        EXPECT_EQ(text.find(kJohnKey), std::string::npos) << text;
        EXPECT_EQ(text.find(kSmtpPassword), std::string::npos) << text;
        EXPECT_EQ(text.find(kAdminKey), std::string::npos) << text;
    }
}

TEST_F(SecretsTest, TheDaemonAtDebugKeepsSecretsOut) {
    auto daemon = startDaemon({"--log-level", "debug"});
    ASSERT_TRUE(waitFor([&] { return smtp->messages().size() == 2 * kJohnFrames.size(); }, 90s))
        << logText() << daemonOutput();
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(30s), 0);
    expectNoSecrets("the log file", logText());
    expectNoSecrets("the daemon's output", daemonOutput());
}

}  // namespace

namespace {

// IMMICH_BASE_URL with user info (basic authentication of a reverse proxy in front of Immich):
// the password goes to the server, but into no output, also while Immich is down and every
// message names the URL.
TEST_F(SecretsTest, APasswordInTheImmichUrlIsUsedButShownNowhere) {
    const std::string password = "pr0xy-s3cret";
    const std::string url =
        "http://proxy-user:" + password + "@127.0.0.1:" + std::to_string(immich->port()) + "/api";
    writeConfig({{"LOG_LEVEL", "debug"}, {"IMMICH_BASE_URL", url}});
    const auto delivered = pixsync({"--log-level", "debug", "once"});
    EXPECT_EQ(delivered.exitCode, 0) << delivered.out << delivered.err;
    EXPECT_THAT(immich->admin("GET", "/requests"),
                ::testing::HasSubstr("\"basicAuth\": \"proxy-user:" + password + "\""))
        << "the user info goes to the server as basic authentication";
    immich->stop();  // from now on every request fails, and its message names the URL
    const auto once = pixsync({"--log-level", "debug", "once"});
    EXPECT_EQ(once.exitCode, 1) << once.out << once.err;
    const auto check = pixsync({"check"});
    EXPECT_EQ(check.exitCode, 1);
    EXPECT_THAT(check.out + check.err, ::testing::HasSubstr("http://127.0.0.1:"))
        << "the URL is named, without its user info";
    const auto status = pixsync({"status"});
    const auto json = pixsync({"status", "--json"});
    for (const auto& [where, text] : std::vector<std::pair<std::string, std::string>>{
             {"the log file", logText()},
             {"once's output", delivered.out + delivered.err + once.out + once.err},
             {"check's output", check.out + check.err},
             {"status", status.out + status.err},
             {"status --json", json.out},
             {"the state", readFile(dir / "pixsync_state.db")}}) {
        SCOPED_TRACE(where);
        EXPECT_EQ(text.find(password), std::string::npos) << text.substr(0, 2000);
        EXPECT_EQ(text.find("proxy-user:"), std::string::npos);
    }
}

}  // namespace
