// The native JSON configuration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pixsync/error.hpp"
#include "pixsync/host/config.hpp"
#include "test_support.hpp"

using namespace pixsync;
using ::testing::AllOf;
using ::testing::HasSubstr;

namespace {

const char* kConfig = R"({
  // comments are allowed
  "state": {"plugin": "sqlite", "options": {"path": "state.db"}},
  "sources": [{"name": "immich", "plugin": "immich",
               "options": {"immich_base_url": "${IMMICH_URL}", "immich_api_key": "${ADMIN_KEY}"}}],
  "sinks": [{"name": "frames", "plugin": "pixstar", "options": {"smtp_host": "smtp.example.com",
             "smtp_password_file": "smtp.secret"}}],
  "routes": [
    {"id": "john@example.com", "source_options": {"user": "john@example.com", "api_key": "${JOHN_KEY}"},
     "destinations": ["john-frame@mypixstar.com", {"address": "small@mypixstar.com", "profile": "800x600"}]}
  ],
  "poll_interval_seconds": 120,
  "start_from_now": true,
  "log": {"file": "logs/pixsync.log", "level": "debug"},
})";

class NativeConfig : public ::testing::Test {
  protected:
    test::TempDir dir;
    Environment env{{"IMMICH_URL", "https://photos.example.com/api"},
                    {"ADMIN_KEY", "admin\"key"},
                    {"JOHN_KEY", "john-secret-key"}};
    std::filesystem::path write(const std::string& text) {
        return test::writeFile(dir / "pixsync.json", text);
    }
    std::string error(const std::string& text) {
        try {
            loadNativeConfig(write(text), env);
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Config);
            return e.what();
        }
        ADD_FAILURE() << "accepted";
        return {};
    }
};

}  // namespace

TEST_F(NativeConfig, LoadsPluginsRoutesAndSettings) {
    Config c = loadNativeConfig(write(kConfig), env);
    EXPECT_TRUE(c.frontDoorKeys.empty());
    EXPECT_EQ(c.state.plugin, "sqlite");
    EXPECT_EQ(c.state.options.path("path"), dir / "state.db");
    ASSERT_EQ(c.routes.size(), 1u);
    const auto& r = c.routes[0];
    EXPECT_EQ(r.source, "immich") << "the only source is the default";
    EXPECT_EQ(r.sink, "frames");
    EXPECT_EQ(r.destinations, (std::vector<Destination>{{"john-frame@mypixstar.com", ""},
                                                        {"small@mypixstar.com", "800x600"}}));
    EXPECT_EQ(c.sources[0].options.string("immich_base_url"), "https://photos.example.com/api");
    EXPECT_EQ(c.sources[0].options.string("immich_api_key"), "admin\"key")
        << "values are JSON-escaped";
    EXPECT_EQ(c.pollInterval, std::chrono::seconds(120));
    EXPECT_TRUE(c.engine.startFromNow);
    EXPECT_EQ(c.logFile, dir / "logs/pixsync.log");
    EXPECT_EQ(c.logLevel, "debug");
    EXPECT_THAT(c.secrets, ::testing::IsSupersetOf({"john-secret-key", "admin\"key"}));
}

TEST_F(NativeConfig, RouteOptionsMergeOverTheSourceOptions) {
    Config c = loadNativeConfig(write(kConfig), env);
    Options merged = c.sources[0].options.mergedWith(c.routes[0].sourceOptions);
    EXPECT_EQ(merged.string("immich_base_url"), "https://photos.example.com/api");
    EXPECT_EQ(merged.string("api_key"), "john-secret-key");
    // Messages name the place each key was written.
    EXPECT_EQ(merged.where("api_key"),
              (dir / "pixsync.json").string() + ": routes[0].source_options.api_key");
    EXPECT_EQ(merged.where("immich_base_url"),
              (dir / "pixsync.json").string() + ": sources[0].options.immich_base_url");
}

TEST_F(NativeConfig, SecretFilesResolveBesideTheConfig) {
    test::writeFile(dir / "smtp.secret", "pa55word\n");
    Config c = loadNativeConfig(write(kConfig), env);
    EXPECT_EQ(c.sinks[0].options.secret("smtp_password"), "pa55word");
}

TEST_F(NativeConfig, AConfigFileThatNeverEndsIsRefusedNotRead) {
    try {
        loadNativeConfig("/dev/zero", env);
        FAIL() << "an endless file was taken for a configuration";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Config);
        EXPECT_THAT(e.what(), AllOf(HasSubstr("/dev/zero"), HasSubstr("no configuration file")));
    }
}

TEST_F(NativeConfig, AnUnsetVariableNamesTheLine) {
    env.erase("JOHN_KEY");
    EXPECT_THAT(error(kConfig),
                AllOf(HasSubstr("pixsync.json: line 9"), HasSubstr("${JOHN_KEY} is not set")));
}

TEST_F(NativeConfig, VariablesMayHaveDefaults) {
    env.erase("IMMICH_URL");
    std::string text = kConfig;
    text.replace(text.find("${IMMICH_URL}"), 13, "${IMMICH_URL:-http://localhost:2283/api}");
    Config c = loadNativeConfig(write(text), env);
    EXPECT_EQ(c.sources[0].options.string("immich_base_url"), "http://localhost:2283/api");
}

TEST_F(NativeConfig, ReferencesToUnknownInstancesAreNamed) {
    std::string text = kConfig;
    text.replace(text.find("\"id\": \"john@example.com\","), 26,
                 "\"id\": \"john@example.com\", \"sink\": \"nope\",");
    EXPECT_THAT(error(text),
                AllOf(HasSubstr("routes[0].sink"), HasSubstr("no sink is named 'nope'")));
}

TEST_F(NativeConfig, MissingSectionsAreNamed) {
    EXPECT_THAT(error(R"({"sources": [], "sinks": [], "routes": []})"),
                HasSubstr("\"state\" is missing"));
    EXPECT_THAT(error(R"({"state": {"plugin": "sqlite"}, "sources": [{"plugin": "immich"}],
                         "sinks": [{"plugin": "pixstar"}], "routes": [{"id": "a"}]})"),
                HasSubstr("routes[0].destinations is missing"));
    EXPECT_THAT(error(R"({"state": {"options": {}}, "sources": [], "sinks": [], "routes": []})"),
                HasSubstr("state.plugin is missing"));
}

TEST_F(NativeConfig, WrongTypesAreNamed) {
    EXPECT_THAT(error(R"({"state": {"plugin": "sqlite"}, "sources": {"plugin": "immich"}})"),
                HasSubstr("sources must be a list of objects"));
    EXPECT_THAT(
        error(
            R"({"state": {"plugin": "sqlite"}, "sources": [{"plugin": "immich"}], "sinks": [{"plugin": "pixstar"}],
                         "routes": [{"id": "a", "destinations": ["x@y.com"]}], "poll_interval_seconds": "often"})"),
        HasSubstr("poll_interval_seconds must be a whole number"));
}

TEST_F(NativeConfig, DuplicateRouteIdsAreRefused) {
    EXPECT_THAT(
        error(
            R"({"state": {"plugin": "sqlite"}, "sources": [{"plugin": "immich"}], "sinks": [{"plugin": "pixstar"}],
                         "routes": [{"id": "a", "destinations": ["x@y.com"]}, {"id": "a", "destinations": ["x@y.com"]}]})"),
        HasSubstr("the route id 'a' is used twice"));
}

TEST(NativeConfigExample, TheShippedExampleLoads) {
    Config c = loadNativeConfig(PIXSYNC_EXAMPLES_DIR "/pixsync.json", {});
    ASSERT_EQ(c.routes.size(), 3u);
    EXPECT_EQ(c.routes[1].destinations[1], (Destination{"kitchen@mypixstar.com", "small"}));
    EXPECT_EQ(c.routes[2].sourceOptions.string("album"), "Hallway frame");
    EXPECT_EQ(c.routes[2].sourceOptions.integer("min_rating"), 3);
    EXPECT_EQ(c.sources[0].options.string("immich_base_url"), "http://192.168.1.50:2283/api");
    EXPECT_EQ(c.sinks[0].options.object("profiles").object("small").integer("max_width", 0), 800);
}
