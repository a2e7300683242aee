// `pixsync check` changes nothing: no state is created, nothing is imported, no file in the
// folder is touched, and a running daemon is neither blocked nor disturbed.
#include <gmock/gmock.h>

#include <map>

#include "daemon_fixture.hpp"

using namespace pixsync::test;
using ::testing::HasSubstr;

namespace {

namespace fs = std::filesystem;

/// Every file below `root` (the fake Immich's own folder aside) with its bytes.
std::map<std::string, std::string> snapshot(const fs::path& root) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        const std::string relative = fs::relative(entry.path(), root).string();
        if (relative.starts_with("immich")) continue;
        files[relative] = entry.is_regular_file() ? readFile(entry.path()) : std::string("<dir>");
    }
    return files;
}

std::vector<std::string> names(const std::map<std::string, std::string>& files) {
    std::vector<std::string> out;
    for (const auto& [name, bytes] : files) out.push_back(name);
    return out;
}

class CheckChangesNothingTest : public DaemonTest {
  protected:
    void SetUp() override {
        startImmich(3);
        startSmtp();
        writeConfig();
        // The original service's state: photo 0 was sent by it.
        writeFile(dir / "pixstar_sync_state.json",
                  R"({"by_user": {"john@example.com": [")" + assetId(0) + R"("]}})");
    }

    void expectCheckLeavesFolderAlone(const std::string& expectedStateLine) {
        const auto before = snapshot(dir.path());
        const auto sentBefore = smtp->messages().size();
        const auto r = pixsync({"check"});
        EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
        EXPECT_THAT(r.out, HasSubstr(expectedStateLine));
        const auto after = snapshot(dir.path());
        EXPECT_EQ(names(after), names(before)) << "check created or removed files";
        for (const auto& [name, bytes] : before) {
            auto it = after.find(name);
            if (it != after.end()) {
                EXPECT_TRUE(it->second == bytes) << name << " was changed by check";
            }
        }
        EXPECT_EQ(smtp->messages().size(), sentBefore) << "check sends nothing";
    }
};

TEST_F(CheckChangesNothingTest, BeforeTheFirstStartCheckCreatesNoStateAndImportsNothing) {
    expectCheckLeavesFolderAlone("does not exist yet; the first `once` or `run` creates it");
    EXPECT_FALSE(fs::exists(dir / "pixsync_state.db"));

    // The import still happens, at the first real start: photo 0 is not sent again.
    const auto once = pixsync({"once"});
    ASSERT_EQ(once.exitCode, 0) << once.out << once.err;
    const auto counts = received();
    for (const auto& frame : kJohnFrames) {
        EXPECT_EQ(counts.count({frame, fileName(0)}), 0u) << "sent by the original already";
        EXPECT_EQ(counts.count({frame, fileName(1)}), 1u);
    }
}

TEST_F(CheckChangesNothingTest, AfterAPassCheckLeavesTheStateByteForByte) {
    const auto once = pixsync({"once"});
    ASSERT_EQ(once.exitCode, 0) << once.out << once.err;
    expectCheckLeavesFolderAlone("[ok  ] state: sqlite store");
}

TEST_F(CheckChangesNothingTest, CheckRunsBesideARunningDaemonWithoutBlockingIt) {
    auto daemon = startDaemon();
    ASSERT_TRUE(waitFor([&] { return smtp->messages().size() == 2 * kJohnFrames.size(); }))
        << daemonOutput();
    const auto r = pixsync({"check"});
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("in use by pixsync (pid "));
    // The daemon still owns its state and keeps delivering: a new favorite arrives.
    addFavorite(7);
    ASSERT_TRUE(waitFor([&] { return smtp->messages().size() == 3 * kJohnFrames.size(); }))
        << daemonOutput();
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(10s), 0) << daemonOutput();
}

}  // namespace
