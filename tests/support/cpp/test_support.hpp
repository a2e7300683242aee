#pragma once
// Helpers shared by the C++ tests.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "pixsync/clock.hpp"
#include "process.hpp"

namespace pixsync::test {

/// A clock the test moves by hand.
class FakeClock final : public Clock {
  public:
    explicit FakeClock(TimePoint start = fromUnixMillis(1'760'000'000'000)) : now_(start) {}
    TimePoint now() const override { return now_; }
    void advance(Duration d) { now_ += d; }
    void set(TimePoint t) { now_ = t; }

  private:
    TimePoint now_;
};

/// A fresh, empty folder removed at destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

/// Folder the build puts the in-tree plugins in.
std::filesystem::path pluginDir();
/// Folder of the plugins built only for tests (good/, wrong-abi/, duplicate/, ...).
std::filesystem::path testPluginsDir();
/// The built pixsync binary.
std::filesystem::path cliPath();
/// tests/support in the source tree (fake servers, fixtures).
std::filesystem::path supportDir();
/// The Python interpreter that has the test servers' modules.
std::string python();

/// Writes a file (creating folders), returns its path.
std::filesystem::path writeFile(const std::filesystem::path& p, const std::string& content);
/// Reads a whole file.
std::string readFile(const std::filesystem::path& p);

/// The port of `pixsync run --listen 127.0.0.1:0`, from its log line "serving /healthz and
/// /metrics on port N" (the last such line); 0 while there is none.
int servedPort(const std::string& logText);

/// The value of an unlabelled metric `name` (e.g. "pixsync_polls_total") in a /metrics reply;
/// -1 when it is not there.
long metricValue(const std::string& metrics, const std::string& name);

/// A TCP port on 127.0.0.1 that refuses every connection for as long as this object lives:
/// it is bound (so no other test can take it) but never listens.
class ClosedPort {
  public:
    ClosedPort();
    ~ClosedPort();
    ClosedPort(const ClosedPort&) = delete;
    ClosedPort& operator=(const ClosedPort&) = delete;
    int port() const { return port_; }

  private:
    int fd_ = -1;
    int port_ = 0;
};

}  // namespace pixsync::test
