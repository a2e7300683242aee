// The files a state store and pixsync share beside the state (state_location.hpp).
#include "pixsync/state_location.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"
#include "test_support.hpp"

namespace pixsync {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(StateLocation, IsNamedByThePathOptionOrIsNone) {
    Options withPath;
    withPath.set("path", "/srv/pixsync/state.db");
    const auto location = StateLocation::of(withPath);
    ASSERT_TRUE(location);
    EXPECT_EQ(location->file(), "/srv/pixsync/state.db");
    EXPECT_EQ(location->lockFile(), "/srv/pixsync/state.db.lock");
    EXPECT_EQ(location->daemonMarker(), "/srv/pixsync/state.db.daemon");
    EXPECT_EQ(location->resendRequests(), "/srv/pixsync/state.db.resend");
    EXPECT_EQ(location->thumbnails(), "/srv/pixsync/pixsync-thumbnails");
    EXPECT_FALSE(StateLocation::of(Options{}));
    EXPECT_FALSE(StateLocation::of(Options().set("path", "")));
}

TEST(StateLocation, TheStoreFilesAreTheFileAndItsCompanionsNeverPixsyncsOwn) {
    test::TempDir dir;
    for (const char* name :
         {"state.db", "state.db-wal", "state.db-shm", "state.db.tmp", "state.db.lock",
          "state.db.daemon", "state.db.resend", "state.db.resend.processing",
          "state.db.reset-20261205-120000", "state.dbx", "other.db", "state.d"})
        test::writeFile(dir / name, "x");
    const StateLocation location(dir / "state.db");
    EXPECT_THAT(location.storeFiles(), ElementsAre(dir / "state.db", dir / "state.db-shm",
                                                   dir / "state.db-wal", dir / "state.db.tmp"));
    EXPECT_TRUE(StateLocation(dir / "missing.db").storeFiles().empty());
}

TEST(StateLocation, TheWriterLockIsExclusiveAndNamesItsHolder) {
    test::TempDir dir;
    const StateLocation location(dir / "state.db");
    EXPECT_FALSE(location.lockHolder());
    {
        StateWriterLock lock(location);
        EXPECT_EQ(lock.path(), dir / "state.db.lock");
        EXPECT_EQ(location.lockHolder(), std::to_string(::getpid()));
        try {
            StateWriterLock second(location);
            ADD_FAILURE() << "a second writer got the lock";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Locked);
            EXPECT_THAT(e.what(), HasSubstr(cat("(pid ", ::getpid(), ")")));
        }
    }
    // Released with its holder; the file stays (see StateWriterLock).
    EXPECT_FALSE(location.lockHolder());
    EXPECT_TRUE(std::filesystem::exists(dir / "state.db.lock"));
    EXPECT_FALSE(location.runningDaemon());
    test::writeFile(location.daemonMarker(), std::to_string(::getpid()));
    EXPECT_EQ(location.runningDaemon(), ::getpid());
}

}  // namespace
}  // namespace pixsync
