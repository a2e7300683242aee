// Configuration mistakes a user makes, each run through the real pixsync binary against the
// fake Immich and the real SMTP server: every one must stop `once` and `check` with exit
// code 2 before anything starts (no SMTP connection, no state), naming the file, the key as
// the user wrote it and, for a misspelt key, the closest declared name.
#include <gmock/gmock.h>

#include <functional>
#include <optional>

#include "daemon_fixture.hpp"

namespace pixsync::test {
namespace {

using ::testing::HasSubstr;

/// .env changes: a value, or nullopt to remove the key.
using EnvChanges = std::map<std::string, std::optional<std::string>>;

struct Mistake {
    std::string name;
    std::function<void()> write;        ///< writes the broken configuration
    bool native = false;                ///< run with --config pixsync.json
    std::vector<std::string> expected;  ///< in the message: file, key, suggestion
};

class ConfigMistakes : public DaemonTest {
  protected:
    void SetUp() override {
        startImmich(2);
        startSmtp();
    }

    /// The original's files, with `changes` applied to a working .env and `mapping` (or the
    /// working one) as pixstar_mapping.json.
    void writeOriginal(const EnvChanges& changes, const std::string& mapping = "") {
        writeConfig();
        std::map<std::string, std::string> env;
        const std::string text = readFile(dir / ".env");
        for (std::size_t start = 0; start < text.size();) {
            std::size_t end = text.find('\n', start);
            const std::string line = text.substr(start, end - start);
            start = end + 1;
            if (line.empty() || line[0] == '#') continue;
            env[line.substr(0, line.find('='))] = line.substr(line.find('=') + 1);
        }
        for (const auto& [key, value] : changes) {
            if (value)
                env[key] = *value;
            else
                env.erase(key);
        }
        std::string out;
        for (const auto& [k, v] : env) out += k + "=" + v + "\n";
        writeFile(dir / ".env", out);
        if (!mapping.empty()) writeFile(dir / "pixstar_mapping.json", mapping);
    }

    /// A working native config with `replace` applied (pairs of text to find and its
    /// replacement), so each case shows exactly the mistake it makes.
    void writeNative(const std::vector<std::pair<std::string, std::string>>& replace) {
        std::string text = R"({
  "state": {"plugin": "sqlite", "options": {"path": "native_state.db"}},
  "sources": [{"name": "immich", "plugin": "immich",
               "options": {"immich_base_url": "http://127.0.0.1:)" +
                           std::to_string(immichPort) + R"(/api", "immich_api_key": ")" +
                           kAdminKey + R"("}}],
  "sinks": [{"name": "frames", "plugin": "pixstar",
             "options": {"smtp_host": "127.0.0.1", "smtp_port": )" +
                           std::to_string(smtp->port()) + R"(, "smtp_use_tls": false,
                         "smtp_allow_plaintext_auth": true, "smtp_user": ")" +
                           kSmtpUser + R"(",
                         "smtp_password": ")" +
                           kSmtpPassword + R"(",
                         "profiles": {"small": {"max_width": 800}}}}],
  "routes": [{"id": "john", "source_options": {"user": "john@example.com", "api_key": ")" +
                           kJohnKey + R"("},
              "destinations": ["john-frame@mypixstar.com", {"address": "kitchen@mypixstar.com", "profile": "small"}]}],
  "poll_interval_seconds": 10,
  "log": {"level": "info"}
})";
        for (const auto& [from, to] : replace) {
            const auto at = text.find(from);
            ASSERT_NE(at, std::string::npos) << "the base config has no " << from;
            text.replace(at, from.size(), to);
        }
        writeFile(dir / "pixsync.json", text);
    }

    std::string mappingWith(const std::string& account, const std::string& top = "") {
        return R"({)" + top + R"("defaultPixstarEmails": ["shared@mypixstar.com"],
  "accounts": [)" +
               account + R"(]})";
    }

    std::string johnAccount(const std::string& extra) {
        return R"({"immichUser": "john@example.com", "immichApiKey": ")" + std::string(kJohnKey) +
               "\", " + extra + "}";
    }

    void expectRefused(const Mistake& m) {
        SCOPED_TRACE(m.name);
        for (const char* command : {"once", "check"}) {
            std::vector<std::string> args{command};
            if (m.native) args.insert(args.end(), {"--config", (dir / "pixsync.json").string()});
            const auto r = pixsync(args, 60);
            EXPECT_EQ(r.exitCode, 2) << command << "\n" << r.out << r.err;
            const std::string said = r.out + r.err;
            for (const auto& e : m.expected) EXPECT_THAT(said, HasSubstr(e)) << command;
        }
        EXPECT_EQ(smtp->connections(), 0u) << "SMTP was contacted";
        EXPECT_TRUE(smtp->messages().empty()) << "something was sent";
        EXPECT_FALSE(std::filesystem::exists(dir / "pixsync_state.db")) << "a state was created";
        EXPECT_FALSE(std::filesystem::exists(dir / "native_state.db")) << "a state was created";
    }
};

TEST_F(ConfigMistakes, EachStopsPixsyncBeforeAnythingIsSentAndNamesTheFix) {
    const std::string env = (dir / ".env").string();
    const std::string mapping = (dir / "pixstar_mapping.json").string();
    const std::string native = (dir / "pixsync.json").string();
    const std::vector<Mistake> mistakes = {
        // --- .env: misspelt keys with one of pixsync's prefixes ---
        {"SMTP_PASWORD",
         [&] {
             writeOriginal({{"SMTP_PASSWORD", std::nullopt}, {"SMTP_PASWORD", kSmtpPassword}});
         },
         false,
         {env + ": SMTP_PASWORD", "did you mean `SMTP_PASSWORD`?"}},
        {"SMTP_HOTS",
         [&] {
             writeOriginal({{"SMTP_HOST", std::nullopt}, {"SMTP_HOTS", "127.0.0.1"}});
         },
         false,
         {env + ": SMTP_HOTS", "did you mean `SMTP_HOST`?"}},
        {"POLL_INTERVAL_SECOND",
         [&] {
             writeOriginal({{"POLL_INTERVAL_SECOND", "60"}});
         },
         false,
         {env + ": POLL_INTERVAL_SECOND", "did you mean `POLL_INTERVAL_SECONDS`?"}},
        {"MAX_ATEMPTS",
         [&] {
             writeOriginal({{"MAX_ATEMPTS", "3"}});
         },
         false,
         {env + ": MAX_ATEMPTS", "did you mean `MAX_ATTEMPTS`?"}},
        {"IMMICH_TIMEOUT_SECOND",
         [&] {
             writeOriginal({{"IMMICH_TIMEOUT_SECOND", "5"}});
         },
         false,
         {env + ": IMMICH_TIMEOUT_SECOND", "did you mean `IMMICH_TIMEOUT_SECONDS`?"}},
        {"PIXSTAR_JPEG_QUALTY",
         [&] {
             writeOriginal({{"PIXSTAR_JPEG_QUALTY", "90"}});
         },
         false,
         {env + ": PIXSTAR_JPEG_QUALTY", "did you mean `PIXSTAR_JPEG_QUALITY`?"}},
        {"LOG_LEVL",
         [&] {
             writeOriginal({{"LOG_LEVL", "debug"}});
         },
         false,
         {env + ": LOG_LEVL", "did you mean `LOG_LEVEL`?"}},
        {"PIXSTAR_MAPING_PATH",
         [&] {
             writeOriginal({{"PIXSTAR_MAPING_PATH", "m.json"}});
         },
         false,
         {env + ": PIXSTAR_MAPING_PATH", "did you mean `PIXSTAR_MAPPING_PATH`?"}},
        // --- .env: values ---
        {"SMTP_PORT not a number",
         [&] {
             writeOriginal({{"SMTP_PORT", "smtp"}});
         },
         false,
         {env + ": SMTP_PORT", "whole number"}},
        {"SMTP_PORT out of range",
         [&] {
             writeOriginal({{"SMTP_PORT", "70000"}});
         },
         false,
         {env + ": SMTP_PORT", "between 1 and 65535"}},
        {"STATE_BACKEND unknown",
         [&] {
             writeOriginal({{"STATE_BACKEND", "postgres"}});
         },
         false,
         {env + ": STATE_BACKEND", "sqlite, json"}},
        {"LOG_LEVEL unknown",
         [&] {
             writeOriginal({{"LOG_LEVEL", "verbose"}});
         },
         false,
         {env + ": LOG_LEVEL", "debug, info, warning, error"}},
        {"IMMICH_BASE_URL without /api",
         [&] {
             writeOriginal({{"IMMICH_BASE_URL", "http://127.0.0.1:" + std::to_string(immichPort)}});
         },
         false,
         {env + ": IMMICH_BASE_URL", "append /api"}},
        {"SMTP_USER without SMTP_PASSWORD",
         [&] {
             writeOriginal({{"SMTP_PASSWORD", std::nullopt}});
         },
         false,
         {env + ": SMTP_PASSWORD is missing", "SMTP_USER is set", "SMTP_PASSWORD_FILE"}},
        {"SMTP_CA_FILE missing file",
         [&] {
             writeOriginal({{"SMTP_CA_FILE", "/no/such/ca.pem"}});
         },
         false,
         {env + ": SMTP_CA_FILE", "/no/such/ca.pem"}},
        {"SMTP_HOST missing",
         [&] {
             writeOriginal({{"SMTP_HOST", std::nullopt}});
         },
         false,
         {env + ": SMTP_HOST is missing"}},
        // --- pixstar_mapping.json ---
        {"pixstarEmail in an account",
         [&] {
             writeOriginal(
                 {}, mappingWith(johnAccount(R"("pixstarEmail": ["john-frame@mypixstar.com"])")));
         },
         false,
         {mapping + ": accounts[0].pixstarEmail", "did you mean `pixstarEmails`?"}},
        {"defaultPixstarEmail at the top",
         [&] {
             writeOriginal({}, mappingWith(johnAccount(R"("pixstarEmails": ["a@mypixstar.com"])"),
                                           R"("defaultPixstarEmail": ["x@mypixstar.com"], )"));
         },
         false,
         {mapping + ": defaultPixstarEmail", "did you mean `defaultPixstarEmails`?"}},
        {"immichApikey spelt with a small k",
         [&] {
             writeOriginal({},
                           mappingWith(R"({"immichUser": "john@example.com", "immichApikey": "k",
                                               "pixstarEmails": ["a@mypixstar.com"]})"));
         },
         false,
         {mapping + ": accounts[0].immichApikey", "did you mean `immichApiKey`?"}},
        {"album in an account",
         [&] { writeOriginal({}, mappingWith(johnAccount(R"("album": "Kitchen")"))); },
         false,
         {mapping + ": accounts[0] (john@example.com)",
          "\"album\" is an option of a native config's route"}},
        {"immichUser that is not an e-mail",
         [&] {
             writeOriginal(
                 {},
                 mappingWith(
                     R"({"immichUser": "john", "immichApiKey": "k", "pixstarEmails": ["a@mypixstar.com"]})"));
         },
         false,
         {mapping + ": accounts[0] (john)", "immichUser"}},
        // --- native config ---
        {"albun in source_options",
         [&] {
             writeNative({{R"("user": )", R"("albun": "Kitchen", "user": )"}});
         },
         true,
         {native + ": routes[0].source_options.albun", "did you mean `album`?"}},
        {"smtp_hots in a sink",
         [&] {
             writeNative({{R"("smtp_host")", R"("smtp_hots")"}});
         },
         true,
         {native + ": sinks[0].options.smtp_hots", "did you mean `smtp_host`?"}},
        {"pol_interval_seconds at the top",
         [&] {
             writeNative({{R"("poll_interval_seconds")", R"("pol_interval_seconds")"}});
         },
         true,
         {native + ": pol_interval_seconds", "did you mean `poll_interval_seconds`?"}},
        {"destination instead of destinations",
         [&] {
             writeNative({{R"("destinations")", R"("destination")"}});
         },
         true,
         {native + ": routes[0].destination", "did you mean `destinations`?"}},
        {"adress in a destination",
         [&] {
             writeNative({{R"({"address")", R"({"adress")"}});
         },
         true,
         {native + ": routes[0].destinations[1].adress", "did you mean `address`?"}},
        {"paht in the state options",
         [&] {
             writeNative({{R"({"path": "native_state.db"})", R"({"paht": "native_state.db"})"}});
         },
         true,
         {native + ": state.options.paht", "did you mean `path`?"}},
        {"state without its path",
         [&] {
             writeNative({{R"({"path": "native_state.db"})", "{}"}});
         },
         true,
         {native + ": state.options.path is missing"}},
        {"levl in the log settings",
         [&] {
             writeNative({{R"("level")", R"("levl")"}});
         },
         true,
         {native + ": log.levl", "did you mean `level`?"}},
        {"max_widht in a frame profile",
         [&] {
             writeNative({{R"("max_width": 800)", R"("max_widht": 800)"}});
         },
         true,
         {native + ": sinks[0].options.profiles.small.max_widht", "did you mean `max_width`?"}},
        {"smtp_user without smtp_password",
         [&] {
             writeNative({{R"("smtp_password")", R"("smtp_from")"}});
         },
         true,
         {native + ": sinks[0].options.smtp_password is missing", "smtp_user is set"}},
        {"PHOTOS_AHEAD out of range",
         [&] {
             writeOriginal({{"PHOTOS_AHEAD", "9"}});
         },
         false,
         {env + ": PHOTOS_AHEAD is 9", "between 0 and 4"}},
        {"photos_ahead not a number",
         [&] {
             writeNative({{R"("poll_interval_seconds": 10)", R"("photos_ahead": "two")"}});
         },
         true,
         {native + ": photos_ahead must be a whole number"}},
        {"max_attempts not a number",
         [&] {
             writeNative({{R"("poll_interval_seconds": 10)", R"("max_attempts": "ten")"}});
         },
         true,
         {native + ": max_attempts must be a whole number"}},
        {"poll interval out of range",
         [&] {
             writeNative({{R"("poll_interval_seconds": 10)", R"("poll_interval_seconds": 1)"}});
         },
         true,
         {native + ": poll_interval_seconds is 1", "between 10 and"}},
        {"immich_base_url without /api",
         [&] {
             writeNative({{"/api\"", "\""}});
         },
         true,
         {native + ": sources[0].options.immich_base_url", "append /api"}},
        {"route without its api_key",
         [&] {
             writeNative({{R"(, "api_key": ")" + std::string(kJohnKey) + "\"", ""}});
         },
         true,
         {native + ": routes[0]", "api_key is missing", "api_key_file"}},
        {"a folder sink without its root",
         [&] {
             writeNative({{R"("sinks": [{"name": "frames", "plugin": "pixstar",)",
                           R"("sinks": [{"name": "disk", "plugin": "folder", "options": {}},
                                        {"name": "frames", "plugin": "pixstar",)"},
                          {R"("id": "john",)", R"("id": "john", "sink": "frames",)"}});
         },
         true,
         {native + ": sinks[0].options.root is missing"}},
    };
    ASSERT_GE(mistakes.size(), 25u);
    for (const auto& m : mistakes) {
        m.write();
        expectRefused(m);
        std::filesystem::remove(dir / "pixsync.json");
    }
}

// The same configuration without the mistake works: the table above fails for the mistake,
// not for something else in the setup.
TEST_F(ConfigMistakes, TheUnbrokenConfigurationsDeliver) {
    writeOriginal({});
    auto r = pixsync({"once"});
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    writeNative({{R"("id": "john")", R"("id": "john-native")"}});
    r = pixsync({"once", "--config", (dir / "pixsync.json").string()});
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_FALSE(smtp->messages().empty());
}

// A variable only the process environment has is not pixsync's to refuse (the environment is
// shared with other programs): a misspelt one is a warning naming the likely key.
// A key of a megabyte (a file pasted into .env by mistake; the file itself may have 4 MiB) is
// refused at once and shown cut: the did-you-mean compares only names of near length (it
// took 8 s and 243 MB when it compared every option with it).
TEST_F(ConfigMistakes, AHugeMisspeltKeyIsRefusedQuicklyAndShownCut) {
    const std::string key = "SMTP_" + std::string(1 << 20, 'X');
    writeOriginal({{key, std::optional<std::string>("1")}});
    const Measured m = runMeasured({cliPath().string(), "check"}, dir.path(), dir / "check.out",
                                   std::chrono::seconds(60));
    std::printf("    a 1 MB key: exit %d, %.1f s, peak RSS %ld MB\n", m.exitCode, m.seconds,
                m.peakRssKb / 1024);
    EXPECT_EQ(m.exitCode, 2) << m.output.substr(0, 2000);
    EXPECT_LT(m.seconds, 5.0);
#if !defined(PIXSYNC_SANITIZED)
    EXPECT_LT(m.peakRssKb / 1024, 100);
#endif
    EXPECT_THAT(m.output,
                HasSubstr("a name of 1048581 characters, `SMTP_XXXXXXXXXXXXXXXXXXXXXXXXXXX…`, "
                          "is not an option of"));
    EXPECT_LT(m.output.size(), 64u * 1024) << "the key is not echoed whole";
}

TEST_F(ConfigMistakes, AMisspeltKeyInTheProcessEnvironmentIsAWarning) {
    writeOriginal({});
    auto r = run({cliPath().string(), "once"}, {{"SMTP_TIMEOUT_SECOND", "5"}}, dir.path(), 60);
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_THAT(r.err,
                HasSubstr("the environment: SMTP_TIMEOUT_SECOND is not an option of the pixstar "
                          "sink plugin (ignored); did you mean `SMTP_TIMEOUT_SECONDS`?"));
}

}  // namespace
}  // namespace pixsync::test
