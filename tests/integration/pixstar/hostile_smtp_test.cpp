// `pixsync check` against hostile SMTP servers on 127.0.0.1, and against servers set up
// differently from what the configuration says. Each attack must end within about
// SMTP_TIMEOUT_SECONDS, with the process's peak memory bounded and a message that names the
// server and what it did.

#include <gmock/gmock.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "daemon_fixture.hpp"
#include "hostile_smtp_server.hpp"

namespace {

using namespace pixsync::test;
using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kTimeoutSeconds = 3;
/// The timeout plus the Immich checks and start-up, with room for a loaded machine.
constexpr double kMaxSeconds = kTimeoutSeconds + 7.0;
/// Peak memory of the process doing SMTP. AddressSanitizer adds about 90 MB to every process,
/// so the sanitizer build checks only the growth over a plain `check` (below).
#if defined(PIXSYNC_SANITIZED)
constexpr long kMaxPeakRssKb = 400 * 1024;
#else
constexpr long kMaxPeakRssKb = 100 * 1024;
#endif
/// What a hostile server may add to the peak memory of a `check` against no server at all:
/// a reply is at most 64 KiB.
constexpr long kMaxGrowthKb = 24 * 1024;

class HostileSmtpTest : public DaemonTest {
  protected:
    void SetUp() override { startImmich(1); }

    /// `pixsync check` against 127.0.0.1:`port` with `env` over the defaults.
    Measured check(int port, std::map<std::string, std::string> env = {}) {
        env.emplace("SMTP_PORT", std::to_string(port));
        env.emplace("SMTP_TIMEOUT_SECONDS", std::to_string(kTimeoutSeconds));
        writeConfig(env);
        return runMeasured({cliPath().string(), "check"}, dir.path(), dir / "check.out", 60s);
    }

    /// Peak memory of `check` when nothing listens on the SMTP port, measured once.
    long baselineKb() {
        static long baseline = 0;
        if (baseline == 0) {
            ClosedPort nothingListens;
            baseline = check(nothingListens.port()).peakRssKb;
            std::printf("    pixsync check without a server: peak RSS %.1f MB\n",
                        static_cast<double>(baseline) / 1024.0);
        }
        return baseline;
    }

    /// The attack ended in time, in bounded memory, with the SMTP line failed.
    void expectBounded(const Measured& m) {
        EXPECT_EQ(m.exitCode, 1) << m.output;
        EXPECT_LT(m.seconds, kMaxSeconds) << m.output;
        EXPECT_LT(m.peakRssKb, kMaxPeakRssKb) << "peak memory of pixsync check";
        EXPECT_LT(m.peakRssKb, baselineKb() + kMaxGrowthKb) << "peak memory of pixsync check";
        EXPECT_THAT(m.output, HasSubstr("[FAIL] pixstar: "));
        std::printf("    pixsync check: %.1f s, peak RSS %.1f MB\n", m.seconds,
                    static_cast<double>(m.peakRssKb) / 1024.0);
    }
};

TEST_F(HostileSmtpTest, EndlessMultiLineGreetingIsCutOffAfter100Lines) {
    HostileSmtpServer server("endless-greeting");
    const Measured m = check(server.port());
    expectBounded(m);
    EXPECT_THAT(m.output, HasSubstr("127.0.0.1:" + std::to_string(server.port()) +
                                    " sent a reply of more than 100 lines as its greeting"));
}

TEST_F(HostileSmtpTest, EndlessGreetingLineIsCutOffAtTheLineCap) {
    HostileSmtpServer server("endless-line");
    const Measured m = check(server.port());
    expectBounded(m);
    EXPECT_THAT(m.output, HasSubstr("sent a reply line longer than 2048 bytes"));
}

TEST_F(HostileSmtpTest, EndlessEhloListIsCutOffAfter100Lines) {
    HostileSmtpServer server("endless-ehlo");
    const Measured m = check(server.port());
    expectBounded(m);
    EXPECT_THAT(m.output, HasSubstr("sent a reply of more than 100 lines as its reply to EHLO"));
}

TEST_F(HostileSmtpTest, DrippingServerCostsOneTimeoutNotOnePerByte) {
    HostileSmtpServer server("drip", {"--interval", "1"});
    const Measured m = check(server.port());
    expectBounded(m);
    EXPECT_GE(m.seconds, kTimeoutSeconds - 0.5);
    EXPECT_THAT(m.output, AllOf(HasSubstr("no complete greeting from 127.0.0.1:" +
                                          std::to_string(server.port()) + " within 3 s"),
                                HasSubstr("it sent only"), HasSubstr("fix: ")));
}

TEST_F(HostileSmtpTest, DripInsideTlsIsBoundedToo) {
    // OpenSSL reads a record through many socket reads; each one is quick, the whole is not.
    HostileSmtpServer server("tls-drip", {"--interval", "0.5"});
    const Measured m = check(server.port(), {{"SMTP_IMPLICIT_TLS", "true"},
                                             {"SMTP_USE_TLS", "true"},
                                             {"SMTP_CA_FILE", server.caFile()}});
    expectBounded(m);
    EXPECT_GE(m.seconds, kTimeoutSeconds - 0.5);
    EXPECT_THAT(m.output, HasSubstr("no complete greeting from 127.0.0.1:" +
                                    std::to_string(server.port()) + " within 3 s"));
}

TEST_F(HostileSmtpTest, ImplicitTlsAgainstAPlainTextServerAdvisesPort587) {
    startSmtp();
    const Measured m = check(
        smtp->port(),
        {{"SMTP_IMPLICIT_TLS", "true"}, {"SMTP_USE_TLS", "true"}, {"SMTP_TIMEOUT_SECONDS", "20"}});
    EXPECT_EQ(m.exitCode, 1) << m.output;
    EXPECT_LT(m.seconds, 10.0) << "the cause is known at once, not after the timeout";
    EXPECT_THAT(m.output, AllOf(HasSubstr("wrong version number"),
                                HasSubstr("fix: use port 587 or set SMTP_IMPLICIT_TLS=false")));
}

TEST_F(HostileSmtpTest, StartTlsAgainstATlsFirstServerAdvisesPort465) {
    SmtpServerOptions o;
    o.implicitTls = true;
    smtp = std::make_unique<SmtpTestServer>(o);
    const Measured m = check(smtp->port(), {{"SMTP_IMPLICIT_TLS", "false"},
                                            {"SMTP_USE_TLS", "true"},
                                            {"SMTP_CA_FILE", smtp->caFile().string()}});
    expectBounded(m);
    EXPECT_THAT(m.output, AllOf(HasSubstr("no complete greeting"), HasSubstr("it sent nothing"),
                                HasSubstr("fix: use port 465 or set SMTP_IMPLICIT_TLS=true")));
}

TEST_F(HostileSmtpTest, UntrustedCertificateOnImplicitTlsIsNamedAtOnce) {
    SmtpServerOptions o;
    o.implicitTls = true;
    smtp = std::make_unique<SmtpTestServer>(o);
    const Measured m = check(
        smtp->port(),
        {{"SMTP_IMPLICIT_TLS", "true"}, {"SMTP_USE_TLS", "true"}, {"SMTP_TIMEOUT_SECONDS", "20"}});
    EXPECT_EQ(m.exitCode, 1) << m.output;
    EXPECT_LT(m.seconds, 10.0) << m.output;
    EXPECT_THAT(m.output,
                AllOf(HasSubstr("[FAIL] pixstar: "), HasSubstr(": TLS: TLS with 127.0.0.1"),
                      HasSubstr("certificate verify failed"), HasSubstr("self-signed certificate"),
                      Not(HasSubstr("Timeout")),
                      HasSubstr("fix: if the server uses a private CA, set SMTP_CA_FILE")));
}

/// A STARTTLS server whose certificate is for `name` only.
std::unique_ptr<SmtpTestServer> serverWithCertificateFor(const std::string& name) {
    SmtpServerOptions o;
    o.starttls = true;
    o.certName = name;
    o.authUser = kSmtpUser;
    o.authPassword = kSmtpPassword;
    return std::make_unique<SmtpTestServer>(o);
}

TEST_F(HostileSmtpTest, CertificateForAnotherNameIsRefusedOnLoopbackToo) {
    smtp = serverWithCertificateFor("localhost");  // trusted, but not for 127.0.0.1
    const Measured m = check(smtp->port(), {{"SMTP_USE_TLS", "true"},
                                            {"SMTP_ALLOW_PLAINTEXT_AUTH", "false"},
                                            {"SMTP_CA_FILE", smtp->caFile().string()}});
    EXPECT_EQ(m.exitCode, 1) << m.output;
    EXPECT_THAT(m.output,
                AllOf(HasSubstr("(IP address mismatch)"), Not(HasSubstr("certificate verified")),
                      HasSubstr("the certificate is not for 127.0.0.1"),
                      HasSubstr("fix: set SMTP_HOST to a "
                                "name the certificate carries")));
    EXPECT_TRUE(smtp->events("AUTH").empty()) << "no password sent";
}

TEST_F(HostileSmtpTest, CertificateIsAcceptedForTheNameItCarries) {
    smtp = serverWithCertificateFor("localhost");
    const Measured m = check(smtp->port(), {{"SMTP_HOST", "localhost"},
                                            {"SMTP_USE_TLS", "true"},
                                            {"SMTP_ALLOW_PLAINTEXT_AUTH", "false"},
                                            {"SMTP_CA_FILE", smtp->caFile().string()}});
    EXPECT_EQ(m.exitCode, 0) << m.output;
    EXPECT_THAT(m.output, AllOf(HasSubstr("STARTTLS, certificate verified for localhost"),
                                HasSubstr("logged in as sender@example.com")));

    auto other = serverWithCertificateFor("smtp.other.test");
    const Measured refused = check(other->port(), {{"SMTP_HOST", "localhost"},
                                                   {"SMTP_USE_TLS", "true"},
                                                   {"SMTP_CA_FILE", other->caFile().string()}});
    EXPECT_EQ(refused.exitCode, 1) << refused.output;
    EXPECT_THAT(refused.output, HasSubstr("(hostname mismatch)"));
}

}  // namespace

namespace {

TEST_F(HostileSmtpTest, ServerThatStallsAfterTheMessageCostsOneTimeoutPerAttempt) {
    // It takes the message at 2 KB/s and never answers it: each attempt (one, and one more on
    // a new connection) ends after the step timeout once the message is written.
    HostileSmtpServer server("slow-reader", {"--rate", "2048"});
    writeConfig({{"SMTP_PORT", std::to_string(server.port())},
                 {"SMTP_TIMEOUT_SECONDS", std::to_string(kTimeoutSeconds)}});
    const Measured m =
        runMeasured({cliPath().string(), "once"}, dir.path(), dir / "once.out", 120s);
    std::printf("    pixsync once: %.1f s, peak RSS %.1f MB\n", m.seconds,
                static_cast<double>(m.peakRssKb) / 1024.0);
    EXPECT_LT(m.peakRssKb, kMaxPeakRssKb);
    EXPECT_LT(m.seconds, 2 * kTimeoutSeconds + 10.0) << m.output;
    EXPECT_THAT(logText(), HasSubstr("no complete reply to the message from 127.0.0.1:" +
                                     std::to_string(server.port()) + " within 3 s"));
    // The server still takes connections and logins: the one photo it keeps stalling on is
    // charged an attempt (for both its frames) and tried again later.
    EXPECT_THAT(logText(), HasSubstr("attempt 1 of 10"));
    EXPECT_THAT(logText(), HasSubstr("0 delivered, 2 to retry, 0 failed, 0 held"));
}

}  // namespace

namespace {

// A refusal whose text is not UTF-8 (`550 5.1.1 <caf\xe9 \xff\xfe>`) is stored and shown
// with the bad bytes replaced: the original's JSON state file, `status --json` and the log
// stay readable by a strict UTF-8 reader (the original service reads the state with Python).
TEST_F(HostileSmtpTest, ARefusalThatIsNotUtf8LeavesTheStateAndStatusValidUtf8) {
    HostileSmtpServer server("eight-bit-reply");
    writeConfig({{"SMTP_PORT", std::to_string(server.port())}, {"STATE_BACKEND", "json"}});
    const auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 0) << once.out << once.err;
    const auto json = pixsync({"status", "--json"});
    writeFile(dir / "status.json", json.out);
    const std::string strict =
        "import json, sys\n"
        "for path in sys.argv[1:]:\n"
        "    with open(path, encoding='utf-8', errors='strict') as f:\n"
        "        text = f.read()\n"
        "    if path.endswith('.json'): json.loads(text)\n"
        "    print(path, 'ok', 'caf\\ufffd' in text)\n";
    const auto read = run({python(), "-c", strict, (dir / "pixstar_sync_state.json").string(),
                           (dir / "status.json").string(), (dir / "immich-pixstar.log").string()});
    EXPECT_EQ(read.exitCode, 0) << read.out << read.err;
    EXPECT_THAT(read.out, HasSubstr("status.json ok True")) << read.out;
    EXPECT_THAT(read.out, HasSubstr("immich-pixstar.log ok True")) << read.out;
    EXPECT_THAT(read.out, HasSubstr("pixstar_sync_state.json ok")) << read.out;
    EXPECT_THAT(json.out, HasSubstr("550 5.1.1 <caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD>"));
}

}  // namespace

namespace {

// A 250 right after the 354, and then 554 for the message: the extra reply must not be taken
// for the message's acceptance. The photo is not counted delivered; it is tried again.
TEST_F(HostileSmtpTest, AReplyOutOfTurnAfterDataIsNeverTakenForTheMessagesAcceptance) {
    HostileSmtpServer server("extra-after-354");
    writeConfig({{"SMTP_PORT", std::to_string(server.port())}});
    const auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 0) << once.out << once.err;
    EXPECT_THAT(logText(),
                HasSubstr("sent \"250 2.0.0 out of turn\\r\\n\" before pixsync's message: "
                          "a reply out of turn"));
    EXPECT_THAT(logText(), HasSubstr("0 delivered, 2 to retry"));
    EXPECT_THAT(logText(), Not(HasSubstr("delivered IMG_")));
}

// One line too many after the greeting would have the whole session run a reply behind:
// `check` refuses the server, naming the reply out of turn.
TEST_F(HostileSmtpTest, AReplyOutOfTurnAfterTheGreetingFailsTheCheck) {
    HostileSmtpServer server("extra-after-greeting");
    const Measured m = check(server.port());
    EXPECT_EQ(m.exitCode, 1) << m.output;
    EXPECT_THAT(m.output, HasSubstr("before pixsync's EHLO: a reply out of turn"));
}

}  // namespace
