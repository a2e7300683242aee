// JSON nested 1,000,000 deep in each file of the original's setup: pixstar_mapping.json (at
// start and on SIGHUP), the JSON state and the original's state file being imported. Each is
// refused with exit 2 naming the file, never a crash; a refused reload keeps the old config.
#include <gmock/gmock.h>

#include "daemon_fixture.hpp"

namespace pixsync::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr int kDeep = 1000000;

/// A JSON list nested `depth` deep: [[[ ... ]]].
std::string deepList(int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']');
}

class DeepJsonTest : public DaemonTest {
  protected:
    /// What every refusal says: the file, and the depth pixsync reads up to.
    static auto namesFileAndDepth(const std::filesystem::path& file) {
        return AllOf(HasSubstr(file.string()), HasSubstr("deeper than 256 levels"));
    }
};

TEST_F(DeepJsonTest, ADeepMappingExitsTwoNamingTheFile) {
    writeConfig();
    const auto mapping = dir / "pixstar_mapping.json";
    writeFile(mapping, R"({"defaultPixstarEmails": [], "accounts": )" + deepList(kDeep) + "}");
    const auto r = pixsync({"once"});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_THAT(r.err, namesFileAndDepth(mapping));
}

TEST_F(DeepJsonTest, ADeepJsonStateExitsTwoNamingTheFile) {
    writeConfig({{"STATE_BACKEND", "json"}});
    const auto state = dir / "pixstar_sync_state.json";
    writeFile(state, R"({"by_user": {}, "other": )" + deepList(kDeep) + "}");
    const auto r = pixsync({"once"});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_THAT(r.err, namesFileAndDepth(state));
    EXPECT_THAT(r.err, HasSubstr("will not treat it as empty"));
}

TEST_F(DeepJsonTest, ADeepOriginalStateIsNotImported) {
    writeConfig();  // the sqlite store, importing the original's file on first start
    const auto state = dir / "pixstar_sync_state.json";
    writeFile(state, R"({"by_user": {"john@example.com": )" + deepList(kDeep) + "}}");
    const auto r = pixsync({"once"});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    EXPECT_THAT(r.err, namesFileAndDepth(state));
}

TEST_F(DeepJsonTest, ADeepMappingOnSighupIsRefusedAndTheOldConfigKeepsRunning) {
    startImmich(1);
    startSmtp();
    writeConfig();
    auto daemon = startDaemon();
    ASSERT_TRUE(waitFor([&] { return smtp->messages().size() == 2; })) << daemonOutput();

    const auto mapping = dir / "pixstar_mapping.json";
    writeFile(mapping, R"({"defaultPixstarEmails": [], "accounts": )" + deepList(kDeep) + "}");
    daemon->signal(SIGHUP);
    ASSERT_TRUE(waitFor([&] {
        return logText().find("the new configuration is invalid, keeping the old one") !=
               std::string::npos;
    })) << logText();
    EXPECT_THAT(logText(), namesFileAndDepth(mapping));

    // The old configuration (john's frames) still delivers a new favorite.
    addFavorite(1);
    ASSERT_TRUE(waitFor([&] { return smtp->messages().size() == 4; })) << logText();
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(10s), 0);
    expectDeliveredOnce(2, 0);
}

}  // namespace
}  // namespace pixsync::test
