#pragma once
// Test helper: starts tests/support/smtp_server/smtp_server.py (aiosmtpd) on 127.0.0.1 for the
// lifetime of an object. Header-only so any test target can include it (add
// tests/support/smtp_server to its include path).

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace pixsync::test {

/// How the test SMTP server behaves (see README.md beside the script).
struct SmtpServerOptions {
    bool starttls = false;                  ///< offer and require STARTTLS
    bool implicitTls = false;               ///< TLS from the first byte (port-465 style)
    std::string authUser;                   ///< require AUTH as this user
    std::string authPassword;               ///< PLAIN/LOGIN password
    std::string oauth2Token;                ///< XOAUTH2 token
    bool allowPlaintextAuth = false;        ///< offer AUTH without TLS
    int failFirst = 0;                      ///< 451 for the first N messages
    std::vector<std::string> reject;        ///< 550 for these recipients
    std::vector<std::string> refuseSender;  ///< 553 5.7.1 for MAIL FROM these senders
    long maxSize = 0;                       ///< 552 for messages over N bytes
    int dropAfter = 0;                      ///< 421 + close after N messages on one connection
    std::optional<int> quotaAfter;          ///< quota reply after N saved messages
    std::string quotaReply;                 ///< replaces the default (Gmail's daily quota reply)
    std::string certName;  ///< a certificate for this DNS name only (not 127.0.0.1)
};

/// A running test SMTP server; stopped (SIGTERM, then SIGKILL) on destruction.
class SmtpTestServer {
  public:
    explicit SmtpTestServer(const SmtpServerOptions& options = {}) {
        namespace fs = std::filesystem;
        const fs::path portFile = dir_ / "port";
        std::vector<std::string> argv{
            python(),      (supportDir() / "smtp_server" / "smtp_server.py").string(),
            "--port-file", portFile.string(),
            "--maildir",   maildir().string(),
            "--log-file",  logFile().string(),
            "--cert-dir",  (dir_ / "cert").string()};
        if (options.starttls || options.implicitTls)
            argv.insert(argv.end(), {"--ca-file-out", (dir_ / "ca-path").string()});
        if (!options.certName.empty()) argv.insert(argv.end(), {"--cert-name", options.certName});
        if (options.starttls) argv.push_back("--starttls");
        if (options.implicitTls) argv.push_back("--implicit-tls");
        if (!options.authUser.empty()) argv.insert(argv.end(), {"--auth-user", options.authUser});
        if (!options.authPassword.empty())
            argv.insert(argv.end(), {"--auth-password", options.authPassword});
        if (!options.oauth2Token.empty())
            argv.insert(argv.end(), {"--oauth2-token", options.oauth2Token});
        if (options.allowPlaintextAuth) argv.push_back("--allow-plaintext-auth");
        if (options.failFirst > 0)
            argv.insert(argv.end(), {"--fail-first", std::to_string(options.failFirst)});
        for (const auto& r : options.reject) argv.insert(argv.end(), {"--reject", r});
        for (const auto& r : options.refuseSender) argv.insert(argv.end(), {"--refuse-sender", r});
        if (options.maxSize > 0)
            argv.insert(argv.end(), {"--max-size", std::to_string(options.maxSize)});
        if (options.dropAfter > 0)
            argv.insert(argv.end(), {"--drop-after", std::to_string(options.dropAfter)});
        if (options.quotaAfter)
            argv.insert(argv.end(), {"--quota-after", std::to_string(*options.quotaAfter)});
        if (!options.quotaReply.empty())
            argv.insert(argv.end(), {"--quota-reply", options.quotaReply});

        const std::string errPath = (dir_ / "server.out").string();
        pid_ = spawn(argv, {.output = errPath});

        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!fs::exists(portFile)) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("test SMTP server exited: " + readFile(errPath));
            }
            if (std::chrono::steady_clock::now() > deadline) {
                stop();
                throw std::runtime_error("test SMTP server did not start: " + readFile(errPath));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        port_ = std::stoi(readFile(portFile));
        if (options.starttls || options.implicitTls) caFile_ = readFile(dir_ / "ca-path");
    }

    ~SmtpTestServer() { stop(); }
    SmtpTestServer(const SmtpTestServer&) = delete;
    SmtpTestServer& operator=(const SmtpTestServer&) = delete;

    /// The port on 127.0.0.1.
    int port() const { return port_; }
    /// The server's self-signed certificate (for smtp_ca_file); empty without TLS.
    const std::filesystem::path& caFile() const { return caFile_; }
    /// Where received messages are stored: NNNN-<recipient>.eml, one per recipient.
    std::filesystem::path maildir() const { return dir_ / "mail"; }
    /// The event log (CONNECT, EHLO, AUTH, SAVED, ... one per line).
    std::filesystem::path logFile() const { return dir_ / "events.log"; }

    /// Received messages, in arrival order.
    std::vector<std::filesystem::path> messages() const {
        std::vector<std::filesystem::path> found;
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(maildir(), ec))
            if (entry.path().extension() == ".eml") found.push_back(entry.path());
        std::sort(found.begin(), found.end());
        return found;
    }

    /// The event log's lines that start with `event`.
    std::vector<std::string> events(const std::string& event) const {
        std::vector<std::string> lines;
        if (!std::filesystem::exists(logFile())) return lines;
        std::string text = readFile(logFile());
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t end = text.find('\n', start);
            if (end == std::string::npos) end = text.size();
            std::string line = text.substr(start, end - start);
            if (line.rfind(event, 0) == 0) lines.push_back(line);
            start = end + 1;
        }
        return lines;
    }

    /// Connections accepted so far.
    std::size_t connections() const { return events("CONNECT").size(); }

  private:
    void stop() noexcept {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        for (int i = 0; i < 250; ++i) {
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

    TempDir dir_;
    pid_t pid_ = -1;
    int port_ = 0;
    std::filesystem::path caFile_;
};

}  // namespace pixsync::test
