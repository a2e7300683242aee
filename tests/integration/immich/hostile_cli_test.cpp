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
            dir() / "once.out", std::chrono::seconds(120));
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
    // Immich's own check still answers: the photo it serves this slowly is charged an
    // attempt and tried again later; nothing else is held for it.
    EXPECT_EQ(m.exitCode, 0) << output();
    EXPECT_LT(m.seconds, 10.0);
    EXPECT_LT(m.peakRssKb / 1024, kMaxPeakRssMb);
    EXPECT_THAT(output(), HasSubstr("IMG_0001.JPG (")) << output();
    EXPECT_THAT(output(), HasSubstr("was too slow: "));
    EXPECT_THAT(output(), HasSubstr("attempt 1 of 10"));
    EXPECT_THAT(output(), HasSubstr("1 to retry, 0 failed, 0 held"));
    std::printf("drip: exit %d, %.1f s, peak RSS %ld MB\n", m.exitCode, m.seconds,
                m.peakRssKb / 1024);
}

TEST_F(HostileImmichCliTest, EndlessErrorBodiesEndThePassInBoundedTimeAndMemory) {
    injectFault(R"("kind": "endless-error", "count": 100, "path": "/api/assets/", "seconds": 60)");
    Measured m = once();
    EXPECT_EQ(m.exitCode, 0) << output();
    EXPECT_LT(m.seconds, 10.0);
    EXPECT_LT(m.peakRssKb / 1024, kMaxPeakRssMb);
    EXPECT_THAT(output(), HasSubstr("HTTP 500: an answer longer than 64.0 KB, not read further"));
    EXPECT_THAT(output(), HasSubstr("1 to retry, 0 failed, 0 held"));
    std::printf("endless error body: exit %d, %.1f s, peak RSS %ld MB\n", m.exitCode, m.seconds,
                m.peakRssKb / 1024);

    immich().admin("DELETE", "/faults");
    injectFault(R"("kind": "endless-error", "count": 100, "path": "/api/search/", "seconds": 60)");
    m = once();
    EXPECT_EQ(m.exitCode, 1) << output();
    EXPECT_LT(m.seconds, 10.0);
    EXPECT_LT(m.peakRssKb / 1024, kMaxPeakRssMb);
    EXPECT_THAT(output(), HasSubstr("listing failed: Immich failed to list the favorites"));
    std::printf("endless error body (listing): exit %d, %.1f s, peak RSS %ld MB\n", m.exitCode,
                m.seconds, m.peakRssKb / 1024);
}

TEST_F(HostileImmichCliTest, OverrunningAnswersAreSurvivedOnFreshConnections) {
    injectFault(R"("kind": "overrun", "count": 100, "path": "/api/")");
    Measured m = once();
    EXPECT_EQ(m.exitCode, 0) << output();
    EXPECT_LT(m.seconds, 20.0);
    EXPECT_LT(m.peakRssKb / 1024, kMaxPeakRssMb);
    EXPECT_THAT(output(), HasSubstr("1 delivered"));
    std::printf("overrun: exit %d, %.1f s, peak RSS %ld MB\n", m.exitCode, m.seconds,
                m.peakRssKb / 1024);
}
