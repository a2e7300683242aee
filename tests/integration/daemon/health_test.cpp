// Sink- and source-wide failures, each broken on purpose against the real SMTP server and the
// fake Immich: the photos stay queued (never failed, no attempt used), `status` (text, exit
// code, JSON), /healthz and /metrics say what is wrong; after the fix and a reload the held
// photos go out once each, without `resend`.
#include <gmock/gmock.h>

#include "daemon_fixture.hpp"
#include "pixsync/util/strings.hpp"

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
        return startListeningOnAnyPort(listenPort);
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
    void expectDeliveredAfterReload(PixsyncProcess& daemon, const std::string& upGauge,
                                    int photos = kPhotos) {
        const std::size_t messages = photos * kJohnFrames.size();
        daemon.signal(SIGHUP);
        // At once, not after the hold's delay (a minute or more): a reload ends every hold.
        ASSERT_TRUE(waitFor([&] { return smtp->messages().size() >= messages; }, 20s))
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
        expectDeliveredOnce(photos, 0);
        EXPECT_EQ(deliveryStates(), repeated("delivered 1", messages));
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

    /// The daemon while a send limit holds photos back: healthy (200, sink up) with the
    /// limit's end as a gauge and no event counted; a reload with a higher limit sends the
    /// rest of the `photos`, each once, without `resend`.
    void expectLimitLiftedByReload(const std::string& key, int photos) {
        auto daemon = startListeningDaemon();
        const std::string gauge = "pixsync_sink_paused_until_timestamp_seconds{sink=\"pixstar\"} ";
        std::string metrics;
        EXPECT_TRUE(waitFor(
            [&] {
                metrics = get("/metrics");
                return metrics.find(gauge) != std::string::npos &&
                       metrics.find(gauge + "0\n") == std::string::npos;
            },
            30s))
            << metrics;
        EXPECT_THAT(metrics, HasSubstr("pixsync_sink_up{sink=\"pixstar\"} 1"));
        EXPECT_THAT(metrics, HasSubstr("pixsync_deliveries_total{outcome=\"failed\"} 0"));
        EXPECT_THAT(metrics, HasSubstr("pixsync_deliveries_total{outcome=\"paused\"} 0"))
            << "waiting for a limit is not an event";
        EXPECT_THAT(metrics, HasSubstr(cat("pixsync_sink_queue_depth{sink=\"pixstar\"} ",
                                           (photos - 1) * kJohnFrames.size())));
        const std::string health = get("/healthz");
        EXPECT_EQ(health.rfind("200", 0), 0u) << "a limit is not a failure: " << health;
        EXPECT_THAT(health, HasSubstr("sink 'pixstar': rate-limited until "))
            << "but it is not \"ok\" either";
        EXPECT_EQ(smtp->messages().size(), kJohnFrames.size()) << "nothing more while limited";
        writeConfig({{key, "100000"}});
        expectDeliveredAfterReload(*daemon, "pixsync_sink_up{sink=\"pixstar\"}", photos);
    }

    /// The `next_attempt` of `status --json` is never in the past (ISO 8601 UTC strings
    /// compare as times).
    void expectNextAttemptNotInThePast() {
        const std::string now =
            run({python(), "-c",
                 "import datetime; print(datetime.datetime.now(datetime.timezone.utc)"
                 ".strftime('%Y-%m-%dT%H:%M:%SZ'), end='')"})
                .out;
        const std::string c = compact(pixsync({"status", "--json"}).out);
        const std::string key = "\"next_attempt\":\"";
        const auto at = c.find(key);
        ASSERT_NE(at, std::string::npos) << c;
        const std::string next =
            c.substr(at + key.size(), c.find('"', at + key.size()) - at - key.size());
        EXPECT_GE(next, now) << "next attempt " << next << " is before now " << now;
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

// `once` exits 1 when a sink is still failing at the end of the pass, even though another
// sink delivered everything it had (as `status` does).
TEST_F(HealthTest, OnceExitsOneWhenASinkIsHeldWhileAnotherDelivers) {
    startImmich(kPhotos);
    smtp = std::make_unique<SmtpTestServer>(plainAuthServer());
    const auto disk = dir / "on-disk";
    std::filesystem::create_directories(disk);
    writeFile(dir / "pixsync.json", R"({
  "state": {"plugin": "sqlite", "options": {"path": "pixsync_state.db"}},
  "sources": [{"name": "immich", "plugin": "immich",
               "options": {"immich_base_url": "http://127.0.0.1:)" +
                                        std::to_string(immichPort) + R"(/api",
                           "immich_api_key": ")" +
                                        kAdminKey + R"("}}],
  "sinks": [{"name": "frames", "plugin": "pixstar",
             "options": {"smtp_host": "127.0.0.1", "smtp_port": )" +
                                        std::to_string(smtp->port()) + R"(, "smtp_use_tls": false,
                         "smtp_allow_plaintext_auth": true, "smtp_user": ")" +
                                        kSmtpUser + R"(",
                         "smtp_password": "wrong-password"}},
            {"name": "disk", "plugin": "folder", "options": {"root": ")" +
                                        disk.string() + R"("}}],
  "routes": [{"id": "john", "sink": "frames",
              "source_options": {"user": "john@example.com", "api_key": ")" +
                                        kJohnKey + R"("},
              "destinations": ["john-frame@mypixstar.com"]},
             {"id": "john-disk", "sink": "disk",
              "source_options": {"user": "john@example.com", "api_key": ")" +
                                        kJohnKey + R"("},
              "destinations": ["living-room"]}],
  "poll_interval_seconds": 10
})");
    ::chmod((dir / "pixsync.json").c_str(), 0600);
    const std::string config = (dir / "pixsync.json").string();
    const auto once = pixsync({"once", "--config", config});
    EXPECT_EQ(once.exitCode, 1) << "a sink is failing: " << once.out << once.err;
    std::size_t written = 0;
    if (std::filesystem::exists(disk / "living-room"))
        for (const auto& f : std::filesystem::directory_iterator(disk / "living-room"))
            written += f.path().extension() == ".jpg";
    EXPECT_EQ(written, static_cast<std::size_t>(kPhotos))
        << "the other sink delivered" << logText();
    EXPECT_TRUE(smtp->messages().empty());
    const auto status = pixsync({"status", "--config", config});
    EXPECT_EQ(status.exitCode, 1) << status.out;
    EXPECT_THAT(status.out, HasSubstr("sink frames: failing since "));
    EXPECT_THAT(status.out, HasSubstr("sink disk: ok"));
}

// A full disk under the state: `once` stops with the state's error (exit 2) naming the state
// database, never "sink unavailable"; nothing is marked failed or uses an attempt, and with
// room again the queued photos go out, each once (at most the message in flight twice).
TEST_F(HealthTest, AFullDiskUnderTheStateIsTheStatesProblemNotTheSinks) {
    startImmich(kPhotos);
    startSmtp();
    writeConfig({{"SMTP_MAX_PER_DAY", "1"}});
    const auto first = pixsync({"once"});
    ASSERT_EQ(first.exitCode, 0) << first.out << first.err;
    ASSERT_EQ(deliveryStates(), repeated("delivered 1", 2) + repeated("queued 0", 2));
    writeConfig();
    // No file may grow past the state's present size: with SIGXFSZ ignored, a write beyond
    // it fails with EFBIG, as on a full disk, without filling anything.
    const auto limit = std::filesystem::file_size(dir / "pixsync_state.db");
    const auto full = run({python(), "-c",
                           "import os, resource, signal, sys\n"
                           "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
                           "n = int(sys.argv[1])\n"
                           "resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))\n"
                           "os.execv(sys.argv[2], sys.argv[2:])\n",
                           std::to_string(limit), cliPath().string(), "once"},
                          {}, dir.path(), 90);
    EXPECT_EQ(full.exitCode, 2) << "the state is unusable: " << full.out << full.err;
    const std::string said = full.out + full.err;
    EXPECT_THAT(said, HasSubstr("cannot write the state database "));
    EXPECT_THAT(said, HasSubstr("pixsync_state.db: "));
    EXPECT_THAT(said, HasSubstr("make room on its disk"));
    EXPECT_THAT(said, Not(HasSubstr("unavailable")));
    EXPECT_THAT(logText(), Not(HasSubstr("sink 'pixstar' unavailable")));
    const std::string states = deliveryStates();
    EXPECT_THAT(states, Not(HasSubstr("failed"))) << states;
    EXPECT_THAT(states, Not(HasSubstr("queued 1"))) << "no attempt used: " << states;

    const auto again = pixsync({"once"});
    EXPECT_EQ(again.exitCode, 0) << again.out << again.err;
    EXPECT_EQ(deliveryStates(), repeated("delivered 1", kMessages));
    expectDeliveredOnce(kPhotos, 1);
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
    daemonEnvironment["PIXSYNC_TEST_POLL_INTERVAL_MS"] = "1000";  // a test build's override
    auto daemon = startListeningDaemon();
    expectDaemonReports("route 'john@example.com': held since ", "asset.download",
                        "pixsync_route_up{route=\"john@example.com\"}");
    // Two more polls: a listing that works does not end the hold, and no held photo is tried.
    auto downloads = [&] {
        const std::string requests = immich->admin("GET", "/requests");
        std::size_t n = 0;
        for (auto at = requests.find("/original"); at != std::string::npos;
             at = requests.find("/original", at + 1))
            ++n;
        return n;
    };
    const std::size_t triedBefore = downloads();
    const long polls = metricValue(get("/metrics"), "pixsync_polls_total");
    ASSERT_TRUE(waitFor(
        [&] { return metricValue(get("/metrics"), "pixsync_polls_total") >= polls + 2; }, 30s))
        << "two more polls within 30 s (" << polls << " before):\n"
        << logText();
    EXPECT_EQ(downloads(), triedBefore) << "a held photo was tried again:\n" << logText();
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
    EXPECT_THAT(c, HasSubstr("\"ok\":true"));
    expectNextAttemptNotInThePast();
    expectLimitLiftedByReload("SMTP_MAX_PER_MINUTE", 3);
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
    EXPECT_THAT(c, Not(HasSubstr("\"queue_empties_at\":null")));
    EXPECT_THAT(c, HasSubstr("\"ok\":true"));
    expectNextAttemptNotInThePast();
    expectLimitLiftedByReload("SMTP_MAX_PER_DAY", 3);
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
    const std::string health = get("/healthz");
    EXPECT_EQ(health.rfind("200", 0), 0u) << health;
    EXPECT_THAT(health, HasSubstr("sink 'pixstar': quota-paused until "));
    EXPECT_THAT(health, HasSubstr("550 5.4.5"));
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(30s), 0);
}

}  // namespace
