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
