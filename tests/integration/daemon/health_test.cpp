// Sink- and source-wide failures, each broken on purpose against the real SMTP server and the
// fake Immich: the photos stay queued (never failed, no attempt used), `status` (text, exit
// code, JSON), /healthz and /metrics say what is wrong; after the fix and a reload the held
// photos go out once each, without `resend`.
#include <gmock/gmock.h>

#include "daemon_fixture.hpp"
#include "pixsync/strings.hpp"

using namespace pixsync::test;
using pixsync::cat;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

constexpr int kPhotos = 2;
const std::size_t kMessages = kPhotos * kJohnFrames.size();

std::string compact(const std::string& json) {
    std::string s;
    for (char c : json)
        if (c != ' ' && c != '\n') s += c;
    return s;
}

class HealthTest : public DaemonTest {
  protected:
    int listenPort = 0;

    /// "<code>\n<body>" of GET path on the daemon's --listen port.
    std::string get(const std::string& path) {
        return run({python(), "-c",
                    "import urllib.request, urllib.error\n"
                    "try:\n r = urllib.request.urlopen('http://127.0.0.1:" +
                        std::to_string(listenPort) + path +
                        "', timeout=10)\n print(r.status); print(r.read().decode())\n"
                        "except urllib.error.HTTPError as e:\n print(e.code); "
                        "print(e.read().decode())\n"
                        "except Exception as e:\n print('down', e)\n"})
            .out;
    }

    /// "status attempts" of every delivery in the state, sorted, one per line.
    std::string deliveryStates() {
        return run({python(), "-c",
                    "import sqlite3, sys\n"
                    "db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)\n"
                    "for row in sorted(db.execute('SELECT status, attempts FROM deliveries')):\n"
                    " print(row[0], row[1])\n",
                    (dir / "pixsync_state.db").string()})
            .out;
    }
    static std::string repeated(const std::string& line, std::size_t n) {
        std::string s;
        for (std::size_t i = 0; i < n; ++i) s += line + "\n";
        return s;
    }

    std::unique_ptr<PixsyncProcess> startListeningDaemon() {
        listenPort = freePort();
        return startDaemon({"--listen", "127.0.0.1:" + std::to_string(listenPort)});
    }

    /// A pass with the condition in place holds every photo, and `status` says why.
    void expectHeldAfterAPass(const std::string& statusLine, const std::string& reason,
                              std::size_t queued) {
        const auto once = pixsync({"once"});
        EXPECT_EQ(once.exitCode, 1) << "nothing could be delivered: " << once.out << once.err;
        EXPECT_EQ(deliveryStates(), repeated("queued 0", queued))
            << "held photos stay queued and use no attempt";
        EXPECT_TRUE(smtp->messages().empty());

        const auto status = pixsync({"status"});
        EXPECT_EQ(status.exitCode, 1) << status.out << status.err;
        EXPECT_THAT(status.out, HasSubstr("daemon: not running"));
        EXPECT_THAT(status.out, HasSubstr(statusLine));
        EXPECT_THAT(status.out, HasSubstr(reason));
        EXPECT_THAT(status.out, Not(HasSubstr("next delivery attempt")))
            << "nothing is due while held";
        EXPECT_THAT(status.out, Not(HasSubstr("\n  failed: "))) << "no photo is marked failed";

        const auto json = pixsync({"status", "--json"});
        EXPECT_EQ(json.exitCode, 1) << json.out;
        const std::string c = compact(json.out);
        for (const char* field : {"\"version\":2", "\"ok\":false", "\"running\":false",
                                  "\"failed\":0", "\"next_attempt\":null"})
            EXPECT_THAT(c, HasSubstr(field)) << json.out;
        EXPECT_THAT(c, HasSubstr(cat("\"queued\":", queued))) << json.out;
    }

    /// The daemon with the condition still in place: /healthz and /metrics name it.
    void expectDaemonReports(const std::string& healthLine, const std::string& reason,
                             const std::string& downGauge) {
        std::string body;
        ASSERT_TRUE(waitFor(
            [&] {
                body = get("/healthz");
                return body.rfind("503", 0) == 0 && body.find(healthLine) != std::string::npos;
            },
            60s))
            << body << logText();
        EXPECT_THAT(body, HasSubstr(reason));
        const std::string metrics = get("/metrics");
        EXPECT_THAT(metrics, HasSubstr(downGauge + " 0")) << metrics;
        EXPECT_THAT(metrics, HasSubstr("pixsync_deliveries_total{outcome=\"failed\"} 0"))
            << metrics;
        EXPECT_THAT(metrics, HasSubstr("pixsync_build_info{version=\"")) << metrics;
        const auto status = pixsync({"status"});
        EXPECT_EQ(status.exitCode, 1);
        EXPECT_THAT(status.out, HasSubstr("daemon: running (pid "));
    }

    /// After the fix and SIGHUP: every photo once, health back to ok, no resend.
    void expectDeliveredAfterReload(PixsyncProcess& daemon, const std::string& upGauge) {
        daemon.signal(SIGHUP);
        // At once, not after the hold's delay (a minute or more): a reload ends every hold.
        ASSERT_TRUE(waitFor([&] { return smtp->messages().size() >= kMessages; }, 20s))
            << logText() << daemonOutput();
        std::string body;
        EXPECT_TRUE(waitFor(
            [&] {
                body = get("/healthz");
                return body.rfind("200", 0) == 0;
            },
            30s))
            << body;
        EXPECT_THAT(body, HasSubstr("ok"));
        EXPECT_THAT(get("/metrics"), HasSubstr(upGauge + " 1"));
        daemon.signal(SIGTERM);
        EXPECT_EQ(daemon.wait(30s), 0) << daemonOutput();
        expectDeliveredOnce(kPhotos, 0);
        EXPECT_EQ(deliveryStates(), repeated("delivered 1", kMessages));
        const auto status = pixsync({"status"});
        EXPECT_EQ(status.exitCode, 0) << status.out;
        EXPECT_THAT(status.out, HasSubstr("sink pixstar: ok"));
        EXPECT_THAT(logText(), Not(HasSubstr("resend")));
    }

    /// One SMTP condition from break to fix.
    void sinkCondition(const SmtpServerOptions& server,
                       const std::map<std::string, std::string>& broken,
                       const std::map<std::string, std::string>& fixed, const std::string& reason) {
        startImmich(kPhotos);
        smtp = std::make_unique<SmtpTestServer>(server);
        writeConfig(broken);
        expectHeldAfterAPass("sink pixstar: failing since ", reason, kMessages);
        EXPECT_THAT(pixsync({"status"}).out,
                    HasSubstr(cat(kMessages, " queued (held until it works again)")));
        auto daemon = startListeningDaemon();
        expectDaemonReports("sink 'pixstar': failing since ", reason,
                            "pixsync_sink_up{sink=\"pixstar\"}");
        writeConfig(fixed);
        expectDeliveredAfterReload(*daemon, "pixsync_sink_up{sink=\"pixstar\"}");
    }

    static SmtpServerOptions plainAuthServer() {
        SmtpServerOptions o;
        o.authUser = kSmtpUser;
        o.authPassword = kSmtpPassword;
        o.allowPlaintextAuth = true;
        return o;
    }
};

TEST_F(HealthTest, SmtpLoginRefused535HoldsTheQueueUntilThePasswordIsFixed) {
    sinkCondition(plainAuthServer(), {{"SMTP_PASSWORD", "wrong-password"}}, {},
                  "refused the login of sender@example.com");
}

TEST_F(HealthTest, SmtpLoginRequired530HoldsTheQueueUntilALoginIsConfigured) {
    sinkCondition(plainAuthServer(),
                  {{"SMTP_USER", ""}, {"SMTP_PASSWORD", ""}, {"SMTP_FROM", kSmtpUser}},
                  {{"SMTP_FROM", kSmtpUser}}, "the SMTP server requires a login (530 5.7.0");
}

TEST_F(HealthTest, SmtpSenderRefusedHoldsTheQueueUntilTheSenderIsFixed) {
    SmtpServerOptions o = plainAuthServer();
    o.refuseSender = {"intruder@example.com"};
    sinkCondition(o, {{"SMTP_FROM", "intruder@example.com"}}, {{"SMTP_FROM", kSmtpUser}},
                  "refused the sender address (MAIL FROM) (553 5.7.1");
}

TEST_F(HealthTest, SmtpTlsFailureHoldsTheQueueUntilTheCaIsConfigured) {
    SmtpServerOptions o = plainAuthServer();
    o.starttls = true;
    o.allowPlaintextAuth = false;
    // The server's certificate is self-signed: unverifiable until smtp_ca_file names it.
    startImmich(kPhotos);
    smtp = std::make_unique<SmtpTestServer>(o);
    const std::map<std::string, std::string> tls = {{"SMTP_USE_TLS", "true"},
                                                    {"SMTP_ALLOW_PLAINTEXT_AUTH", "false"}};
    writeConfig(tls);
    expectHeldAfterAPass("sink pixstar: failing since ", "TLS with 127.0.0.1:", kMessages);
    auto daemon = startListeningDaemon();
    expectDaemonReports("sink 'pixstar': failing since ", "set SMTP_CA_FILE",
                        "pixsync_sink_up{sink=\"pixstar\"}");
    auto fixed = tls;
    fixed["SMTP_CA_FILE"] = smtp->caFile().string();
    writeConfig(fixed);
    expectDeliveredAfterReload(*daemon, "pixsync_sink_up{sink=\"pixstar\"}");
}

TEST_F(HealthTest, ImmichPermissionMissingHoldsTheRouteUntilTheKeyIsFixed) {
    startImmich(kPhotos);
    startSmtp();
    writeConfig();
    immich->admin(
        "POST", "/keys",
        cat(R"({"key": ")", kJohnKey,
            R"(", "user": "john@example.com", "permissions": ["asset.read", "user.read"]})"));
    expectHeldAfterAPass("route john@example.com: held since ", "asset.download", kMessages);
    auto daemon = startListeningDaemon();
    expectDaemonReports("route 'john@example.com': held since ", "asset.download",
                        "pixsync_route_up{route=\"john@example.com\"}");
    // Two more polls: a listing that works does not end the hold.
    std::this_thread::sleep_for(11s);
    EXPECT_THAT(get("/healthz"), HasSubstr("route 'john@example.com': held since "));
    EXPECT_THAT(logText(), Not(HasSubstr("reachable again")));
    immich->admin(
        "POST", "/keys",
        cat(R"({"key": ")", kJohnKey, R"(", "user": "john@example.com", "permissions": ["all"]})"));
    expectDeliveredAfterReload(*daemon, "pixsync_route_up{route=\"john@example.com\"}");
}

TEST_F(HealthTest, ImmichKeyRevokedFailsTheRouteUntilANewKeyIsSet) {
    startImmich(kPhotos);
    startSmtp();
    writeConfig();
    immich->admin("DELETE", cat("/keys/", kJohnKey));
    expectHeldAfterAPass("route john@example.com: failing since ", "Invalid API key", 0);
    auto daemon = startListeningDaemon();
    expectDaemonReports("route 'john@example.com': failing since ", "Invalid API key",
                        "pixsync_route_up{route=\"john@example.com\"}");
    immich->admin(
        "POST", "/keys",
        cat(R"({"key": ")", kJohnKey, R"(", "user": "john@example.com", "permissions": ["all"]})"));
    expectDeliveredAfterReload(*daemon, "pixsync_route_up{route=\"john@example.com\"}");
}

TEST_F(HealthTest, ImmichDownFailsTheRouteUntilItIsBack) {
    startImmich(kPhotos);
    startSmtp();
    writeConfig();
    immich->stop();
    expectHeldAfterAPass("route john@example.com: failing since ", "", 0);
    auto daemon = startListeningDaemon();
    expectDaemonReports("route 'john@example.com': failing since ", "john@example.com",
                        "pixsync_route_up{route=\"john@example.com\"}");
    startImmich(kPhotos);
    expectDeliveredAfterReload(*daemon, "pixsync_route_up{route=\"john@example.com\"}");
}

TEST_F(HealthTest, RateLimitIsShownWithItsEndAndWhenTheQueueEmpties) {
    startImmich(3);
    startSmtp();
    writeConfig({{"SMTP_MAX_PER_MINUTE", "1"}});
    const auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 0) << once.out << once.err;
    // The limit is checked per photo: its two frames go out together.
    EXPECT_EQ(smtp->messages().size(), 2u);
    EXPECT_EQ(deliveryStates(), repeated("delivered 1", 2) + repeated("queued 0", 4));
    const auto status = pixsync({"status"});
    EXPECT_EQ(status.exitCode, 0) << "waiting for a limit is not a failure: " << status.out;
    EXPECT_THAT(status.out, HasSubstr("sink pixstar: rate-limited until "));
    EXPECT_THAT(status.out, HasSubstr("at most 1 a minute; 4 queued, all sent by about "));
    EXPECT_THAT(status.out, HasSubstr("next delivery attempt "));
    const std::string c = compact(pixsync({"status", "--json"}).out);
    EXPECT_THAT(c, HasSubstr("\"state\":\"rate-limited\""));
    EXPECT_THAT(c, HasSubstr("\"per_minute\":1"));
    EXPECT_THAT(c, Not(HasSubstr("\"queue_empties_at\":null")));
    EXPECT_THAT(c, Not(HasSubstr("\"next_attempt\":null")));
}

TEST_F(HealthTest, DailyLimitIsShownWithWhenTheQueueEmpties) {
    startImmich(3);
    startSmtp();
    writeConfig({{"SMTP_MAX_PER_DAY", "2"}});
    const auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 0) << once.out << once.err;
    EXPECT_EQ(smtp->messages().size(), 2u);
    EXPECT_EQ(deliveryStates(), repeated("delivered 1", 2) + repeated("queued 0", 4));
    const auto status = pixsync({"status"});
    EXPECT_EQ(status.exitCode, 0) << status.out;
    EXPECT_THAT(status.out, HasSubstr("sink pixstar: rate-limited until "));
    EXPECT_THAT(status.out, HasSubstr("at most 2 a day; 4 queued, all sent by about "));
    const std::string c = compact(pixsync({"status", "--json"}).out);
    EXPECT_THAT(c, HasSubstr("\"per_day\":2"));
    EXPECT_THAT(c, HasSubstr("\"state\":\"rate-limited\""));
}

TEST_F(HealthTest, QuotaReplyPausesAndIsShownAsQuotaNotAsFailure) {
    startImmich(kPhotos);
    SmtpServerOptions o = plainAuthServer();
    o.quotaAfter = 1;
    smtp = std::make_unique<SmtpTestServer>(o);
    writeConfig();
    const auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 0) << once.out << once.err;
    EXPECT_EQ(smtp->messages().size(), 1u);
    EXPECT_EQ(deliveryStates(), "delivered 1\n" + repeated("queued 0", 3))
        << "a quota reply uses no attempt and fails nothing";
    const auto status = pixsync({"status"});
    EXPECT_EQ(status.exitCode, 0) << status.out;
    EXPECT_THAT(status.out, HasSubstr("sink pixstar: quota-paused until "));
    EXPECT_THAT(status.out, HasSubstr("550 5.4.5"));
    const std::string c = compact(pixsync({"status", "--json"}).out);
    EXPECT_THAT(c, HasSubstr("\"state\":\"quota-paused\""));
    EXPECT_THAT(c, Not(HasSubstr("\"paused_until\":null")));

    auto daemon = startListeningDaemon();
    std::string metrics;
    EXPECT_TRUE(waitFor(
        [&] {
            metrics = get("/metrics");
            return metrics.find("pixsync_sink_paused_until_timestamp_seconds{sink=\"pixstar\"} ") !=
                       std::string::npos &&
                   metrics.find(
                       "pixsync_sink_paused_until_timestamp_seconds{sink=\"pixstar\"} 0\n") ==
                       std::string::npos;
        },
        30s))
        << metrics;
    EXPECT_THAT(metrics, HasSubstr("pixsync_sink_up{sink=\"pixstar\"} 1"));
    EXPECT_THAT(metrics, HasSubstr("pixsync_sink_queue_depth{sink=\"pixstar\"} 3"));
    EXPECT_THAT(metrics, HasSubstr("pixsync_deliveries_total{outcome=\"paused\"} 0"))
        << "waiting while paused is not an event";
    EXPECT_THAT(get("/healthz"), HasSubstr("200"));
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(30s), 0);
}

}  // namespace
