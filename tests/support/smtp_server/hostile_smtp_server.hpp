#pragma once
// Test helper: starts tests/support/smtp_server/hostile_smtp_server.py in one mode on
// 127.0.0.1 for the lifetime of an object (add tests/support/smtp_server to the include path).

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace pixsync::test {

/// tests/support/smtp_server/hostile_smtp_server.py in one mode, stopped when destroyed.
class HostileSmtpServer {
  public:
    explicit HostileSmtpServer(const std::string& mode, std::vector<std::string> extra = {}) {
        std::vector<std::string> argv{
            python(),        (supportDir() / "smtp_server" / "hostile_smtp_server.py").string(),
            "--mode",        mode,
            "--port-file",   (dir_ / "port").string(),
            "--cert-dir",    (dir_ / "cert").string(),
            "--ca-file-out", (dir_ / "ca-path").string(),
            "--lifetime",    "90"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        process_ = std::make_unique<BackgroundProcess>(argv, dir_.path(), dir_ / "server.out");
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!std::filesystem::exists(dir_ / "port")) {
            if (std::chrono::steady_clock::now() > deadline)
                throw std::runtime_error("the hostile SMTP server did not start: " + output());
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        port_ = std::stoi(readFile(dir_ / "port"));
    }

    int port() const { return port_; }
    /// The certificate (tls-drip only).
    std::string caFile() const { return readFile(dir_ / "ca-path"); }
    std::string output() const {
        return std::filesystem::exists(dir_ / "server.out") ? readFile(dir_ / "server.out") : "";
    }

  private:
    TempDir dir_;
    std::unique_ptr<BackgroundProcess> process_;
    int port_ = 0;
};

}  // namespace pixsync::test
