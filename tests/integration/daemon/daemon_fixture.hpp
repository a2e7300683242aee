#pragma once
// A pixsync installation the way the original service was set up: a folder with `.env` and
// `pixstar_mapping.json`, the real pixsync binary, the fake Immich and the real SMTP server.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fake_immich.hpp"
#include "media_fixtures.hpp"
#include "smtp_server.hpp"
#include "test_support.hpp"

namespace pixsync::test {

using namespace std::chrono_literals;

/// Secrets the tests look for in logs: none may ever appear there.
inline constexpr const char* kJohnKey = "john-secret-api-key-7f3a";
inline constexpr const char* kAdminKey = "admin-secret-api-key-91c2";
inline constexpr const char* kSmtpUser = "sender@example.com";
inline constexpr const char* kSmtpPassword = "smtp-secret-password-55e1";
inline constexpr const char* kJohn = "john@example.com";
inline const std::vector<std::string> kJohnFrames = {"john-frame@mypixstar.com",
                                                     "kitchen@mypixstar.com"};

/// Polls `condition` until it holds or `timeout` passes.
inline bool waitFor(const std::function<bool()>& condition, std::chrono::seconds timeout = 60s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (condition()) return true;
        std::this_thread::sleep_for(100ms);
    }
    return condition();
}

/// `pixsync` in the background, its output appended to a file.
class PixsyncProcess : public BackgroundProcess {
  public:
    PixsyncProcess(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                   const std::filesystem::path& output,
                   const std::map<std::string, std::string>& env = {})
        : BackgroundProcess(args, cwd, output, env) {}
};

/// One Immich user (john) with `photos` favorites, two frames, and the original's files.
class DaemonTest : public ::testing::Test {
  protected:
    TempDir dir;
    std::unique_ptr<FakeImmich> immich;
    std::unique_ptr<SmtpTestServer> smtp;
    ClosedPort closedPort;  // where SMTP_PORT points while no SMTP server runs
    int immichPort = 0;
    /// Added to the environment of every daemon started (e.g. PIXSYNC_TEST_POLL_INTERVAL_MS).
    std::map<std::string, std::string> daemonEnvironment;

    /// Photo i's asset id (stable across restarts of the fake).
    static std::string assetId(int i) {
        char id[40];
        std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
        return id;
    }
    /// Photo i's file name as Immich knows it (and as it appears in the mail subject).
    static std::string fileName(int i) {
        char name[32];
        std::snprintf(name, sizeof name, "IMG_%04d.jpg", i);
        return name;
    }

    /// Photo i's checksum: a distinct 20-byte SHA-1 in base64, so that copies of one file
    /// are still distinct photos.
    static std::string checksumOf(int i) {
        static constexpr char kBase64[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string checksum(26, 'A');
        checksum[22] = kBase64[(i >> 12) & 63];
        checksum[23] = kBase64[(i >> 6) & 63];
        checksum[24] = kBase64[i & 63];
        return checksum + "A=";
    }

    /// Photo i as a fake Immich asset of `owner`'s (a favorite unless `favorite` is false).
    static std::string assetJson(int i, bool favorite = true, const std::string& owner = kJohn) {
        return R"({"id": ")" + assetId(i) + R"(", "owner": ")" + owner + R"(", "file": ")" +
               (mediaFixtures() / "orientation-1.jpg").string() + R"(", "originalFileName": ")" +
               fileName(i) + R"(", "checksum": ")" + checksumOf(i) + R"(", "isFavorite": )" +
               (favorite ? "true" : "false") + "}";
    }

    /// Makes photo i a new favorite on the running fake Immich (a fresh updatedAt).
    void addFavorite(int i) { immich->admin("POST", "/assets", assetJson(i)); }

    /// Favorites photo i, already in the library, on the running fake Immich.
    void favorite(int i) {
        immich->admin("POST", "/favorite",
                      R"({"id": ")" + assetId(i) + R"(", "isFavorite": true})");
    }

    /// Writes a manifest with the favorites [0, photos) and the photos
    /// [photos, photos + notFavorites) that are not favorites (yet). Ids are fixed so that a
    /// restarted fake is the same library (Immich's ids never change).
    std::filesystem::path writeManifest(int photos, int notFavorites = 0) {
        std::string assets;
        for (int i = 0; i < photos + notFavorites; ++i)
            assets += (i > 0 ? ",\n" : "") + assetJson(i, i < photos);
        return writeFile(dir / "immich" / "library.json", R"({
  "users": [
    {"id": "10000000-0000-4000-8000-000000000001", "email": "john@example.com", "name": "John",
     "apiKeys": [{"key": ")" + std::string(kJohnKey) + R"(", "permissions": ["all"]}]},
    {"id": "10000000-0000-4000-8000-000000000002", "email": "admin@example.com", "name": "Admin",
     "isAdmin": true,
     "apiKeys": [{"key": ")" + std::string(kAdminKey) + R"(", "permissions": ["all"]}]}
  ],
  "assets": [
)" + assets + R"(
  ]
})");
    }

    /// Starts (or restarts, on the same port) the fake Immich with `photos` favorites (and
    /// `notFavorites` more photos, see writeManifest()).
    void startImmich(int photos, int notFavorites = 0) {
        const auto manifest = writeManifest(photos, notFavorites);
        std::vector<std::string> args;
        if (immichPort != 0) args = {"--port", std::to_string(immichPort)};
        immich = std::make_unique<FakeImmich>(manifest, args);
        immichPort = immich->port();
    }

    void startSmtp() {
        SmtpServerOptions o;
        o.authUser = kSmtpUser;
        o.authPassword = kSmtpPassword;
        o.allowPlaintextAuth = true;
        smtp = std::make_unique<SmtpTestServer>(o);
    }

    /// The original's two files; `env` entries are added to (or replace) the defaults.
    void writeConfig(const std::map<std::string, std::string>& env = {},
                     const std::string& johnKey = kJohnKey) {
        std::map<std::string, std::string> values = {
            {"IMMICH_BASE_URL", "http://127.0.0.1:" + std::to_string(immichPort) + "/api"},
            {"IMMICH_API_KEY", kAdminKey},
            {"IMMICH_TIMEOUT_SECONDS", "10"},
            {"SMTP_HOST", "127.0.0.1"},
            {"SMTP_PORT", std::to_string(smtp ? smtp->port() : closedPort.port())},
            {"SMTP_USE_TLS", "false"},
            {"SMTP_ALLOW_PLAINTEXT_AUTH", "true"},
            {"SMTP_USER", kSmtpUser},
            {"SMTP_PASSWORD", kSmtpPassword},
            {"SMTP_MAX_PER_MINUTE", "100000"},
            {"SMTP_TIMEOUT_SECONDS", "20"},
            {"POLL_INTERVAL_SECONDS", "10"},
        };
        for (const auto& [k, v] : env) values[k] = v;
        std::string text = "# written by the test, in the original service's style\n";
        for (const auto& [k, v] : values) text += k + "=" + v + "\n";
        writeFile(dir / ".env", text);
        std::string frames;
        for (const auto& f : kJohnFrames) frames += (frames.empty() ? "\"" : ", \"") + f + "\"";
        writeFile(dir / "pixstar_mapping.json", R"({
  "defaultPixstarEmails": [],
  "accounts": [
    {"immichUser": "john@example.com", "immichApiKey": ")" +
                                                    johnKey + R"(",
     "pixstarEmails": [)" + frames + R"(]}
  ]
})");
        // Secrets in files others can read get a warning; keep the log about the test's subject.
        ::chmod((dir / ".env").c_str(), 0600);
        ::chmod((dir / "pixstar_mapping.json").c_str(), 0600);
    }

    /// `pixsync <args>` in the folder, waited for.
    CommandResult pixsync(std::vector<std::string> args, int timeoutSeconds = 90) {
        args.insert(args.begin(), cliPath().string());
        return run(args, {}, dir.path(), timeoutSeconds);
    }

    /// `pixsync run` in the background, its output appended to daemon.out.
    std::unique_ptr<PixsyncProcess> startDaemon(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{cliPath().string(), "run"};
        args.insert(args.end(), extra.begin(), extra.end());
        return std::make_unique<PixsyncProcess>(args, dir.path(), dir / "daemon.out",
                                                daemonEnvironment);
    }

    /// `pixsync run --listen 127.0.0.1:0`: the daemon takes a free port itself (no race
    /// with other tests for one picked in advance); `port` is set from its log line.
    std::unique_ptr<PixsyncProcess> startListeningOnAnyPort(int& port,
                                                            std::vector<std::string> extra = {}) {
        const std::size_t logged = logText().size();
        extra.insert(extra.end(), {"--listen", "127.0.0.1:0"});
        auto daemon = startDaemon(extra);
        port = 0;
        waitFor([&] { return (port = servedPort(logText().substr(logged))) != 0; },
                std::chrono::seconds(30));
        if (port == 0)
            throw std::runtime_error("the daemon did not say which port it serves:\n" +
                                     daemonOutput() + logText());
        return daemon;
    }

    std::string logText() const {
        const auto p = dir / "immich-pixstar.log";
        return std::filesystem::exists(p) ? readFile(p) : std::string();
    }
    std::string daemonOutput() const {
        const auto p = dir / "daemon.out";
        return std::filesystem::exists(p) ? readFile(p) : std::string();
    }

    /// How often each (frame, file) arrived at the SMTP server.
    std::map<std::pair<std::string, std::string>, int> received() const {
        std::map<std::pair<std::string, std::string>, int> counts;
        for (const auto& message : smtp->messages()) {
            // NNNN-<recipient>.eml
            const std::string stem = message.stem().string();
            const std::string recipient = stem.substr(stem.find('-') + 1);
            const std::string text = readFile(message);
            const auto subject = text.find("Subject: ");
            const auto end = text.find_first_of("\r\n", subject);
            const std::string line = subject == std::string::npos
                                         ? std::string()
                                         : text.substr(subject + 9, end - subject - 9);
            const auto colon = line.rfind(": ");
            ++counts[{recipient, colon == std::string::npos ? line : line.substr(colon + 2)}];
        }
        return counts;
    }

    /// Checks that every photo in [0, photos) reached every frame, with at most
    /// `allowedDuplicates` extra copies in all, and nothing else arrived.
    void expectDeliveredOnce(int photos, int allowedDuplicates) const {
        const auto counts = received();
        int duplicates = 0;
        for (int i = 0; i < photos; ++i)
            for (const auto& frame : kJohnFrames) {
                const auto it = counts.find({frame, fileName(i)});
                if (it == counts.end()) {
                    ADD_FAILURE() << fileName(i) << " never reached " << frame;
                    continue;
                }
                duplicates += it->second - 1;
            }
        EXPECT_LE(duplicates, allowedDuplicates) << "copies beyond the first";
        std::size_t total = 0;
        for (const auto& [key, n] : counts) total += static_cast<std::size_t>(n);
        EXPECT_EQ(total, static_cast<std::size_t>(photos) * kJohnFrames.size() +
                             static_cast<std::size_t>(duplicates))
            << "messages for photos that are not favorites";
    }

    /// Lines of the log at `level` (e.g. "WARNING") that contain `text`.
    static std::vector<std::string> lines(const std::string& log, const std::string& level,
                                          const std::string& text = "") {
        std::vector<std::string> found;
        std::size_t start = 0;
        while (start < log.size()) {
            std::size_t end = log.find('\n', start);
            if (end == std::string::npos) end = log.size();
            const std::string line = log.substr(start, end - start);
            if (line.find(" " + level + " ") != std::string::npos &&
                line.find(text) != std::string::npos)
                found.push_back(line);
            start = end + 1;
        }
        return found;
    }
};

}  // namespace pixsync::test
