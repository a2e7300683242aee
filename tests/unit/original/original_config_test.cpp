// The original service's files: .env + pixstar_mapping.json, loaded and validated.
#include "original/original_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>

#include "pixsync/error.hpp"
#include "test_support.hpp"

using namespace pixsync;
using ::testing::AllOf;
using ::testing::HasSubstr;

namespace {

const char* kEnv =
    "IMMICH_BASE_URL=http://immich.local:2283/api\n"
    "IMMICH_API_KEY=admin-key-123\n"
    "SMTP_HOST=smtp.example.com\n"
    "SMTP_PASSWORD=\"app password\"\n";

class OriginalConfig : public ::testing::Test {
  protected:
    test::TempDir dir;
    std::filesystem::path env(const std::string& text = kEnv) {
        return test::writeFile(dir / ".env", text);
    }
    void mapping(const std::string& json) { test::writeFile(dir / "pixstar_mapping.json", json); }
    Config load(const Environment& processEnv = {}) {
        return original::loadConfig(dir / ".env", processEnv);
    }
    std::string error(const Environment& processEnv = {}) {
        try {
            load(processEnv);
        } catch (const Error& e) {
            EXPECT_EQ(exitCodeFor(e.kind()), 2) << e.what();
            return e.what();
        }
        ADD_FAILURE() << "the configuration was accepted";
        return {};
    }
};

}  // namespace

TEST_F(OriginalConfig, TheOriginalExampleFilesLoadIntoRoutes) {
    const std::filesystem::path examples = PIXSYNC_EXAMPLES_DIR "/original";
    Config c = original::loadConfig(examples / ".env", {});
    EXPECT_NE(std::find(c.frontDoorKeys.begin(), c.frontDoorKeys.end(), "state_path"),
              c.frontDoorKeys.end());
    ASSERT_EQ(c.routes.size(), 2u);
    EXPECT_EQ(c.routes[0].id, "john.doe@example.com");
    EXPECT_EQ(c.routes[0].destinations,
              (std::vector<Destination>{{"john-frame@mypixstar.com", ""}}));
    EXPECT_EQ(c.routes[1].id, "jane.doe@example.com");
    EXPECT_EQ(c.routes[1].destinations.size(), 2u);
    EXPECT_EQ(c.routes[1].sourceOptions.string("api_key"), "YourOtherApiKeyHere");
    EXPECT_EQ(c.routes[1].sourceOptions.string("user"), "jane.doe@example.com");
    EXPECT_EQ(c.sources[0].plugin, "immich");
    EXPECT_EQ(c.sources[0].options.string("immich_base_url"), "http://192.168.1.50:2283/api");
    EXPECT_EQ(c.sinks[0].plugin, "pixstar");
    EXPECT_EQ(c.sinks[0].options.string("smtp_host"), "smtp.gmail.com");
    EXPECT_EQ(c.sinks[0].options.integer("smtp_port", 0), 587);
    EXPECT_TRUE(c.sinks[0].options.boolean("smtp_use_tls", false));
    EXPECT_EQ(c.state.plugin, "sqlite");
    EXPECT_EQ(c.state.options.string("path"), (examples / "pixsync_state.db").string());
    EXPECT_EQ(c.state.options.string("import_original"),
              (examples / "pixstar_sync_state.json").string());
    EXPECT_EQ(c.pollInterval, std::chrono::seconds(300));
    EXPECT_EQ(c.logFile, examples / "immich-pixstar.log");
    EXPECT_THAT(c.secrets, ::testing::IsSupersetOf({"YourApiKeyHere", "YourAdminApiKeyHere",
                                                    "your-app-password-here"}));
}

TEST_F(OriginalConfig, DefaultsMatchTheOriginal) {
    env();
    mapping(
        R"({"accounts": [{"immichUser": "a@x.com", "immichApiKey": "k1234", "pixstarEmails": ["f@mypixstar.com"]}]})");
    Config c = load();
    EXPECT_EQ(c.pollInterval, std::chrono::seconds(300));
    EXPECT_EQ(c.state.options.string("import_original"),
              (dir / "pixstar_sync_state.json").string());
    EXPECT_EQ(c.logMaxBytes, 5u * 1024 * 1024);
    EXPECT_EQ(c.logKeep, 2u);
    EXPECT_FALSE(c.engine.startFromNow);
    EXPECT_EQ(c.sinks[0].options.string("smtp_password"), "app password");
}

TEST_F(OriginalConfig, TheEnvironmentWinsOverTheFile) {
    env();
    mapping(
        R"({"accounts": [{"immichUser": "a@x.com", "immichApiKey": "k1234", "pixstarEmails": ["f@mypixstar.com"]}]})");
    Config c = load({{"SMTP_HOST", "relay.local"},
                     {"POLL_INTERVAL_SECONDS", "60"},
                     {"RETRY_BASE_SECONDS", "5"}});
    EXPECT_EQ(c.sinks[0].options.string("smtp_host"), "relay.local");
    EXPECT_EQ(c.engine.backoffBase, std::chrono::seconds(5));
    EXPECT_EQ(c.pollInterval, std::chrono::seconds(60));
}

TEST_F(OriginalConfig, DefaultFramesServeAccountsWithoutTheirOwn) {
    env();
    mapping(R"({"defaultPixstarEmails": ["family@mypixstar.com"],
                "accounts": [{"immichUser": "a@x.com", "immichApiKey": "k1234", "pixstarEmails": []},
                             {"immichUser": "b@x.com", "immichApiKey": "k5678"}]})");
    Config c = load();
    ASSERT_EQ(c.routes.size(), 2u);
    for (const auto& r : c.routes)
        EXPECT_EQ(r.destinations, (std::vector<Destination>{{"family@mypixstar.com", ""}}));
}

TEST_F(OriginalConfig, MissingImmichUserNamesTheAccountAndTheFix) {
    env();
    mapping(R"({"accounts": [{"immichApiKey": "k1234", "pixstarEmails": ["f@mypixstar.com"]}]})");
    EXPECT_THAT(error(),
                AllOf(HasSubstr("pixstar_mapping.json: accounts[0]"),
                      HasSubstr("immichUser is missing"), HasSubstr("Immich login e-mail")));
}

TEST_F(OriginalConfig, MissingApiKeyNamesTheUser) {
    env();
    mapping(
        R"({"accounts": [{"immichUser": "jane@x.com", "pixstarEmails": ["f@mypixstar.com"]}]})");
    EXPECT_THAT(error(), AllOf(HasSubstr("accounts[0] (jane@x.com)"),
                               HasSubstr("immichApiKey is missing"), HasSubstr("API Keys")));
}

TEST_F(OriginalConfig, AnAccountWithoutAnyFrameIsAnError) {
    env();
    mapping(
        R"({"defaultPixstarEmails": [], "accounts": [{"immichUser": "jane@x.com", "immichApiKey": "k1234"}]})");
    EXPECT_THAT(error(), AllOf(HasSubstr("(jane@x.com)"),
                               HasSubstr("no pixstarEmails and defaultPixstarEmails is empty")));
}

TEST_F(OriginalConfig, AMalformedFrameAddressIsNamed) {
    env();
    mapping(R"({"accounts": [{"immichUser": "jane@x.com", "immichApiKey": "k1234",
                              "pixstarEmails": ["ok@mypixstar.com", "jane-frame"]}]})");
    EXPECT_THAT(
        error(),
        AllOf(HasSubstr("(jane@x.com): pixstarEmails[1] 'jane-frame' is not an e-mail address")));
}

TEST_F(OriginalConfig, WrongJsonTypesAreNamed) {
    env();
    mapping(R"({"accounts": {"immichUser": "jane@x.com"}})");
    EXPECT_THAT(
        error(),
        HasSubstr("pixstar_mapping.json: accounts must be a list of objects, found an object"));
    mapping(
        R"({"accounts": [{"immichUser": "jane@x.com", "immichApiKey": "k1234", "pixstarEmails": [42]}]})");
    EXPECT_THAT(error(),
                HasSubstr("accounts[0].pixstarEmails[0] must be a string, found a number"));
    mapping(
        R"({"accounts": [{"immichUser": 7, "immichApiKey": "k1234", "pixstarEmails": ["f@mypixstar.com"]}]})");
    EXPECT_THAT(error(), HasSubstr("accounts[0].immichUser must be a string"));
    mapping(R"({"accounts": [ {"immichUser": "a@x.com",, } ]})");
    EXPECT_THAT(error(), HasSubstr("pixstar_mapping.json: line 1"));
}

TEST_F(OriginalConfig, RouteOptionsInAnAccountAreRefusedNotIgnored) {
    env();
    mapping(R"({"accounts": [{"immichUser": "jane@x.com", "immichApiKey": "k1234",
                              "pixstarEmails": ["f@mypixstar.com"], "album": "Kitchen"}]})");
    EXPECT_THAT(error(), AllOf(HasSubstr("accounts[0] (jane@x.com): \"album\" is an option of a "
                                         "native config's route"),
                               HasSubstr("see examples/pixsync.json")));
}

TEST_F(OriginalConfig, ADuplicateUserIsAnError) {
    env();
    mapping(
        R"({"accounts": [{"immichUser": "a@x.com", "immichApiKey": "k1234", "pixstarEmails": ["f@mypixstar.com"]},
                             {"immichUser": "a@x.com", "immichApiKey": "k5678", "pixstarEmails": ["g@mypixstar.com"]}]})");
    EXPECT_THAT(error(), HasSubstr("appears twice"));
}

TEST_F(OriginalConfig, AMissingRequiredKeyNamesTheFileAndTheFix) {
    env("SMTP_HOST=smtp.example.com\n");
    mapping(R"({"accounts": []})");
    EXPECT_THAT(error(), AllOf(HasSubstr(".env: IMMICH_BASE_URL is missing"), HasSubstr("/api")));
}

TEST_F(OriginalConfig, AMissingMappingFileIsNamed) {
    env();
    EXPECT_THAT(error(), AllOf(HasSubstr("pixstar_mapping.json: not found"),
                               HasSubstr("PIXSTAR_MAPPING_PATH")));
}

TEST_F(OriginalConfig, NoConfigurationAtAllExplainsWhereToRun) {
    EXPECT_THAT(error(), AllOf(HasSubstr("no configuration found"), HasSubstr("--config")));
}

TEST_F(OriginalConfig, ABadNumberNamesTheVariable) {
    env(std::string(kEnv) + "POLL_INTERVAL_SECONDS=five minutes\n");
    mapping(
        R"({"accounts": [{"immichUser": "a@x.com", "immichApiKey": "k1234", "pixstarEmails": ["f@mypixstar.com"]}]})");
    EXPECT_THAT(error(), AllOf(HasSubstr(".env: POLL_INTERVAL_SECONDS must be a whole number")));
}

TEST_F(OriginalConfig, KeepingNoOldLogFilesIsRefusedAtStart) {
    // The log's rotation always archives at least one file; 0 would fail only once opened.
    env(std::string(kEnv) + "LOG_KEEP=0\n");
    mapping(
        R"({"accounts": [{"immichUser": "a@x.com", "immichApiKey": "k1234", "pixstarEmails": ["f@mypixstar.com"]}]})");
    EXPECT_THAT(error(), HasSubstr(".env: LOG_KEEP"));
}

TEST_F(OriginalConfig, EnvFileSyntaxErrorsNameTheLine) {
    env("IMMICH_BASE_URL=http://x/api\nthis is not a setting\n");
    EXPECT_THAT(error(), AllOf(HasSubstr(".env: line 2"), HasSubstr("KEY=VALUE")));
}

TEST_F(OriginalConfig, JsonBackendUsesTheOriginalFileInPlace) {
    env(std::string(kEnv) + "STATE_BACKEND=json\nSTATE_PATH=state/sync.json\n");
    mapping(
        R"({"accounts": [{"immichUser": "a@x.com", "immichApiKey": "k1234", "pixstarEmails": ["f@mypixstar.com"]}]})");
    Config c = load();
    EXPECT_EQ(c.state.plugin, "json");
    EXPECT_EQ(c.state.options.string("path"), (dir / "state/sync.json").string());
    env(std::string(kEnv) + "STATE_BACKEND=postgres\n");
    EXPECT_THAT(error(), HasSubstr("STATE_BACKEND is 'postgres'"));
}

TEST_F(OriginalConfig, WarnsWhenSecretsAreReadableByOthers) {
    auto file = env();
    mapping(
        R"({"accounts": [{"immichUser": "a@x.com", "immichApiKey": "k1234", "pixstarEmails": ["f@mypixstar.com"]}]})");
    ::chmod(file.c_str(), 0644);
    ::chmod((dir / "pixstar_mapping.json").c_str(), 0600);
    Config c = load();
    ASSERT_EQ(c.warnings.size(), 1u);
    EXPECT_THAT(c.warnings[0], HasSubstr("chmod 600"));
    ::chmod(file.c_str(), 0600);
    EXPECT_TRUE(load().warnings.empty());
}
