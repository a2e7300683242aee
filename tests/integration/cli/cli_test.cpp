// The pixsync command line, run as a real process.
#include <gmock/gmock.h>

#include "cli_fixture.hpp"

using namespace pixsync::test;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

TEST_F(CliTest, HelpAndVersion) {
    auto help = run({cliPath().string(), "--help"});
    EXPECT_EQ(help.exitCode, 0);
    for (const char* cmd :
         {"run", "once", "resend", "status", "check", "plugins", "--plugin-dir", "--resend-all"})
        EXPECT_THAT(help.out, HasSubstr(cmd));
    auto version = run({cliPath().string(), "--version"});
    EXPECT_EQ(version.exitCode, 0);
    EXPECT_THAT(version.out, HasSubstr("pixsync 0."));
}

TEST_F(CliTest, UsageNamesTheProgramAndEveryErrorStartsWithIt) {
    auto help = run({cliPath().string(), "--help"});
    EXPECT_THAT(help.out, HasSubstr("Usage: pixsync [OPTIONS]")) << "not the path it was run by";
    EXPECT_THAT(help.out, ::testing::Not(HasSubstr(cliPath().string())));
    auto bogus = run({cliPath().string(), "--bogus"});
    EXPECT_EQ(bogus.exitCode, 2);
    EXPECT_EQ(bogus.err.rfind("pixsync: ", 0), 0u) << bogus.err;
    EXPECT_THAT(bogus.err, HasSubstr("--bogus"));
    auto missing = run({cliPath().string(), "plugins", "--options"});
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_EQ(missing.err.rfind("pixsync: ", 0), 0u) << missing.err;
}

TEST_F(CliTest, QuietAndVerboseSetTheLogLevel) {
    favorite("a");
    const auto verbose = pixsync({"-v", "once", "--dry-run"});
    EXPECT_EQ(verbose.exitCode, 0) << verbose.err;
    EXPECT_THAT(verbose.err, HasSubstr(" DEBUG ")) << verbose.err;
    const auto normal = pixsync({"once", "--dry-run"});
    EXPECT_THAT(normal.err, ::testing::Not(HasSubstr(" DEBUG "))) << normal.err;
    EXPECT_THAT(normal.err, HasSubstr(" INFO ")) << normal.err;
    const auto quiet = pixsync({"once", "--dry-run", "--quiet"});
    EXPECT_EQ(quiet.exitCode, 0) << quiet.err;
    EXPECT_THAT(quiet.err, ::testing::Not(HasSubstr(" INFO "))) << quiet.err;
    for (auto both : {std::vector<std::string>{"-q", "-v", "status"},
                      std::vector<std::string>{"--log-level", "info", "-q", "status"}}) {
        const auto r = pixsync(both);
        EXPECT_EQ(r.exitCode, 2) << r.err;
        EXPECT_THAT(r.err, HasSubstr("excludes")) << r.err;
    }
}

TEST_F(CliTest, PluginsListsOneLinePerPluginWithPluginDirBeforeOrAfter) {
    const std::string good = (testPluginsDir() / "good").string();
    for (auto args :
         {std::vector<std::string>{cliPath().string(), "--plugin-dir", good, "plugins"},
          std::vector<std::string>{cliPath().string(), "plugins", "--plugin-dir", good}}) {
        auto r = run(args);
        EXPECT_EQ(r.exitCode, 0) << r.err;
        EXPECT_THAT(r.out,
                    HasSubstr("test-listing source 0.0.1 " + good + "/pixsync-test-listing.so\n"));
        EXPECT_THAT(r.out,
                    HasSubstr("test-recorder sink 0.0.1 " + good + "/pixsync-test-recorder.so\n"));
    }
}

TEST_F(CliTest, PluginsOptionsListsWhatAPluginDeclaresAndSuggestsAName) {
    auto r = run({cliPath().string(), "plugins", "--options", "pixstar"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("pixstar sink "));
    EXPECT_THAT(r.out, HasSubstr("  smtp_port  (integer, default 587, 1..65535)\n"));
    EXPECT_THAT(r.out, HasSubstr("  smtp_password  (string, secret (or smtp_password_file))\n"));

    auto core = run({cliPath().string(), "plugins", "--options", "pixsync"});
    EXPECT_EQ(core.exitCode, 0) << core.err;
    EXPECT_THAT(core.out, HasSubstr("native config:\n"));
    EXPECT_THAT(core.out, HasSubstr("POLL_INTERVAL_SECONDS")) << "the .env section in upper case";

    auto typo = run({cliPath().string(), "plugins", "--options", "pixstr"});
    EXPECT_EQ(typo.exitCode, 2);
    EXPECT_THAT(typo.err,
                HasSubstr("--options pixstr: no plugin of that name; did you mean pixstar?"));

    auto old = run({cliPath().string(), "plugins", "--plugin-dir",
                    (testPluginsDir() / "good").string(), "--options", "test-listing"});
    EXPECT_EQ(old.exitCode, 0) << old.err;
    EXPECT_THAT(old.out, HasSubstr("declares no options"));
}

TEST_F(CliTest, PluginsReportsRefusedFilesWithoutStopping) {
    auto r = run({cliPath().string(), "plugins", "--plugin-dir",
                  (testPluginsDir() / "wrong-abi").string(), "--plugin-dir",
                  (testPluginsDir() / "good").string()});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_THAT(r.err, HasSubstr("pixsync-test-wrong-abi.so: plugin ABI version"));
    EXPECT_THAT(r.out, HasSubstr("test-listing source"));
}

TEST_F(CliTest, DryRunShowsThePlanAndChangesNothing) {
    favorite("a");
    favorite("b");
    auto r = pixsync({"once", "--dry-run"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_THAT(r.out, AllOf(HasSubstr("would send a.jpg (a) to john-frame@mypixstar.com"),
                             HasSubstr("would send b.jpg (b) to kitchen@mypixstar.com"),
                             HasSubstr("4 deliveries would be queued")));
    EXPECT_FALSE(std::filesystem::exists(dir / "record.txt"));
    EXPECT_FALSE(std::filesystem::exists(dir / "state.db")) << "a dry run creates no state";
}

TEST_F(CliTest, OnceDeliversEachFavoriteOncePerFrame) {
    favorite("a");
    auto first = pixsync({"once"});
    EXPECT_EQ(first.exitCode, 0) << first.err;
    EXPECT_THAT(deliveries(), UnorderedElementsAre("john@example.com a john-frame@mypixstar.com",
                                                   "john@example.com a kitchen@mypixstar.com"));
    favorite("b");
    auto second = pixsync({"once"});
    EXPECT_EQ(second.exitCode, 0) << second.err;
    EXPECT_EQ(deliveries().size(), 4u);
    auto third = pixsync({"once"});
    EXPECT_EQ(deliveries().size(), 4u) << "nothing is sent twice";
    EXPECT_THAT(readFile(dir / "pixsync.log"),
                HasSubstr("delivered a.jpg (a) to kitchen@mypixstar.com"));
}

TEST_F(CliTest, FailedDeliveriesAreReportedButThePassSucceeds) {
    favorite("r1", "reject-me.jpg");
    auto r = pixsync({"once"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    auto status = pixsync({"status"});
    EXPECT_THAT(status.out, AllOf(HasSubstr("failed 2"),
                                  HasSubstr("reject-me.jpg to kitchen@mypixstar.com: 550")));
    EXPECT_THAT(status.out,
                HasSubstr("to send them again: pixsync resend --user john@example.com"));
    EXPECT_EQ(status.exitCode, 0) << "a photo failed for good is no failing route";
}

TEST_F(CliTest, StatusJsonIsStable) {
    favorite("a");
    pixsync({"once"});
    auto r = pixsync({"status", "--json"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    for (const char* key :
         {"\"version\": 2", "\"ok\": true", "\"route\": \"john@example.com\"", "\"delivered\": 2",
          "\"queued\": 0", "\"favorites\": 1", "\"last_poll\": {", "\"recent_failures\": []",
          "\"sent_last_day\": 2", "\"recent_deliveries\": [", "\"outcome\": \"delivered\"",
          "\"queue_empties_at\": null"})
        EXPECT_THAT(r.out, HasSubstr(key));
}

TEST_F(CliTest, StatusFailsWhenARouteIsFailing) {
    std::filesystem::remove(dir / "listing.jsonl");  // the source cannot list
    auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 1) << "an unusable source fails the pass";
    auto status = pixsync({"status"});
    EXPECT_EQ(status.exitCode, 1);
    EXPECT_THAT(status.out, HasSubstr("FAILED"));
}

TEST_F(CliTest, ResendQueuesEverythingAgain) {
    favorite("a");
    favorite("b");
    pixsync({"once"});
    auto r = pixsync({"resend", "--user", "john@example.com"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("4 deliveries queued"));
    pixsync({"once"});
    EXPECT_EQ(deliveries().size(), 8u);
    auto original = pixsync({"--resend-all", "--all-users"});
    EXPECT_EQ(original.exitCode, 0) << original.err;
    auto unknown = pixsync({"resend", "--user", "nobody@example.com"});
    EXPECT_EQ(unknown.exitCode, 2);
    EXPECT_THAT(unknown.err, HasSubstr("no route for 'nobody@example.com'"));
}

TEST_F(CliTest, ResendAllAloneIsAUsageError) {
    auto r = pixsync({"--resend-all"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_THAT(r.err, HasSubstr("--resend-all needs exactly one of --user EMAIL or --all-users"));
    auto both = pixsync({"resend", "--user", "a@b.com", "--all-users"});
    EXPECT_EQ(both.exitCode, 2);
}

TEST_F(CliTest, ConfigurationErrorsExitTwoNamingTheFile) {
    writeFile(dir / "pixsync.json", "{ \"state\": ");
    auto r = pixsync({"once"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_THAT(r.err, HasSubstr((dir / "pixsync.json").string() + ": line 1"));
}

TEST_F(CliTest, TheFrontDoorIsANamedNativeConfigElseTheOriginalFiles) {
    favorite("a");
    // PIXSYNC_CONFIG names the native config as --config does.
    auto named = run({cliPath().string(), "once"},
                     {{"PIXSYNC_CONFIG", (dir / "pixsync.json").string()}}, dir.path(), 60);
    EXPECT_EQ(named.exitCode, 0) << named.err;
    EXPECT_EQ(deliveries().size(), 2u);
    // Neither: the original's .env in the current folder (here, none).
    TempDir empty;
    auto original = run({cliPath().string(), "once"}, {}, empty.path(), 60);
    EXPECT_EQ(original.exitCode, 2);
    EXPECT_THAT(original.err, HasSubstr((empty / ".env").string() + " does not exist"));
    auto envFile = run({cliPath().string(), "once", "--env-file", (dir / "other.env").string()}, {},
                       empty.path(), 60);
    EXPECT_EQ(envFile.exitCode, 2);
    EXPECT_THAT(envFile.err, HasSubstr((dir / "other.env").string() + " does not exist"));
}

TEST_F(CliTest, AnUnknownPluginExitsTwo) {
    writeConfig("", "no-such-sink");
    auto r = pixsync({"once"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_THAT(
        r.err, AllOf(HasSubstr("sink 'frames'"), HasSubstr("no sink plugin named 'no-such-sink'")));
}

TEST_F(CliTest, AnInvalidDestinationIsRefusedBeforeAnythingRuns) {
    writeFile(
        dir / "pixsync.json",
        readFile(dir / "pixsync.json")
            .replace(readFile(dir / "pixsync.json").find("kitchen@mypixstar.com"), 21, "kitchen"));
    favorite("a");
    auto r = pixsync({"once"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_THAT(r.err,
                AllOf(HasSubstr("routes[0]"), HasSubstr("'kitchen' is not an e-mail address")));
    EXPECT_FALSE(std::filesystem::exists(dir / "record.txt"));
    EXPECT_FALSE(std::filesystem::exists(dir / "state.db"));
}

TEST_F(CliTest, SecretsNeverReachTheLog) {
    writeConfig("", "test-recorder", R"("api_key": "sup3r-secret-key", )");
    // A secret that shows up inside a message (here: as a file name) is redacted everywhere.
    favorite("a", "sup3r-secret-key.jpg");
    auto r = pixsync({"once", "--log-level", "debug"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_THAT(r.err, ::testing::Not(HasSubstr("sup3r-secret-key")));
    EXPECT_THAT(readFile(dir / "pixsync.log"), ::testing::Not(HasSubstr("sup3r-secret-key")));
    EXPECT_THAT(readFile(dir / "pixsync.log"), HasSubstr("delivered ***.jpg"));
}

TEST_F(CliTest, CorruptStateIsRefusedThenResetOrBaselined) {
    favorite("a");
    writeFile(dir / "state.db", "this is not a database");
    auto refused = pixsync({"once"});
    EXPECT_EQ(refused.exitCode, 2);
    EXPECT_THAT(refused.err, AllOf(HasSubstr((dir / "state.db").string()),
                                   HasSubstr("pixsync state reset --i-know")));
    EXPECT_EQ(readFile(dir / "state.db"), "this is not a database") << "the file is left as it was";
    EXPECT_FALSE(std::filesystem::exists(dir / "record.txt"));

    auto unconfirmed = pixsync({"state", "reset"});
    EXPECT_EQ(unconfirmed.exitCode, 2);
    EXPECT_THAT(unconfirmed.err, HasSubstr("--i-know"));

    auto baselineRefused = pixsync({"state", "baseline"});
    EXPECT_EQ(baselineRefused.exitCode, 2) << "baseline never overwrites a state";

    auto reset = pixsync({"state", "reset", "--i-know"});
    EXPECT_EQ(reset.exitCode, 0) << reset.err;
    EXPECT_THAT(reset.out, HasSubstr("moved " + (dir / "state.db").string()));
    auto baseline = pixsync({"state", "baseline"});
    EXPECT_EQ(baseline.exitCode, 0) << baseline.err;
    EXPECT_THAT(baseline.out, HasSubstr("recorded 1 current favorites as already sent"));
    favorite("b");
    EXPECT_EQ(pixsync({"once"}).exitCode, 0);
    EXPECT_THAT(deliveries(), UnorderedElementsAre("john@example.com b john-frame@mypixstar.com",
                                                   "john@example.com b kitchen@mypixstar.com"));
}
