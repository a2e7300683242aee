// `pixsync run` as a long-running process: signals, single instance, reload, --daemon.
#include <gmock/gmock.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "cli_fixture.hpp"

using namespace pixsync::test;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

using Background = BackgroundProcess;

bool waitFor(const std::function<bool()>& condition, std::chrono::seconds timeout = 20s) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (condition()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

}  // namespace

class DaemonCommandTest : public CliTest {
  protected:
    std::vector<std::string> runArgs(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{cliPath().string(), "run", "--config",
                                      (dir / "pixsync.json").string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }
    std::string log() {
        return std::filesystem::exists(dir / "pixsync.log") ? readFile(dir / "pixsync.log") : "";
    }
    /// The port a daemon started with `--listen 127.0.0.1:0` took, from its log.
    int servedPortOrFail() {
        int port = 0;
        waitFor([&] { return (port = servedPort(log())) != 0; });
        if (port == 0)
            throw std::runtime_error("the daemon did not say which port it serves:\n" + log());
        return port;
    }
};

TEST_F(DaemonCommandTest, DeliversThenStopsOnSigtermWithExitZero) {
    favorite("a");
    Background daemon(runArgs(), dir.path());
    ASSERT_TRUE(waitFor([&] { return deliveries().size() == 2; })) << log();
    auto start = std::chrono::steady_clock::now();
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_THAT(log(), HasSubstr("received SIGTERM, stopping"));
}

TEST_F(DaemonCommandTest, SigintStopsToo) {
    Background daemon(runArgs(), dir.path());
    ASSERT_TRUE(waitFor([&] { return log().find("running: polling every") != std::string::npos; }))
        << log();
    daemon.signal(SIGINT);
    EXPECT_EQ(daemon.wait(10s), 0);
}

TEST_F(DaemonCommandTest, ASecondInstanceIsRefusedWithTheHoldersPid) {
    Background daemon(runArgs(), dir.path());
    ASSERT_TRUE(waitFor([&] { return log().find("running: polling every") != std::string::npos; }))
        << log();
    auto second = pixsync({"once"});
    EXPECT_EQ(second.exitCode, 1);
    EXPECT_THAT(second.err, HasSubstr("pid " + std::to_string(daemon.pid())));
    // status reads while the daemon writes
    auto status = pixsync({"status"});
    EXPECT_EQ(status.exitCode, 0) << status.err;
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0);
}

TEST_F(DaemonCommandTest, SighupReloadsAValidConfigAndKeepsTheOldOneOtherwise) {
    Background daemon(runArgs(), dir.path());
    ASSERT_TRUE(waitFor([&] {
        return log().find("running: polling every 10 s") != std::string::npos;
    })) << log();
    // The new poll interval is what shows the reload took effect (the log names it).
    writeConfig();
    writeFile(dir / "pixsync.json",
              readFile(dir / "pixsync.json")
                  .replace(readFile(dir / "pixsync.json").find("\"poll_interval_seconds\": 10"), 27,
                           "\"poll_interval_seconds\": 20"));
    daemon.signal(SIGHUP);
    ASSERT_TRUE(waitFor([&] { return log().find("configuration reloaded") != std::string::npos; }))
        << log();
    ASSERT_TRUE(waitFor([&] { return log().find("polling every 20 s") != std::string::npos; }))
        << log();

    favorite("after-reload");
    writeFile(dir / "pixsync.json", "{ broken");
    daemon.signal(SIGHUP);
    ASSERT_TRUE(waitFor([&] {
        return log().find("the new configuration is invalid, keeping the old one") !=
               std::string::npos;
    })) << log();
    ASSERT_TRUE(waitFor([&] { return deliveries().size() == 2; }, 40s))
        << "the old configuration keeps working\n"
        << log();
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0);
}

/// How often `text` contains `part`.
std::size_t occurrences(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

TEST_F(DaemonCommandTest, StartUpWarningsAreLoggedOnceAndOnceMoreAtEachReload) {
    const std::string config = readFile(dir / "pixsync.json");
    writeFile(dir / "pixsync.json", std::string(config).replace(
                                        config.find(R"("record_file")"), 13,
                                        R"("start_warning": "risky sink setting", "record_file")"));
    Background daemon(runArgs(), dir.path(), dir / "console.txt");
    ASSERT_TRUE(waitFor([&] { return log().find("running: polling every") != std::string::npos; }))
        << log();
    EXPECT_EQ(occurrences(log(), "risky sink setting"), 1u) << log();
    daemon.signal(SIGHUP);
    ASSERT_TRUE(waitFor([&] { return log().find("configuration reloaded") != std::string::npos; }))
        << log();
    EXPECT_EQ(occurrences(log(), "risky sink setting"), 2u) << log();
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0);
    EXPECT_EQ(occurrences(readFile(dir / "console.txt"), "risky sink setting"), 2u);

    // Detached: once in the terminal (checked before detaching), once in the log.
    std::filesystem::remove(dir / "pixsync.log");
    auto pidFile = dir / "pixsync.pid";
    auto r = run(runArgs({"--daemon", "--pid-file", pidFile.string()}), {}, dir.path(), 30);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(occurrences(r.err, "risky sink setting"), 1u) << r.err;
    ASSERT_TRUE(waitFor([&] { return log().find("running: polling every") != std::string::npos; }))
        << log();
    EXPECT_EQ(occurrences(log(), "risky sink setting"), 1u) << log();
    ASSERT_TRUE(waitFor([&] { return std::filesystem::exists(pidFile); }));
    ::kill(std::stoi(readFile(pidFile)), SIGTERM);
    EXPECT_TRUE(waitFor([&] { return !std::filesystem::exists(pidFile); }, 10s));
}

TEST_F(DaemonCommandTest, DaemonModeWritesAndRemovesThePidFile) {
    auto pidFile = dir / "immich-pixstar.pid";
    auto r = run(runArgs({"--daemon", "--pid-file", pidFile.string()}), {}, dir.path(), 30);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ASSERT_TRUE(waitFor([&] { return std::filesystem::exists(pidFile); }));
    pid_t pid = std::stoi(readFile(pidFile));
    EXPECT_EQ(::kill(pid, 0), 0) << "the daemon runs";
    ::kill(pid, SIGTERM);
    EXPECT_TRUE(
        waitFor([&] { return !std::filesystem::exists(pidFile) && ::kill(pid, 0) != 0; }, 10s));
}

TEST_F(DaemonCommandTest, DaemonModeReportsStartupFailuresInTheTerminal) {
    Background holder(runArgs(), dir.path());
    ASSERT_TRUE(waitFor([&] { return log().find("running: polling every") != std::string::npos; }))
        << log();
    auto r = run(runArgs({"--daemon"}), {}, dir.path(), 30);
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_THAT(r.err, HasSubstr("pid " + std::to_string(holder.pid())));
    holder.signal(SIGTERM);
    EXPECT_EQ(holder.wait(10s), 0);
}

TEST_F(DaemonCommandTest, ServesHealthAndMetricsWhenAsked) {
    favorite("a");
    Background daemon(runArgs({"--listen", "127.0.0.1:0"}), dir.path());
    const int port = servedPortOrFail();
    ASSERT_TRUE(waitFor([&] { return deliveries().size() == 2; })) << log();
    auto get = [&](const std::string& path) {
        return run({python(), "-c",
                    "import sys, urllib.request, urllib.error\n"
                    "try:\n r = urllib.request.urlopen('http://127.0.0.1:" +
                        std::to_string(port) + path +
                        "', timeout=10)\n"
                        " print(r.status); print(r.read().decode())\n"
                        "except urllib.error.HTTPError as e:\n print(e.code); "
                        "print(e.read().decode())\n"});
    };
    std::string metrics;
    ASSERT_TRUE(waitFor([&] {
        metrics = get("/metrics").out;
        return metrics.find("pixsync_deliveries_total{outcome=\"delivered\"} 2") !=
               std::string::npos;
    })) << metrics;
    EXPECT_THAT(metrics, HasSubstr("pixsync_queue_depth 0"));
    EXPECT_THAT(metrics, HasSubstr("pixsync_route_up{route=\"john@example.com\"} 1"));
    EXPECT_THAT(metrics, ::testing::Not(HasSubstr("pixsync_last_success_timestamp_seconds 0\n")));
    EXPECT_THAT(get("/healthz").out, HasSubstr("200\nok"));
    EXPECT_THAT(get("/nope").out, HasSubstr("404"));
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0);
}

TEST_F(DaemonCommandTest, HealthReportsAFailingRoute) {
    std::filesystem::remove(dir / "listing.jsonl");
    Background daemon(runArgs({"--listen", "127.0.0.1:0"}), dir.path());
    const int port = servedPortOrFail();
    std::string body;
    ASSERT_TRUE(waitFor([&] {
        body = run({python(), "-c",
                    "import urllib.request, urllib.error\n"
                    "try:\n urllib.request.urlopen('http://127.0.0.1:" +
                        std::to_string(port) +
                        "/healthz', timeout=10)\n"
                        "except urllib.error.HTTPError as e:\n print(e.code, e.read().decode())\n"
                        "except Exception as e:\n print('down', e)\n"})
                   .out;
        return body.rfind("503", 0) == 0;
    })) << body;
    EXPECT_THAT(body, HasSubstr("route 'john@example.com': failing since "));
    EXPECT_THAT(body, HasSubstr("cannot read the listing"));
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0);
}

TEST_F(DaemonCommandTest, APluginThrowingAnyExceptionLeavesTheDaemonRunningAndChargesThatPhoto) {
    favorite("a", "throw-me.jpg");  // the recorder's deliver() throws std::out_of_range
    // Polls a second apart (a test build's override of the 10 s floor).
    Background daemon(runArgs({"--listen", "127.0.0.1:0"}), dir.path(), {},
                      {{"PIXSYNC_TEST_POLL_INTERVAL_MS", "1000"}});
    const int port = servedPortOrFail();
    auto get = [&](const std::string& path) {
        return run({python(), "-c",
                    "import urllib.request, urllib.error\n"
                    "try:\n r = urllib.request.urlopen('http://127.0.0.1:" +
                        std::to_string(port) + path +
                        "', timeout=10)\n"
                        " print(r.status); print(r.read().decode())\n"
                        "except urllib.error.HTTPError as e:\n print(e.code); "
                        "print(e.read().decode())\n"
                        "except Exception as e:\n print('down', e)\n"})
            .out;
    };
    // The sink's check passes, so the exception is charged to the one photo it met: both its
    // frames are retried later, and the sink stays up.
    ASSERT_TRUE(waitFor([&] {
        return metricValue(get("/metrics"), "pixsync_deliveries_total{outcome=\"retry\"}") >= 2;
    })) << log();
    EXPECT_THAT(log(), HasSubstr("threw std::out_of_range"));
    EXPECT_THAT(log(), HasSubstr("attempt 1 of 10"));
    const std::string metrics = get("/metrics");
    EXPECT_THAT(metrics, HasSubstr("pixsync_sink_up{sink=\"frames\"} 1"));
    EXPECT_THAT(metrics, HasSubstr("pixsync_deliveries_total{outcome=\"held\"} 0"));
    EXPECT_THAT(metrics, HasSubstr("pixsync_deliveries_total{outcome=\"failed\"} 0"));
    EXPECT_EQ(get("/healthz").rfind("200", 0), 0u);

    // Still running two polls later, and `status` says the same.
    const long polls = metricValue(get("/metrics"), "pixsync_polls_total");
    ASSERT_TRUE(waitFor(
        [&] { return metricValue(get("/metrics"), "pixsync_polls_total") >= polls + 2; }, 30s))
        << "two more polls within 30 s (" << polls << " before):\n"
        << log();
    EXPECT_EQ(::kill(daemon.pid(), 0), 0) << log();
    auto status = pixsync({"status"});
    EXPECT_EQ(status.exitCode, 0) << status.out;
    EXPECT_THAT(status.out,
                HasSubstr("daemon: running (pid " + std::to_string(daemon.pid()) + ")"));
    EXPECT_THAT(status.out, HasSubstr("sink frames: ok"));
    EXPECT_THAT(status.out, HasSubstr("next delivery attempt"));
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0) << log();
    EXPECT_THAT(log(), ::testing::Not(HasSubstr("terminate")));
}

TEST_F(DaemonCommandTest, ResendWhileTheDaemonRunsIsCarriedOutByIt) {
    favorite("a");
    Background daemon(runArgs(), dir.path());
    ASSERT_TRUE(waitFor([&] { return deliveries().size() == 2; })) << log();
    auto r = pixsync({"resend", "--user", "john@example.com"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_THAT(r.out,
                HasSubstr("asked the running pixsync (pid " + std::to_string(daemon.pid()) + ")"));
    ASSERT_TRUE(waitFor([&] { return deliveries().size() == 4; })) << log();
    EXPECT_THAT(log(), HasSubstr("john@example.com: resend queued 2 deliveries"));
    auto original = pixsync({"--resend-all", "--all-users"});
    EXPECT_EQ(original.exitCode, 0) << original.err;
    ASSERT_TRUE(waitFor([&] { return deliveries().size() == 6; })) << log();
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0);
    EXPECT_FALSE(std::filesystem::exists(dir / "state.db.daemon"));
}

// A third-party state store that keeps no file (no `path` option): every command that needs
// nothing beside the state works; those that do say why they cannot.
TEST_F(DaemonCommandTest, AStateStoreThatKeepsNoFileRunsAndSaysWhatItCannotDo) {
    std::string config = readFile(dir / "pixsync.json");
    const std::string sqlite = R"("state": {"plugin": "sqlite", "options": {"path": "state.db"}})";
    ASSERT_NE(config.find(sqlite), std::string::npos);
    config.replace(config.find(sqlite), sqlite.size(),
                   R"("state": {"plugin": "test-memory-state"})");
    writeFile(dir / "pixsync.json", config);
    favorite("a");

    auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 0) << once.err;
    EXPECT_EQ(deliveries().size(), 2u);

    Background daemon(runArgs({"--listen", "127.0.0.1:0"}), dir.path());
    servedPortOrFail();
    ASSERT_TRUE(waitFor([&] { return deliveries().size() == 4; })) << log();
    EXPECT_THAT(log(), HasSubstr("the state store keeps no file; the status page shows no "
                                 "thumbnails"));
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0) << log();

    auto reset = pixsync({"state", "reset", "--i-know"});
    EXPECT_EQ(reset.exitCode, 2);
    EXPECT_THAT(reset.err, HasSubstr("the test-memory-state state store keeps no file pixsync "
                                     "can move aside"));
    // Nothing was written beside the configuration for the state.
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr("state")));
}
