// JSON nested 1,000,000 deep in the native config and in a folder sink's index, read by the
// real pixsync binary: a refusal naming the file, never a crash.
#include <gmock/gmock.h>

#include "cli_fixture.hpp"

using namespace pixsync::test;
using ::testing::AllOf;
using ::testing::HasSubstr;

namespace {

constexpr int kDeep = 1000000;

/// A JSON list nested `depth` deep: [[[ ... ]]].
std::string deepList(int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']');
}

}  // namespace

TEST_F(CliTest, ADeepNativeConfigExitsTwoNamingTheFile) {
    const auto config = dir / "pixsync.json";
    writeFile(config, R"({"routes": )" + deepList(kDeep) + "}");
    const auto r = pixsync({"once"});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_THAT(r.err, AllOf(HasSubstr(config.string() + ": line 1, column 267"),
                             HasSubstr("deeper than 256 levels")));
}

TEST_F(CliTest, TheDepthLimitLeavesRoomForOrdinaryNesting) {
    // 256 levels (the limit) still load: the top-level object, "sources", its entry and
    // "options" are four of them, and a value the plugin does not read nests the rest.
    writeConfig("", "test-recorder", R"("note": )" + deepList(252) + ", ");
    favorite("a");
    const auto r = pixsync({"once"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    writeConfig("", "test-recorder", R"("note": )" + deepList(253) + ", ");
    const auto deeper = pixsync({"once"});
    EXPECT_EQ(deeper.exitCode, 2);
    EXPECT_THAT(deeper.err, HasSubstr("deeper than 256 levels"));
}

// The folder sink replaces an index it cannot read (plugins/folder/README.md): a deep one is
// one of those, with a warning naming it, and the run goes on.
TEST_F(CliTest, ADeepFolderIndexIsReplacedWithAWarningNamingIt) {
    std::filesystem::create_directories(dir / "share" / "frame");
    const auto index = dir / "share" / "frame" / ".pixsync-index.json";
    writeFile(index, R"({"version": 2, "files": )" + deepList(kDeep) + "}");
    writeFile(dir / "pixsync.json", R"({
  "state": {"plugin": "sqlite", "options": {"path": "state.db"}},
  "plugin_dirs": [")" + (testPluginsDir() / "good").string() +
                                        R"("],
  "sources": [{"name": "files", "plugin": "test-listing", "options": {"listing_file": "listing.jsonl"}}],
  "sinks": [{"name": "share", "plugin": "folder", "options": {"root": "share"}}],
  "routes": [{"id": "john@example.com", "sink": "share", "destinations": ["frame"]}],
  "log": {"file": "pixsync.log"}
})");
    writeFile(
        dir / "listing.jsonl",
        R"({"id": "3f2a9c1d-0000-4000-8000-000000000001", "file": "clip.mp4", "kind": "video"})"
        "\n");
    const auto r = pixsync({"once"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_THAT(readFile(dir / "pixsync.log"),
                AllOf(HasSubstr(index.string()), HasSubstr("deeper than 256 levels"),
                      HasSubstr("starting a new index")));
    // Not EXPECT_THAT on the text: a failure would print the 2 MB deep file.
    EXPECT_NE(readFile(index).find("clip_3f2a9c1d.mp4"), std::string::npos)
        << "the new index names the new file";
}
