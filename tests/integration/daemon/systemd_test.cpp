// The daemon under systemd's notify protocol: a real unix datagram socket stands in for
// NOTIFY_SOCKET and receives what `Type=notify` and `WatchdogSec=` rely on, in order.
#include <gmock/gmock.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <mutex>

#include "daemon_fixture.hpp"

using namespace pixsync::test;
using ::testing::HasSubstr;

namespace {

/// A bound datagram socket that keeps every message it receives, on a thread of its own.
class NotifySocket {
  public:
    explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            throw std::runtime_error("cannot bind " + path.string());
        timeval timeout{0, 100'000};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        reader_ = std::thread([this] {
            char buffer[4096];
            while (!stop_) {
                const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
                if (n <= 0) continue;
                std::lock_guard lock(mutex_);
                messages_.emplace_back(buffer, static_cast<std::size_t>(n));
            }
        });
    }
    ~NotifySocket() {
        stop_ = true;
        reader_.join();
        ::close(fd_);
    }
    std::vector<std::string> messages() const {
        std::lock_guard lock(mutex_);
        return messages_;
    }
    /// Index of the first message at or after `from` that contains `text`; -1 if none.
    int find(const std::string& text, int from = 0) const {
        const auto all = messages();
        for (std::size_t i = static_cast<std::size_t>(std::max(from, 0)); i < all.size(); ++i)
            if (all[i].find(text) != std::string::npos) return static_cast<int>(i);
        return -1;
    }

  private:
    std::filesystem::path path_;
    int fd_ = -1;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> messages_;
    std::thread reader_;
};

class SystemdTest : public DaemonTest {
  protected:
    /// Runs the daemon under a "journal" until it delivered one photo, then stops it: its
    /// standard error is daemon.out, and JOURNAL_STREAM names that file as systemd names the
    /// journal's socket.
    void deliverOneUnderTheJournal(const std::map<std::string, std::string>& env) {
        startImmich(1);
        startSmtp();
        writeConfig(env);
        writeFile(dir / "daemon.out", "");
        struct stat st {};
        ASSERT_EQ(::stat((dir / "daemon.out").c_str(), &st), 0);
        daemonEnvironment["JOURNAL_STREAM"] =
            std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
        auto daemon = startDaemon();
        ASSERT_TRUE(waitFor([&] { return smtp->messages().size() == kJohnFrames.size(); }, 60s))
            << daemonOutput();
        daemon->signal(SIGTERM);
        EXPECT_EQ(daemon->wait(10s), 0);
    }
};

TEST_F(SystemdTest, ReadyStatusReloadingStoppingAndWatchdogArriveInOrder) {
    startImmich(2);
    startSmtp();
    writeConfig();
    NotifySocket socket(dir / "notify.sock");
    daemonEnvironment["NOTIFY_SOCKET"] = (dir / "notify.sock").string();
    daemonEnvironment["WATCHDOG_USEC"] = "400000";  // a ping every 0.2 s
    auto daemon = startDaemon();

    int ready = -1, status = -1;
    ASSERT_TRUE(waitFor([&] { return (ready = socket.find("READY=1")) >= 0; }, 30s))
        << logText() << daemonOutput();
    ASSERT_TRUE(
        waitFor([&] { return (status = socket.find("queued; last poll ", ready)) >= 0; }, 30s))
        << logText();
    EXPECT_THAT(socket.messages()[static_cast<std::size_t>(ready)], HasSubstr("STATUS="));

    daemon->signal(SIGHUP);
    int reloading = -1, readyAgain = -1;
    ASSERT_TRUE(
        waitFor([&] { return (reloading = socket.find("RELOADING=1", status)) >= 0; }, 30s));
    EXPECT_THAT(socket.messages()[static_cast<std::size_t>(reloading)],
                HasSubstr("\nMONOTONIC_USEC="));
    ASSERT_TRUE(waitFor([&] { return (readyAgain = socket.find("READY=1", reloading)) >= 0; }, 30s))
        << logText();

    auto pings = [&] {
        std::size_t n = 0;
        for (const auto& m : socket.messages()) n += m == "WATCHDOG=1";
        return n;
    };
    EXPECT_TRUE(waitFor([&] { return pings() >= 5; }, 10s))
        << "WATCHDOG=1 every 0.2 s: " << pings();

    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(10s), 0);
    const int stopping = socket.find("STOPPING=1", readyAgain);
    EXPECT_GT(stopping, readyAgain) << "STOPPING=1 after the reload's READY=1";
}

TEST_F(SystemdTest, AWatchdogMeantForAnotherProcessIsNotAnswered) {
    startImmich(1);
    startSmtp();
    writeConfig();
    NotifySocket socket(dir / "notify.sock");
    // WATCHDOG_PID names another process: the watchdog is not this daemon's.
    daemonEnvironment["NOTIFY_SOCKET"] = (dir / "notify.sock").string();
    daemonEnvironment["WATCHDOG_USEC"] = "400000";
    daemonEnvironment["WATCHDOG_PID"] = "1";
    auto daemon = startDaemon();
    ASSERT_TRUE(waitFor([&] { return socket.find("READY=1") >= 0; }, 30s)) << logText();
    std::this_thread::sleep_for(1s);
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(10s), 0);
    for (const auto& m : socket.messages()) EXPECT_NE(m, "WATCHDOG=1");
}

TEST_F(SystemdTest, UnderTheJournalLinesCarryPrioritiesNoTimestampsAndNoFileIsWritten) {
    // No LOG_FILE: the .env default, which the journal replaces.
    ASSERT_NO_FATAL_FAILURE(deliverOneUnderTheJournal({}));
    const std::string out = daemonOutput();
    EXPECT_THAT(out, HasSubstr("\n<6>pixsync started (pid ")) << out;
    EXPECT_THAT(out, HasSubstr("<6>[engine] ")) << out;
    EXPECT_THAT(out, ::testing::Not(HasSubstr("Z INFO"))) << "no timestamp or level column:\n"
                                                          << out;
    EXPECT_FALSE(std::filesystem::exists(dir / "immich-pixstar.log"))
        << "the journal keeps the log: no second copy unless LOG_FILE asks for one";
}

TEST_F(SystemdTest, UnderTheJournalANamedLogFileIsStillWritten) {
    ASSERT_NO_FATAL_FAILURE(deliverOneUnderTheJournal({{"LOG_FILE", "named.log"}}));
    ASSERT_TRUE(std::filesystem::exists(dir / "named.log"));
    EXPECT_THAT(readFile(dir / "named.log"), HasSubstr("Z INFO    pixsync started"));
}

}  // namespace

namespace {

// WATCHDOG_USEC of 1 µs, or near 2^64, is clamped: the ping thread neither spins nor
// overflows (an interval between 0.1 s and an hour).
TEST_F(SystemdTest, AnAbsurdWatchdogIntervalNeitherSpinsNorOverflows) {
    startImmich(1);
    startSmtp();
    writeConfig();
    for (const std::string usec : {"1", "2", "18446744073709551610"}) {
        NotifySocket socket(dir / ("notify-" + usec + ".sock"));
        daemonEnvironment["NOTIFY_SOCKET"] = (dir / ("notify-" + usec + ".sock")).string();
        daemonEnvironment["WATCHDOG_USEC"] = usec;
        auto daemon = startDaemon();
        ASSERT_TRUE(waitFor([&] { return socket.find("READY=1") >= 0; }, 30s)) << logText();
        std::this_thread::sleep_for(2s);
        daemon->signal(SIGTERM);
        EXPECT_EQ(daemon->wait(10s), 0) << usec;
        std::size_t pings = 0;
        for (const auto& m : socket.messages()) pings += m == "WATCHDOG=1";
        // At most one every 0.1 s over the 2 s (and the start and stop around them).
        EXPECT_LE(pings, 40u) << "WATCHDOG_USEC=" << usec;
        if (usec.size() > 5) {
            EXPECT_LE(pings, 1u) << "an hour apart at most, not a spin";
        }
    }
}

}  // namespace
