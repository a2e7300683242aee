// Crash safety: a writer process is SIGKILLed at random moments, over and over; after each
// kill the state opens and holds every outcome the writer had acknowledged.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "state_test_support.hpp"
#include "writer_process.hpp"

using namespace pixsync;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// The normal build kills 200 times. The sanitizer build looks for memory errors on the same
// paths (start-up, writes, rewrites, reopening), which 50 kills reach as well: at -O0 with
// ASan the JSON store's 200 took a minute, a fifth of that suite's time.
#if defined(PIXSYNC_SANITIZED)
constexpr int kIterations = 50;
#else
constexpr int kIterations = 200;
#endif
const std::string kRoute = "route@example.com";
const std::string kFrame = "frame@mypixstar.com";

struct Acknowledged {
    std::vector<std::string> delivered;
    std::vector<std::string> queued;
};

void collect(const std::vector<std::string>& lines, Acknowledged& ack) {
    for (const auto& line : lines) {
        if (line.rfind("D ", 0) == 0) ack.delivered.push_back(line.substr(2));
        if (line.rfind("Q ", 0) == 0) ack.queued.push_back(line.substr(2));
    }
}

void expectPresent(StateStore& store, const Acknowledged& ack, int iteration) {
    for (const auto& asset : ack.delivered)
        ASSERT_EQ(store.status({kRoute, asset, kFrame}), DeliveryStatus::Delivered)
            << "acknowledged delivery " << asset << " lost (iteration " << iteration << ")";
    for (const auto& asset : ack.queued)
        ASSERT_EQ(store.status({kRoute, asset, kFrame}), DeliveryStatus::Queued)
            << "acknowledged queue entry " << asset << " lost (iteration " << iteration << ")";
}

class KilledWriter : public ::testing::TestWithParam<std::string> {};

TEST_P(KilledWriter, LosesNothingItAcknowledged) {
    const std::string store = GetParam();
    test::TempDir dir;
    const fs::path state = dir / test::stateFileName(store);
    const fs::path plugin = test::pluginDir() / ("pixsync-" + store + ".so");
    // Every outcome is acknowledged when record() returns: the JSON store journals it. The
    // writer flushes the JSON store every third outcome, so kills also land in its rewrites.
    const std::string flushEvery = "0";
    test::StatePlugin opener(store);
    std::mt19937 random(20251125);
    Acknowledged all;
    std::size_t iterationsWithAcks = 0;
    const auto started = std::chrono::steady_clock::now();

    for (int i = 0; i < kIterations; ++i) {
        test::WriterProcess writer({STATE_WRITER_PATH, plugin.string(), state.string(), "write",
                                    cat("it", i), "1000000", flushEvery},
                                   dir / "writer.err");
        // Most kills land while outcomes are being written; every fourth one anywhere from
        // start-up on (opening, creating, migrating).
        const bool duringWrites = i % 4 != 0;
        if (duringWrites) {
            auto ready = writer.readLine(60s);
            ASSERT_TRUE(ready && ready->rfind("ready ", 0) == 0)
                << "writer did not start: " << test::readFile(dir / "writer.err");
        }
        std::this_thread::sleep_for(std::chrono::microseconds(
            std::uniform_int_distribution<int>(0, duringWrites ? 50'000 : 60'000)(random)));
        Acknowledged ack;
        collect(writer.killAndCollect(), ack);
        if (!ack.delivered.empty()) ++iterationsWithAcks;

        auto reopened = opener.open(state);
        expectPresent(*reopened, ack, i);
        if (HasFatalFailure()) return;
        all.delivered.insert(all.delivered.end(), ack.delivered.begin(), ack.delivered.end());
        all.queued.insert(all.queued.end(), ack.queued.begin(), ack.queued.end());
    }
    auto finalState = opener.open(state);
    expectPresent(*finalState, all, kIterations);
    EXPECT_GT(iterationsWithAcks, static_cast<std::size_t>(kIterations / 4))
        << "the kills came too early to test anything";
    EXPECT_EQ(finalState->summarize({kRoute})[0].delivered >= all.delivered.size(), true);
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - started);
    RecordProperty("acknowledged", static_cast<int>(all.delivered.size()));
    RecordProperty("seconds", static_cast<int>(seconds.count()));
    std::cout << store << ": " << kIterations << " kills, " << all.delivered.size()
              << " acknowledged deliveries, " << all.queued.size()
              << " queue entries, all present (" << seconds.count() << " s)\n";
}

INSTANTIATE_TEST_SUITE_P(Stores, KilledWriter, ::testing::Values("sqlite", "json"),
                         [](const auto& p) { return p.param; });

}  // namespace
