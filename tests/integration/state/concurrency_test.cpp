// One writer per state, enforced across processes; readers work beside the writer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "state_test_support.hpp"
#include "writer_process.hpp"

using namespace pixsync;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

class WriterAndOthers : public ::testing::TestWithParam<std::string> {
  protected:
    WriterAndOthers()
        : plugin(GetParam()),
          state(dir / test::stateFileName(GetParam())),
          pluginFile(test::pluginDir() / ("pixsync-" + GetParam() + ".so")) {}

    test::TempDir dir;
    test::StatePlugin plugin;
    fs::path state;
    fs::path pluginFile;
};

TEST_P(WriterAndOthers, ASecondWriterIsRefusedWithTheHoldersPidAndTouchesNothing) {
    {
        auto seed = plugin.open(state);  // a state with something in it
        DeliveryRecord r;
        r.key = {"route@example.com", "a1", "frame@mypixstar.com"};
        r.at = plugin.clock().now();
        seed->record(r);
    }
    const std::string before = test::readFile(state);
    test::WriterProcess holder({STATE_WRITER_PATH, pluginFile.string(), state.string(), "hold"},
                               dir / "holder.err");
    auto ready = holder.readLine(60s);
    ASSERT_TRUE(ready) << test::readFile(dir / "holder.err");
    ASSERT_EQ(*ready, "ready " + std::to_string(holder.pid()));

    Error e = test::errorFrom([&] { plugin.open(state); });
    EXPECT_EQ(e.kind(), ErrorKind::Locked);
    EXPECT_THAT(e.what(), HasSubstr(state.string() + " is in use by another pixsync (pid " +
                                    std::to_string(holder.pid()) +
                                    "); stop it first (./stop.sh) or wait for it to finish"));
    EXPECT_EQ(test::readFile(state), before);

    holder.killAndCollect();  // the kernel releases the lock with the process
    auto store = plugin.open(state);
    EXPECT_EQ(store->status({"route@example.com", "a1", "frame@mypixstar.com"}),
              DeliveryStatus::Delivered);
}

TEST_P(WriterAndOthers, AReaderWorksWhileTheWriterWrites) {
    test::WriterProcess writer({STATE_WRITER_PATH, pluginFile.string(), state.string(), "write",
                                "r", "1000000", GetParam() == "json" ? "5" : "0"},
                               dir / "writer.err");
    auto ready = writer.readLine(60s);
    ASSERT_TRUE(ready) << test::readFile(dir / "writer.err");
    // Wait for the first acknowledged delivery, so there is a state to read.
    std::optional<std::string> line;
    while ((line = writer.readLine(60s)) && line->rfind("D ", 0) != 0) {
    }
    ASSERT_TRUE(line) << test::readFile(dir / "writer.err");
    const std::string firstAsset = line->substr(2);

    std::uint64_t first = 0;
    std::uint64_t last = 0;
    int reads = 0;
    const auto until = std::chrono::steady_clock::now() + 3s;
    while (std::chrono::steady_clock::now() < until) {
        auto reader = plugin.open(state, OpenMode::ReadOnly);
        auto summary = reader->summarize({"route@example.com"})[0];
        ASSERT_GE(summary.delivered, last) << "a reader saw the state go backwards";
        ASSERT_EQ(reader->status({"route@example.com", firstAsset, "frame@mypixstar.com"}),
                  DeliveryStatus::Delivered);
        if (reads++ == 0) first = summary.delivered;
        last = summary.delivered;
        std::this_thread::sleep_for(50ms);
        while (writer.readLine(0ms)) {
        }  // keep the pipe drained so the writer never blocks
    }
    writer.killAndCollect();
    EXPECT_GE(first, 1u);
    EXPECT_GT(last, first) << "the reader never saw the writer's progress";
    EXPECT_GT(reads, 5);
}

INSTANTIATE_TEST_SUITE_P(Stores, WriterAndOthers, ::testing::Values("sqlite", "json"),
                         [](const auto& p) { return p.param; });

}  // namespace
