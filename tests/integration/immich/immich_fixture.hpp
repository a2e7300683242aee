#pragma once
// Shared set-up for the immich integration tests: a fake Immich with two users (John and
// Jane) and keys with different permissions, and the built plugin loaded from disk.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "captured_log.hpp"
#include "fake_immich.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "pixsync/util/strings.hpp"
#include "test_support.hpp"

namespace pixsync::test {

inline const std::string kJohn = "10000000-0000-4000-8000-000000000001";
inline const std::string kJane = "20000000-0000-4000-8000-000000000002";
inline const std::string kAdmin = "30000000-0000-4000-8000-000000000003";

/// The `pixsync check` line whose subject ends with `subjectEnd` (": API key"), or null.
inline const CheckResult* checkLine(const CheckReport& report, const std::string& subjectEnd) {
    for (const auto& c : report.results())
        if (c.subject.ends_with(subjectEnd)) return &c;
    return nullptr;
}

/// The `pixsync check` line whose subject ends with `subjectEnd`; a missing line fails the
/// test (the exception names the subject and the lines there were) instead of crashing it.
inline const CheckResult& requireCheckLine(const CheckReport& report,
                                           const std::string& subjectEnd) {
    if (const CheckResult* c = checkLine(report, subjectEnd)) return *c;
    std::string lines;
    for (const auto& c : report.results()) lines += "\n  " + c.subject;
    throw std::runtime_error("no check line ends with \"" + subjectEnd + "\"; the lines:" + lines);
}

/// Runs `f`, expects a pixsync::Error, returns it (kind and message).
template <class F>
Error errorFrom(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "no pixsync::Error thrown";
    return Error(ErrorKind::Internal, "none");
}

inline rapidjson::Document parseJson(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    EXPECT_FALSE(d.HasParseError()) << text.substr(0, 200);
    return d;
}

class ImmichTest : public ::testing::Test {
  protected:
    /// The users and keys every test has; `assets` is a JSON array of asset specs, `library`
    /// more manifest members ("\"albums\": [...], \"tags\": [...]").
    std::string manifest(const std::string& assets = "[]", const std::string& partners = "[]",
                         const std::string& library = "") {
        return R"({"users": [
            {"id": ")" +
               kJohn + R"(", "email": "john@example.com", "name": "John", "apiKeys": [
                {"key": "john-key-all", "permissions": ["all"]},
                {"key": "john-key-noread", "permissions": ["user.read", "asset.download"]},
                {"key": "john-key-nouser", "permissions": ["asset.read", "asset.download"]},
                {"key": "john-key-noview", "permissions": ["asset.read", "asset.download", "user.read"]},
                {"key": "john-key-nodownload", "permissions": ["asset.read", "user.read"]}]},
            {"id": ")" +
               kJane + R"(", "email": "jane@example.com", "name": "Jane", "apiKeys": [
                {"key": "jane-key-all", "permissions": ["all"]}]},
            {"id": ")" +
               kAdmin + R"(", "email": "admin@example.com", "isAdmin": true, "apiKeys": [
                {"key": "admin-key-users", "permissions": ["user.read"]}]}],
          "partners": )" +
               partners + R"(,
          "assets": )" +
               assets + (library.empty() ? "" : ", " + library) + "}";
    }

    /// Starts the fake with this manifest.
    void start(const std::string& manifestJson, const std::vector<std::string>& args = {}) {
        auto path = writeFile(dir_ / "manifest.json", manifestJson);
        immich_ = std::make_unique<FakeImmich>(path, args);
    }

    FakeImmich& immich() { return *immich_; }
    const std::filesystem::path& dir() const { return dir_.path(); }

    /// Options for John's route with his all-permissions key.
    Options options(const std::string& key = "john-key-all",
                    const std::string& user = "john@example.com") {
        Options o;
        o.set("immich_base_url",
              immich_ ? immich_->baseUrl() : std::string("http://127.0.0.1:1/api"))
            .set("user", user)
            .set("api_key", key);
        o.describe("pixsync.json", KeyStyle::Json, dir_.path());
        return o;
    }

    /// The built plugin, loaded from the plugin folder.
    std::unique_ptr<Source> makeSource(const Options& o) {
        if (!loaded_) {
            registry_.load(pluginDir() / "pixsync-immich.so");
            loaded_ = true;
        }
        const LoadedPlugin& plugin = registry_.find("immich", PluginKind::Source);
        PluginContext context{"immich", log_, clock_, dir_.path()};
        return plugin.descriptor->createSource(o, context);
    }

    /// Adds assets through the admin API; returns their ids.
    std::vector<std::string> addAssets(const std::string& spec) {
        auto d = parseJson(immich_->admin("POST", "/assets", spec));
        std::vector<std::string> ids;
        for (const auto& id : d["ids"].GetArray()) ids.emplace_back(id.GetString());
        return ids;
    }

    void setFavorite(const std::string& id, bool favorite) {
        immich_->admin(
            "POST", "/favorite",
            cat(R"({"id": ")", id, R"(", "isFavorite": )", favorite ? "true" : "false", "}"));
    }

    /// Requests the fake counted for an endpoint ("POST /api/search/metadata").
    int requests(const std::string& endpoint) {
        auto d = parseJson(immich_->admin("GET", "/counters"));
        const auto& e = d["endpoints"];
        if (!e.HasMember(endpoint.c_str())) return 0;
        return e[endpoint.c_str()]["requests"].GetInt();
    }
    int totalRequests() {
        auto d = parseJson(immich_->admin("GET", "/counters"));
        return d["total"]["requests"].GetInt();
    }

    std::string logText() const { return captured_->text(); }

    ImmichTest() {
        log_.addOutput(captured_);
        log_.setLevel(LogLevel::Debug);
    }

  private:
    TempDir dir_;
    FakeClock clock_;
    std::shared_ptr<CapturedLog> captured_ = std::make_shared<CapturedLog>();
    Logger log_;
    PluginRegistry registry_;
    bool loaded_ = false;
    std::unique_ptr<FakeImmich> immich_;
};

}  // namespace pixsync::test
