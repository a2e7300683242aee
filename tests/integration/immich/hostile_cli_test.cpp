// `pixsync once` (the real binary, the immich, folder and sqlite plugins) against a hostile
// Immich: each attack ends the pass in bounded time with a bounded peak memory of the pixsync
// process (its own, from wait4), the photo kept for a later try and the log naming the cause.

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "immich_fixture.hpp"

using namespace pixsync;
using namespace pixsync::test;
using ::testing::HasSubstr;

namespace {

/// What a finished child process cost.
struct Measured {
    int exitCode = -1;  ///< -9 when it had to be killed
    long peakRssMb = 0;
    double seconds = 0;
};

/// Runs `argv` in `cwd` (output to `output`), killed after `timeoutSeconds`.
Measured runMeasured(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                     const std::filesystem::path& output, int timeoutSeconds) {
    const auto start = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || ::chdir(cwd.c_str()) != 0) ::_exit(127);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    Measured m;
    int status = 0;
    rusage usage{};
    bool killed = false;
    while (::wait4(pid, &status, WNOHANG, &usage) == 0) {
        if (std::chrono::steady_clock::now() - start > std::chrono::seconds(timeoutSeconds)) {
            ::kill(pid, SIGKILL);
            ::wait4(pid, &status, 0, &usage);
            killed = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m.peakRssMb = usage.ru_maxrss / 1024;
    m.exitCode = killed ? -9 : WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return m;
}

class HostileImmichCliTest : public ImmichTest {
  protected:
    /// One photo of John's, a folder frame, a 2 s timeout (a 64 KB download gets 4 s).
    void SetUp() override {
        start(manifest(
            R"([{"owner": "john@example.com", "size": 65536, "originalFileName": "IMG_0001.JPG"}])"));
        std::filesystem::create_directories(dir() / "frames");
        auto config = writeFile(dir() / "pixsync.json", R"({
  "state": {"plugin": "sqlite", "options": {"path": "state.db"}},
  "plugin_dirs": [")" + pluginDir().string() + R"("],
  "sources": [{"name": "immich", "plugin": "immich",
               "options": {"immich_base_url": ")" + immich().baseUrl() +
                                                            R"(", "immich_timeout_seconds": 2}}],
  "sinks": [{"name": "frames", "plugin": "folder", "options": {"root": "frames"}}],
  "routes": [{"id": "john@example.com",
              "source_options": {"user": "john@example.com", "api_key": "john-key-all"},
              "destinations": ["john"]}],
  "log": {"file": "pixsync.log"}
})");
        ::chmod(config.c_str(), 0600);
    }

    void injectFault(const std::string& members) {
        immich().admin("POST", "/faults", "{" + members + "}");
    }

    Measured once() {
        return runMeasured(
            {cliPath().string(), "once", "--config", (dir() / "pixsync.json").string()}, dir(),
            dir() / "once.out", 120);
    }

    std::string output() { return readFile(dir() / "once.out"); }

#if defined(PIXSYNC_SANITIZED)
    // AddressSanitizer's shadow memory and quarantine more than double the footprint.
    static constexpr long kMaxPeakRssMb = 250;
#else
    static constexpr long kMaxPeakRssMb = 100;
#endif
};

}  // namespace

TEST_F(HostileImmichCliTest, ADripDownloadEndsThePassInBoundedTimeAndMemory) {
    injectFault(R"("kind": "drip", "count": 100, "path": "/api/assets/", "seconds": 60)");
    Measured m = once();
    EXPECT_EQ(m.exitCode, 1) << output();
    EXPECT_LT(m.seconds, 10.0);
    EXPECT_LT(m.peakRssMb, kMaxPeakRssMb);
    EXPECT_THAT(output(), HasSubstr("cannot download IMG_0001.JPG"));
    EXPECT_THAT(output(), HasSubstr("was too slow: "));
    EXPECT_THAT(output(), HasSubstr("0 to retry, 0 failed, 1 held"));
    std::printf("drip: exit %d, %.1f s, peak RSS %ld MB\n", m.exitCode, m.seconds, m.peakRssMb);
}

TEST_F(HostileImmichCliTest, EndlessErrorBodiesEndThePassInBoundedTimeAndMemory) {
    injectFault(R"("kind": "endless-error", "count": 100, "path": "/api/assets/", "seconds": 60)");
    Measured m = once();
    EXPECT_EQ(m.exitCode, 1) << output();
    EXPECT_LT(m.seconds, 10.0);
    EXPECT_LT(m.peakRssMb, kMaxPeakRssMb);
    EXPECT_THAT(output(), HasSubstr("HTTP 500: an answer longer than 64.0 KB, not read further"));
    EXPECT_THAT(output(), HasSubstr("0 to retry, 0 failed, 1 held"));
    std::printf("endless error body: exit %d, %.1f s, peak RSS %ld MB\n", m.exitCode, m.seconds,
                m.peakRssMb);

    immich().admin("DELETE", "/faults");
    injectFault(R"("kind": "endless-error", "count": 100, "path": "/api/search/", "seconds": 60)");
    m = once();
    EXPECT_EQ(m.exitCode, 1) << output();
    EXPECT_LT(m.seconds, 10.0);
    EXPECT_LT(m.peakRssMb, kMaxPeakRssMb);
    EXPECT_THAT(output(), HasSubstr("listing failed: Immich failed to list the favorites"));
    std::printf("endless error body (listing): exit %d, %.1f s, peak RSS %ld MB\n", m.exitCode,
                m.seconds, m.peakRssMb);
}

TEST_F(HostileImmichCliTest, OverrunningAnswersAreSurvivedOnFreshConnections) {
    injectFault(R"("kind": "overrun", "count": 100, "path": "/api/")");
    Measured m = once();
    EXPECT_EQ(m.exitCode, 0) << output();
    EXPECT_LT(m.seconds, 20.0);
    EXPECT_LT(m.peakRssMb, kMaxPeakRssMb);
    EXPECT_THAT(output(), HasSubstr("1 delivered"));
    std::printf("overrun: exit %d, %.1f s, peak RSS %ld MB\n", m.exitCode, m.seconds, m.peakRssMb);
}
