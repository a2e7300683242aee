// `--env-file` reads the original's settings from another file than ./.env, and nothing is
// sent when that file is not given (the README's "Command line" promise).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "daemon_fixture.hpp"

using namespace pixsync::test;
using ::testing::HasSubstr;

class EnvFileTest : public DaemonTest {
  protected:
    void SetUp() override {
        startImmich(2);
        startSmtp();
        writeConfig();
        std::filesystem::create_directory(dir / "conf");
        std::filesystem::rename(dir / ".env", dir / "conf" / "pixsync.env");
        // Relative paths in a .env are relative to its folder: the mapping goes beside it.
        std::filesystem::rename(dir / "pixstar_mapping.json",
                                dir / "conf" / "pixstar_mapping.json");
    }
};

TEST_F(EnvFileTest, WithoutItNothingIsSentAndTheMissingSettingIsNamed) {
    const auto r = pixsync({"once"});
    EXPECT_EQ(r.exitCode, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("no configuration found"));
    EXPECT_THAT(r.err, HasSubstr("--env-file FILE"));
    EXPECT_EQ(smtp->messages().size(), 0u);
}

TEST_F(EnvFileTest, ThePassReadsTheNamedFile) {
    const auto r = pixsync({"--env-file", "conf/pixsync.env", "once"});
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_EQ(smtp->messages().size(), 2 * kJohnFrames.size());
    EXPECT_TRUE(std::filesystem::exists(dir / "conf" / "pixsync_state.db"))
        << "the state is kept beside the .env";
}
