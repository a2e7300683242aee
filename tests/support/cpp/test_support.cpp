#include "test_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace pixsync::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "pixsync-test-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
}

TempDir::~TempDir() {
    std::error_code ec;
    // Restore permissions a test may have removed so the folder can be deleted.
    for (auto it = fs::recursive_directory_iterator(path_, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
}

fs::path pluginDir() { return PIXSYNC_TEST_PLUGIN_DIR; }
fs::path testPluginsDir() { return PIXSYNC_TEST_PLUGINS_DIR; }
fs::path cliPath() { return PIXSYNC_TEST_CLI; }
fs::path supportDir() { return PIXSYNC_TEST_SUPPORT_DIR; }
std::string python() { return PIXSYNC_TEST_PYTHON; }

fs::path writeFile(const fs::path& p, const std::string& content) {
    if (p.has_parent_path()) fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + p.string());
    return p;
}

std::string readFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

int servedPort(const std::string& logText) {
    static const std::string kLine = "/healthz and /metrics on port ";
    const auto at = logText.rfind(kLine);  // the newest daemon's
    if (at == std::string::npos) return 0;
    return std::atoi(logText.c_str() + at + kLine.size());
}

long metricValue(const std::string& metrics, const std::string& name) {
    const std::string line = "\n" + name + " ";
    const auto at = metrics.find(line);
    return at == std::string::npos ? -1 : std::atol(metrics.c_str() + at + line.size());
}

ClosedPort::ClosedPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        throw std::runtime_error("cannot reserve a port on 127.0.0.1");
    port_ = ntohs(addr.sin_port);
}

ClosedPort::~ClosedPort() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace pixsync::test
