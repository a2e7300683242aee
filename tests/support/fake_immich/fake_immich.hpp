#pragma once
// Starts tests/support/fake_immich/fake_immich.py for a test and stops it afterwards (RAII).
//
//   pixsync::test::FakeImmich immich(manifestPath);
//   options.set("immich_base_url", immich.baseUrl());
//   immich.admin("POST", "/favorite", R"({"id": "...", "isFavorite": false})");
//
// Header-only so any test target can use it: add tests/support/fake_immich to its include
// path. Needs test_support.hpp (python(), supportDir()) and libpixsync's HttpClient.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "pixsync/http_client.hpp"
#include "test_support.hpp"

namespace pixsync::test {

/// A running fake Immich server on 127.0.0.1, stopped when this object goes away.
class FakeImmich {
  public:
    /// Starts the server with a manifest (may be empty: no users, no assets) and extra
    /// command-line arguments (e.g. {"--keep-alive-seconds", "2"}). Waits until it listens.
    explicit FakeImmich(const std::filesystem::path& manifest = {},
                        const std::vector<std::string>& extraArgs = {}) {
        portFile_ = dir_ / "port";
        logFile_ = dir_ / "fake_immich.log";
        std::vector<std::string> argv = {
            python(),      (supportDir() / "fake_immich" / "fake_immich.py").string(),
            "--port",      "0",
            "--port-file", portFile_.string()};
        if (!manifest.empty()) {
            argv.push_back("--manifest");
            argv.push_back(manifest.string());
        }
        argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
        pid_ = spawn(argv, {.output = logFile_, .appendOutput = false});
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (port_ == 0) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("fake Immich exited at start: " + log());
            }
            std::ifstream in(portFile_);
            if (in >> port_ && port_ > 0) break;
            port_ = 0;
            if (std::chrono::steady_clock::now() > deadline) {
                stop();
                throw std::runtime_error("fake Immich did not start within 30 s: " + log());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        for (const auto& a : extraArgs)
            if (a == "--tls-cert") scheme_ = "https";
        HttpClientOptions o;
        o.baseUrl = scheme_ + "://127.0.0.1:" + std::to_string(port_) + "/__admin";
        o.insecure = true;  // the admin side of a TLS fake: its certificate is the test's business
        admin_ = std::make_unique<HttpClient>(o);
    }

    ~FakeImmich() { stop(); }
    FakeImmich(const FakeImmich&) = delete;
    FakeImmich& operator=(const FakeImmich&) = delete;

    /// The port it listens on.
    int port() const { return port_; }
    /// "http://127.0.0.1:<port>/api" (https with --tls-cert), the value for immich_base_url.
    std::string baseUrl() const {
        return scheme_ + "://127.0.0.1:" + std::to_string(port_) + "/api";
    }

    /// Calls the admin API (path below /__admin, e.g. "/counters"); throws unless 2xx.
    std::string admin(const std::string& method, const std::string& path,
                      const std::string& body = {}) {
        HttpResponse r = admin_->request(method, path, body);
        if (!r.ok())
            throw std::runtime_error("fake Immich admin " + method + " " + path + ": HTTP " +
                                     std::to_string(r.status) + " " + r.body);
        return r.body;
    }

    /// Forgets the request log and the counters.
    void resetCounters() { admin("DELETE", "/requests"); }

    /// Injects `count` faults of a kind ("500", "503", "delay", "reset", "close",
    /// "invalid-json", "truncate", "html", "text-502", "drip", "endless-error", "overrun",
    /// "endless-headers", "gzip-bomb") for requests whose path starts with `path`. Faults
    /// with other fields (see README.md): admin("POST", "/faults", ...).
    void injectFault(const std::string& kind, int count, const std::string& path = {},
                     double seconds = 0) {
        std::string body = "{\"kind\": \"" + kind + "\", \"count\": " + std::to_string(count);
        if (!path.empty()) body += ", \"path\": \"" + path + "\"";
        if (seconds > 0) body += ", \"seconds\": " + std::to_string(seconds);
        admin("POST", "/faults", body + "}");
    }

    /// What the server printed (for failure messages).
    std::string log() const {
        std::ifstream in(logFile_);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    /// Stops the server (also done by the destructor).
    void stop() {
        admin_.reset();
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        for (int i = 0; i < 100; ++i) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

  private:
    TempDir dir_;
    std::filesystem::path portFile_, logFile_;
    pid_t pid_ = -1;
    int port_ = 0;
    std::string scheme_ = "http";
    std::unique_ptr<HttpClient> admin_;
};

}  // namespace pixsync::test
