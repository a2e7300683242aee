// The plugin loader against real shared objects built by the test suite.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pixsync/error.hpp"
#include "pixsync/host/pipeline.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "test_support.hpp"

using namespace pixsync;
using ::testing::AllOf;
using ::testing::HasSubstr;

namespace {

std::filesystem::path testPlugin(const std::string& dir, const std::string& file) {
    return test::testPluginsDir() / dir / file;
}

std::string refusal(PluginRegistry& registry, const std::filesystem::path& file) {
    try {
        registry.load(file);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Plugin);
        return e.what();
    }
    ADD_FAILURE() << file << " was accepted";
    return {};
}

}  // namespace

TEST(Loader, LoadsAValidPlugin) {
    PluginRegistry registry;
    const auto& p = registry.load(testPlugin("good", "pixsync-test-listing.so"));
    EXPECT_EQ(p.name(), "test-listing");
    EXPECT_EQ(p.kind(), PluginKind::Source);
    EXPECT_STREQ(p.descriptor->version, "0.0.1");
    EXPECT_EQ(&registry.find("test-listing", PluginKind::Source), &registry.plugins().front());
}

TEST(Loader, RefusesAnotherMajorAbiNamingFoundAndExpected) {
    PluginRegistry registry;
    auto file = testPlugin("wrong-abi", "pixsync-test-wrong-abi.so");
    auto msg = refusal(registry, file);
    EXPECT_THAT(msg, AllOf(HasSubstr(file.string()),
                           HasSubstr("plugin ABI version " + std::to_string(kPluginAbiMajor + 1) +
                                     ".0 found"),
                           HasSubstr("expected " + std::to_string(kPluginAbiMajor) + ".x")));
}

TEST(Loader, RefusesANewerMinorAbi) {
    PluginRegistry registry;
    auto msg = refusal(registry, testPlugin("newer-minor", "pixsync-test-newer-minor.so"));
    EXPECT_THAT(msg, HasSubstr(std::to_string(kPluginAbiMajor) + "." +
                               std::to_string(kPluginAbiMinor + 1) + " found"));
}

TEST(Loader, RefusesAPluginBuiltWithAnotherStandardLibrary) {
    PluginRegistry registry;
    auto file = testPlugin("other-runtime", "pixsync-test-other-runtime.so");
    auto msg = refusal(registry, file);
    EXPECT_THAT(msg, AllOf(HasSubstr(file.string()),
                           HasSubstr("built with the C++ standard library libc++ 170000, but "
                                     "pixsync uses " +
                                     std::string(hostCxxRuntime())),
                           HasSubstr("Rebuild the plugin with libstdc++")));
    // Every plugin built by the PIXSYNC_*_PLUGIN macros records the library it was built with.
    const auto& good = registry.load(testPlugin("good", "pixsync-test-recorder.so"));
    EXPECT_STREQ(good.descriptor->cxxRuntime, hostCxxRuntime());
    EXPECT_THAT(hostCxxRuntime(), ::testing::StartsWith("libstdc++ "));
}

TEST(Loader, LoadsAPluginBuiltBeforeDeclaredOptionsAndLeavesItsOptionsUnchecked) {
    PluginRegistry registry;
    const auto& p = registry.load(testPlugin("abi-2-0", "pixsync-test-abi-2-0.so"));
    EXPECT_EQ(p.name(), "test-abi-2-0");
    EXPECT_EQ(p.descriptor->abiMinor, 0u);
    EXPECT_TRUE(declaredOptions(*p.descriptor).empty());
    // Its factory still runs, with keys nobody declared.
    test::TempDir dir;
    Options options;
    options.set("record_file", (dir / "record.txt").string()).set("anything", "goes");
    Logger log;
    SystemClock clock;
    auto sink = p.descriptor->createSink(options, PluginContext{"old", log, clock, dir.path()});
    ASSERT_NE(sink, nullptr);
}

TEST(Loader, AStateStoreBuiltBeforeRecentDeliveriesIsNeverAskedForThem) {
    PluginRegistry registry;
    const auto& p = registry.load(testPlugin("abi-2-2", "pixsync-test-state-abi-2-2.so"));
    EXPECT_EQ(p.descriptor->abiMinor, 2u);
    Config config;
    config.origin = "test.json";
    config.state.name = "state";
    config.state.plugin = "test-state-abi-2-2";
    Logger log;
    SystemClock clock;
    auto store = openStateStore(config, registry, log, clock, OpenMode::ReadWrite);
    // Its vtable has no slot for this call: the host answers it, and forwards the old calls.
    EXPECT_TRUE(store->recentDeliveries(50).empty());
    store->setMeta("k", "v");
    EXPECT_EQ(store->meta("k"), "v");
    EXPECT_EQ(store->summarize({"r"}).at(0).route, "r");
}

namespace {

/// One route from `source` to `sink` (plugins the registry has loaded) with a SQLite state in
/// `dir`: one poll, one delivery pass. The sink's record file is `dir`/record.txt.
DeliverReport pollAndDeliver(PluginRegistry& registry, const std::string& source,
                             const std::string& sink, const test::TempDir& dir) {
    registry.load(test::pluginDir() / "pixsync-sqlite.so");
    Config config;
    config.origin = "test.json";
    config.baseDir = dir.path();
    config.state = {"state", "sqlite", Options().set("path", (dir / "state.db").string())};
    config.sources = {{"old", source, Options()}};
    config.sinks = {{"sink", sink, Options().set("record_file", (dir / "record.txt").string())}};
    config.routes = {
        {"r", "R", "old", Options(), "sink", {{"frame@example.com", ""}}, "test.json: routes[0]"}};
    Logger log;
    SystemClock clock;
    Pipeline pipeline(config, registry, log, clock);
    pipeline.engine().pollAll();
    return pipeline.engine().deliverDue();
}

}  // namespace

TEST(Loader, ASourceBuiltBeforeLocalMediaIsNeverAskedForIt) {
    PluginRegistry registry;
    const auto& p = registry.load(testPlugin("abi-2-3", "pixsync-test-source-abi-2-3.so"));
    EXPECT_EQ(p.descriptor->abiMinor, 3u);
    registry.load(testPlugin("good", "pixsync-test-recorder.so"));
    test::TempDir dir;
    // The engine asks every source for local media first, then for media fit for the frame;
    // this one's vtable has neither slot, so the host answers for it and the photo is fetched
    // as before.
    EXPECT_EQ(pollAndDeliver(registry, "test-source-abi-2-3", "test-recorder", dir).delivered, 1u);
    EXPECT_EQ(test::readFile(dir / "record.txt"), "r old-1 frame@example.com\n");
}

TEST(Loader, ASourceBuiltBeforeFrameBoxesStillHasItsLocalMediaReadInPlace) {
    PluginRegistry registry;
    const auto& p = registry.load(testPlugin("abi-2-5", "pixsync-test-source-abi-2-5.so"));
    EXPECT_EQ(p.descriptor->abiMinor, 5u);
    registry.load(testPlugin("good", "pixsync-test-recorder.so"));
    test::TempDir dir;
    // Its fetch() refuses old-1: that delivery is made from the file its localMedia() names.
    // old-2 is fetched through fetch(), never through the fetchFor() slot it does not have.
    EXPECT_EQ(pollAndDeliver(registry, "test-source-abi-2-5", "test-recorder", dir).delivered, 2u);
    EXPECT_EQ(test::readFile(dir / "record.txt"),
              "r old-1 frame@example.com\nr old-2 frame@example.com\n");
    std::filesystem::remove(std::filesystem::temp_directory_path() /
                            "pixsync-test-source-abi-2-5-old-1.jpg");
}

TEST(Loader, ASinkBuiltBeforeFrameBoxesIsNeverAskedForOneAndReportsEarly) {
    PluginRegistry registry;
    registry.load(testPlugin("abi-2-3", "pixsync-test-source-abi-2-3.so"));
    const auto& p = registry.load(testPlugin("abi-2-5", "pixsync-test-sink-abi-2-5.so"));
    EXPECT_EQ(p.descriptor->abiMinor, 5u);
    test::TempDir dir;
    // The engine asks each sink for its frame box; this one's vtable has no such slot. It
    // reports "delivered" while it works and returns "retry" afterwards: the early report
    // reaches the engine through the host's wrapper and is the one kept.
    const DeliverReport report =
        pollAndDeliver(registry, "test-source-abi-2-3", "test-sink-abi-2-5", dir);
    EXPECT_EQ(report.delivered, 1u);
    EXPECT_EQ(report.retrying, 0u);
    EXPECT_EQ(test::readFile(dir / "record.txt"), "r old-1 frame@example.com\n");
}

TEST(Loader, DeclaredOptionsAreReadFromACurrentPlugin) {
    PluginRegistry registry;
    const auto& p = registry.load(test::pluginDir() / "pixsync-sqlite.so");
    auto declared = declaredOptions(*p.descriptor);
    ASSERT_FALSE(declared.empty());
    const auto* path = findDeclaration(declared, "path");
    ASSERT_NE(path, nullptr);
    EXPECT_TRUE(path->required);
    EXPECT_EQ(path->type, OptionType::Path);
}

TEST(Loader, RefusesAFileThatIsNotAPlugin) {
    PluginRegistry registry;
    auto file = testPlugin("not-a-plugin", "not-a-plugin.so");
    EXPECT_THAT(refusal(registry, file),
                AllOf(HasSubstr(file.string()),
                      HasSubstr("not a pixsync plugin (no pixsync_plugin_descriptor symbol)")));
}

TEST(Loader, ReportsDlopenErrors) {
    test::TempDir dir;
    auto bogus = test::writeFile(dir / "garbage.so", "this is not an ELF file");
    PluginRegistry registry;
    EXPECT_THAT(refusal(registry, bogus),
                AllOf(HasSubstr(bogus.string()), HasSubstr("cannot load")));
    EXPECT_THAT(refusal(registry, dir / "missing.so"), HasSubstr("cannot load"));
}

TEST(Loader, RefusesADuplicateName) {
    PluginRegistry registry;
    auto first = testPlugin("good", "pixsync-test-recorder.so");
    registry.load(first);
    auto msg = refusal(registry, testPlugin("duplicate", "pixsync-test-duplicate.so"));
    EXPECT_THAT(
        msg, AllOf(HasSubstr("duplicate plugin name 'test-recorder'"), HasSubstr(first.string())));
}

TEST(Loader, RefusesADescriptorWithoutItsFactory) {
    PluginRegistry registry;
    EXPECT_THAT(refusal(registry, testPlugin("no-factory", "pixsync-test-no-factory.so")),
                HasSubstr("source plugin without createSource"));
}

TEST(Loader, FindRefusesTheWrongKind) {
    PluginRegistry registry;
    registry.load(testPlugin("good", "pixsync-test-listing.so"));
    try {
        registry.find("test-listing", PluginKind::Sink);
        FAIL() << "a source was accepted as a sink";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("is a source plugin, but is configured as a sink"));
    }
    try {
        registry.find("nope", PluginKind::Sink);
        FAIL();
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("no sink plugin named 'nope'"));
    }
}

TEST(Loader, LoadAllReportsProblemsAndKeepsTheRest) {
    PluginRegistry registry;
    std::vector<std::string> problems;
    registry.loadAll({test::testPluginsDir() / "good", test::testPluginsDir() / "wrong-abi",
                      test::testPluginsDir() / "duplicate"},
                     &problems);
    std::vector<std::string> names;
    for (const auto& p : registry.plugins()) names.push_back(p.name());
    EXPECT_THAT(names, ::testing::UnorderedElementsAre("test-listing", "test-recorder",
                                                       "test-memory-state"));
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_THAT(problems[0], HasSubstr("ABI version"));
    EXPECT_THAT(problems[1], HasSubstr("duplicate plugin name"));
}

TEST(Loader, SearchPathPutsExplicitFoldersFirstAndSkipsMissingOnes) {
    test::TempDir a, b;
    std::string env = b.path().string() + ":/no/such/folder";
    auto path = pluginSearchPath({a.path(), "/also/missing"}, env.c_str());
    ASSERT_GE(path.size(), 2u);
    EXPECT_EQ(path[0], std::filesystem::canonical(a.path()));
    EXPECT_EQ(path[1], std::filesystem::canonical(b.path()));
}

TEST(Loader, InstalledPluginsAreFoundRelativeToTheExecutable) {
    // The build tree mirrors the install layout, so the CLI finds them with no environment.
    auto r = test::run({test::cliPath().string(), "plugins"}, {{"PIXSYNC_PLUGIN_PATH", ""}});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("sqlite state"));
    EXPECT_THAT(r.out, HasSubstr(test::pluginDir().string()));
}
