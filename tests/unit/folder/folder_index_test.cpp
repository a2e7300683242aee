// The folder index (`.pixsync-index.json`), compiled from the plugin's sources: what it keeps
// across a restart, and the files of earlier versions it must still read.

#include "folder_index.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "test_support.hpp"

namespace pixsync::folder {
namespace {

namespace fs = std::filesystem;

class FolderIndexTest : public ::testing::Test {
  protected:
    FolderIndexTest() { fs::create_directories(folder); }

    test::TempDir root;
    const fs::path folder = root / "frame";
    Logger log;
};

TEST_F(FolderIndexTest, FilesAndRoutesSurviveARestart) {
    {
        FolderIndex index(folder, log);
        index.set("a", "2024-01-02_a_a.jpg", "jane");
        index.set("b", "2024-01-02_b_b.jpg", "jane");
        index.set("b", "2024-01-02_b_b.jpg", "john");
        index.save();
    }
    FolderIndex again(folder, log);
    ASSERT_EQ(again.entries().size(), 2u);
    EXPECT_EQ(again.fileFor("a"), "2024-01-02_a_a.jpg");
    EXPECT_EQ(again.entries().at("a").routes, (std::set<std::string>{"jane"}));
    EXPECT_EQ(again.entries().at("b").routes, (std::set<std::string>{"jane", "john"}));
}

TEST_F(FolderIndexTest, AVersion1IndexLoadsWithEntriesThatHaveNoRoute) {
    test::writeFile(folder / kIndexFileName,
                    R"({"version": 1, "files": {"a": "2024-01-02_a_a.jpg"}})");
    FolderIndex index(folder, log);
    ASSERT_EQ(index.entries().size(), 1u);
    EXPECT_EQ(index.fileFor("a"), "2024-01-02_a_a.jpg");
    EXPECT_TRUE(index.entries().at("a").routes.empty());

    // Written back, the entry keeps no route, and "files" keeps version 1's shape.
    index.set("b", "2024-01-02_b_b.jpg", "jane");
    index.save();
    const std::string text = test::readFile(folder / kIndexFileName);
    EXPECT_NE(text.find(R"("a": "2024-01-02_a_a.jpg")"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("b": ["jane"])"), std::string::npos) << text;
    EXPECT_EQ(text.find(R"("a": [)"), std::string::npos) << text;
}

TEST_F(FolderIndexTest, ARouteOfAnAssetWithoutAFileIsDropped) {
    test::writeFile(folder / kIndexFileName,
                    R"({"version": 2, "files": {}, "routes": {"ghost": ["jane"]}})");
    FolderIndex index(folder, log);
    EXPECT_TRUE(index.entries().empty());
}

TEST_F(FolderIndexTest, ACorruptIndexIsReplacedNotFatal) {
    test::writeFile(folder / kIndexFileName, "{ not json");
    FolderIndex index(folder, log);
    EXPECT_TRUE(index.entries().empty());
    index.set("c", "2024-01-02_new_c.jpg", "jane");
    index.save();
    FolderIndex again(folder, log);
    EXPECT_EQ(again.fileFor("c"), "2024-01-02_new_c.jpg");
}

TEST_F(FolderIndexTest, NamesWithQuotesAndControlCharactersRoundTrip) {
    {
        FolderIndex index(folder, log);
        index.set("id \"quoted\" \\ \n", "a.jpg", "route \"r\"\t");
        index.save();
    }
    FolderIndex again(folder, log);
    EXPECT_EQ(again.fileFor("id \"quoted\" \\ \n"), "a.jpg");
    EXPECT_EQ(again.entries().at("id \"quoted\" \\ \n").routes,
              (std::set<std::string>{"route \"r\"\t"}));
}

TEST_F(FolderIndexTest, OnlyChangesAreWritten) {
    FolderIndex index(folder, log);
    index.set("a", "a.jpg", "jane");
    EXPECT_EQ(index.pending(), 1u);
    index.save();
    index.set("a", "a.jpg", "jane");
    index.addRoute("a", "jane");
    index.removeRoute("a", "john");
    EXPECT_EQ(index.pending(), 0u);
    index.removeRoute("a", "jane");
    EXPECT_EQ(index.pending(), 1u);
}

}  // namespace
}  // namespace pixsync::folder
