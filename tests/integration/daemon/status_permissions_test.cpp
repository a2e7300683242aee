// `pixsync status` run by a user who may read the state but not write beside it, or may not
// read it at all: it reads what it can and, when it cannot, says why (permission denied,
// naming the file) without calling the state damaged or suggesting a reset.
//
// Tests run as root in CI, and root reads everything; the status command therefore runs in
// a forked child that has become `nobody`.
#include <gmock/gmock.h>
#include <grp.h>
#include <pwd.h>

#include "daemon_fixture.hpp"

using namespace pixsync::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

namespace fs = std::filesystem;

class StatusPermissionsTest : public DaemonTest {
  protected:
    void SetUp() override {
        if (::geteuid() != 0 && ::getpwnam("nobody") == nullptr)
            GTEST_SKIP() << "needs root (to become nobody) and a user nobody";
        startImmich(2);
        startSmtp();
        writeConfig();
        const auto once = pixsync({"once"});
        ASSERT_EQ(once.exitCode, 0) << once.out << once.err;
        ASSERT_TRUE(fs::exists(dir / "pixsync_state.db"));
        // Others may enter the folder and read the configuration (not write anything).
        fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read |
                                        fs::perms::group_exec | fs::perms::others_read |
                                        fs::perms::others_exec);
        for (const char* name : {".env", "pixstar_mapping.json"})
            fs::permissions(dir / name, fs::perms::owner_read | fs::perms::owner_write |
                                            fs::perms::others_read);
    }

    /// `pixsync status` as the user nobody (as the test user when not root), in the folder.
    CommandResult statusAsNobody() {
        const fs::path output = dir / "status.out";
        { std::ofstream(output).flush(); }
        fs::permissions(output, fs::perms::all);
        const pid_t pid = ::fork();
        if (pid == 0) {
            const int fd = ::open(output.c_str(), O_WRONLY | O_TRUNC);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            if (::geteuid() == 0) {
                const passwd* nobody = ::getpwnam("nobody");
                if (!nobody || ::setgroups(0, nullptr) != 0 || ::setgid(nobody->pw_gid) != 0 ||
                    ::setuid(nobody->pw_uid) != 0)
                    ::_exit(120);
            }
            if (::chdir(dir.path().c_str()) != 0) ::_exit(121);
            const std::string cli = cliPath().string();
            ::execl(cli.c_str(), cli.c_str(), "status", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        CommandResult result;
        int status = 0;
        const auto end = std::chrono::steady_clock::now() + 60s;
        while (::waitpid(pid, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > end) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, &status, 0);
                break;
            }
            std::this_thread::sleep_for(20ms);
        }
        result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        result.out = readFile(output);
        return result;
    }
};

TEST_F(StatusPermissionsTest, AStateItMayReadButNotWriteBesideIsShown) {
    fs::permissions(dir / "pixsync_state.db",
                    fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
    const auto r = statusAsNobody();
    EXPECT_EQ(r.exitCode, 0) << r.out;
    EXPECT_THAT(r.out, HasSubstr(kJohn));
    EXPECT_THAT(r.out, Not(HasSubstr("damaged")));
    // Nothing was written beside it: a read-only look leaves no companions behind.
    EXPECT_FALSE(fs::exists(dir / "pixsync_state.db-wal"));
}

TEST_F(StatusPermissionsTest, StatusByTheOwnerLeavesNothingBesideTheState) {
    // A read-only look that made -wal and -shm files would leave them behind, owned by
    // whoever ran status.
    const auto r = pixsync({"status"});
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr(kJohn));
    EXPECT_FALSE(fs::exists(dir / "pixsync_state.db-wal"));
    EXPECT_FALSE(fs::exists(dir / "pixsync_state.db-shm"));
}

TEST_F(StatusPermissionsTest, AStateItMayNotReadIsNamedWithTheReasonNotCalledDamaged) {
    fs::permissions(dir / "pixsync_state.db", fs::perms::owner_read | fs::perms::owner_write);
    const auto r = statusAsNobody();
    EXPECT_NE(r.exitCode, 0) << r.out;
    EXPECT_THAT(r.out, HasSubstr((dir / "pixsync_state.db").string()));
    EXPECT_THAT(r.out, HasSubstr("Permission denied"));
    EXPECT_THAT(r.out, Not(HasSubstr("damaged")));
    EXPECT_THAT(r.out, Not(HasSubstr("reset --i-know")));
    EXPECT_THAT(r.out, HasSubstr("run pixsync as the user"));
}

}  // namespace

TEST_F(StatusPermissionsTest, AStateInUseByTheDaemonIsShownWhenItsFilesAreReadable) {
    auto daemon = startDaemon();
    ASSERT_TRUE(waitFor([&] { return fs::exists(dir / "pixsync_state.db-wal"); }, 30s))
        << daemonOutput();
    for (const char* name : {"pixsync_state.db", "pixsync_state.db-wal", "pixsync_state.db-shm"})
        fs::permissions(dir / name,
                        fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
    const auto r = statusAsNobody();
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(30s), 0) << daemonOutput();
    EXPECT_THAT(r.out, Not(HasSubstr("damaged")));
    EXPECT_EQ(r.exitCode, 0) << r.out;
    EXPECT_THAT(r.out, HasSubstr(kJohn));
}

TEST_F(StatusPermissionsTest, AStateInUseWhoseLogItMayNotReadIsExplainedNotCalledDamaged) {
    auto daemon = startDaemon();
    ASSERT_TRUE(waitFor([&] { return fs::exists(dir / "pixsync_state.db-shm"); }, 30s))
        << daemonOutput();
    fs::permissions(dir / "pixsync_state.db",
                    fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
    for (const char* name : {"pixsync_state.db-wal", "pixsync_state.db-shm"})
        fs::permissions(dir / name, fs::perms::owner_read | fs::perms::owner_write);
    const auto r = statusAsNobody();
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(30s), 0) << daemonOutput();
    EXPECT_NE(r.exitCode, 0) << r.out;
    EXPECT_THAT(r.out, HasSubstr((dir / "pixsync_state.db-wal").string()));
    EXPECT_THAT(r.out, HasSubstr("Permission denied"));
    EXPECT_THAT(r.out, HasSubstr("run pixsync as the user"));
    EXPECT_THAT(r.out, Not(HasSubstr("damaged")));
    EXPECT_THAT(r.out, Not(HasSubstr("reset --i-know")));
}
