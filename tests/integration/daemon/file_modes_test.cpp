// The files pixsync creates for itself (state, its -wal and -shm, the lock, the log, the pid
// file, the daemon marker) hold e-mail addresses and photo names: they are 0600 whatever
// the umask, checked with stat on every file pixsync created in the folder.
#include <gmock/gmock.h>

#include <set>

#include "daemon_fixture.hpp"

using namespace pixsync::test;

namespace {

namespace fs = std::filesystem;

/// Sets the process umask (inherited by the pixsync started meanwhile), restores it after.
class Umask {
  public:
    explicit Umask(mode_t mask) : saved_(::umask(mask)) {}
    ~Umask() { ::umask(saved_); }
    Umask(const Umask&) = delete;
    Umask& operator=(const Umask&) = delete;

  private:
    mode_t saved_;
};

class FileModesTest : public DaemonTest, public ::testing::WithParamInterface<mode_t> {
  protected:
    void SetUp() override {
        startImmich(3);
        startSmtp();
    }

    /// Files the test itself wrote in the folder; everything else there is pixsync's.
    static bool writtenByTheTest(const std::string& name) {
        return name == ".env" || name == "pixstar_mapping.json" || name == "daemon.out" ||
               name == "immich";  // the fake Immich's library
    }

    /// Every file and folder pixsync created in the test folder, with its mode.
    std::map<std::string, mode_t> createdByPixsync() const {
        std::map<std::string, mode_t> modes;
        for (const auto& entry : fs::directory_iterator(dir.path())) {
            const std::string name = entry.path().filename().string();
            if (writtenByTheTest(name)) continue;
            struct stat info {};
            if (::lstat(entry.path().c_str(), &info) == 0) modes[name] = info.st_mode & 07777;
        }
        return modes;
    }

    /// Checks that every file pixsync created is 0600 (folders 0700) and that `expected`
    /// are among them.
    void expectPrivate(const std::set<std::string>& expected, const std::string& when) const {
        const auto modes = createdByPixsync();
        for (const auto& name : expected)
            EXPECT_TRUE(modes.count(name)) << when << ": " << name << " was not created";
        for (const auto& [name, mode] : modes) {
            const bool folder = fs::is_directory(dir / name);
            EXPECT_EQ(mode, folder ? 0700u : 0600u)
                << when << ": " << name << " has mode 0" << std::oct << mode;
        }
    }
};

TEST_P(FileModesTest, StateLockLogAndPidFileArePrivateWhateverTheUmask) {
    Umask umask(GetParam());
    writeConfig();
    const auto once = pixsync({"once"});
    ASSERT_EQ(once.exitCode, 0) << once.out << once.err;
    expectPrivate({"pixsync_state.db", "pixsync_state.db.lock", "immich-pixstar.log"},
                  "after a pass");

    addFavorite(3);
    auto daemon = startDaemon({"--pid-file", (dir / "pixsync.pid").string()});
    ASSERT_TRUE(waitFor(
        [&] {
            return fs::exists(dir / "pixsync_state.db-wal") &&
                   fs::exists(dir / "pixsync_state.db-shm") &&
                   smtp->messages().size() >= 4 * kJohnFrames.size();
        },
        60s))
        << daemonOutput() << logText();
    expectPrivate(
        {"pixsync_state.db", "pixsync_state.db-wal", "pixsync_state.db-shm",
         "pixsync_state.db.lock", "pixsync_state.db.daemon", "immich-pixstar.log", "pixsync.pid"},
        "while the daemon runs");
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(30s), 0) << daemonOutput();
    expectPrivate({"pixsync_state.db", "immich-pixstar.log"}, "after the daemon stopped");
}

TEST_P(FileModesTest, TheJsonStateIsPrivateWhateverTheUmask) {
    Umask umask(GetParam());
    writeConfig({{"STATE_BACKEND", "json"}});
    const auto once = pixsync({"once"});
    ASSERT_EQ(once.exitCode, 0) << once.out << once.err;
    expectPrivate({"pixstar_sync_state.json", "pixstar_sync_state.json.lock", "immich-pixstar.log"},
                  "after a pass");
}

INSTANTIATE_TEST_SUITE_P(Umasks, FileModesTest, ::testing::Values(mode_t{022}, mode_t{0}),
                         [](const auto& p) { return p.param == 0 ? "umask000" : "umask022"; });

}  // namespace
