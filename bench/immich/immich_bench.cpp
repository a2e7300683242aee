// pixsync-bench-immich: what the immich source costs, measured against the fake Immich.
//
//   pixsync-bench-immich [--favorites 10000] [--download-mb 50] [--plugin-dir DIR]
//                        [--python PYTHON] [--fake fake_immich.py]
//
// Two users with --favorites favorites each; Jane shares her library with John, so John's
// search also returns Jane's favorites (which pixsync drops). Figures: requests and bytes of
// a full listing and of an idle incremental poll (from the fake's counters), the listing's
// time and peak memory (getrusage maxrss before/after), and the throughput of downloading a
// --download-mb original with maxrss before/after (it must stay flat: the file is streamed).
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "pixsync/error.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "pixsync/http_client.hpp"
#include "pixsync/util/strings.hpp"

using namespace pixsync;
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

namespace {

struct Args {
    int favorites = 10000;
    int downloadMb = 50;
    fs::path pluginDir = defaultPluginDir();
    std::string python = PIXSYNC_BENCH_PYTHON;
    fs::path fake = PIXSYNC_BENCH_FAKE_IMMICH;
};

long maxRssKb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

double seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

/// The fake Immich in a child process, stopped on destruction.
class Fake {
  public:
    Fake(const Args& args, const fs::path& manifest, const fs::path& dir) {
        fs::path portFile = dir / "port";
        std::vector<std::string> argv = {args.python,  args.fake.string(), "--port",
                                         "0",          "--port-file",      portFile.string(),
                                         "--manifest", manifest.string()};
        pid_ = ::fork();
        if (pid_ == 0) {
            std::vector<char*> raw;
            for (auto& a : argv) raw.push_back(a.data());
            raw.push_back(nullptr);
            ::execv(raw[0], raw.data());
            ::_exit(127);
        }
        auto deadline = Steady::now() + std::chrono::seconds(120);
        while (port_ == 0) {
            std::ifstream in(portFile);
            if (!(in >> port_)) port_ = 0;
            if (port_ == 0 && Steady::now() > deadline)
                throw std::runtime_error("the fake Immich did not start");
            if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        HttpClientOptions o;
        o.baseUrl = cat("http://127.0.0.1:", port_, "/__admin");
        o.timeout = std::chrono::seconds(60);
        admin_ = std::make_unique<HttpClient>(o);
    }
    ~Fake() {
        admin_.reset();
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
    }
    std::string baseUrl() const { return cat("http://127.0.0.1:", port_, "/api"); }
    rapidjson::Document admin(const std::string& method, const std::string& path,
                              const std::string& body = {}) {
        HttpResponse r = admin_->request(method, path, body);
        rapidjson::Document d;
        d.Parse(r.body.c_str(), r.body.size());
        return d;
    }

  private:
    pid_t pid_ = -1;
    int port_ = 0;
    std::unique_ptr<HttpClient> admin_;
};

void printCounters(const std::string& what, Fake& fake) {
    auto d = fake.admin("GET", "/counters");
    const auto& t = d["total"];
    std::printf("%-44s %8d requests %12lld bytes in %12lld bytes out\n", what.c_str(),
                t["requests"].GetInt(), static_cast<long long>(t["bytesIn"].GetInt64()),
                static_cast<long long>(t["bytesOut"].GetInt64()));
}

int run(const Args& args) {
    fs::path dir = fs::temp_directory_path() / cat("pixsync-bench-immich-", ::getpid());
    fs::create_directories(dir);
    const std::string john = "10000000-0000-4000-8000-000000000001";
    {
        std::ofstream m(dir / "manifest.json");
        m << R"({"users": [
              {"id": ")"
          << john
          << R"(", "email": "john@example.com", "apiKeys": [{"key": "john-key-bench", "permissions": ["all"]}]},
              {"email": "jane@example.com", "apiKeys": [{"key": "jane-key-bench", "permissions": ["all"]}]}],
            "partners": [{"sharedBy": "jane@example.com", "sharedWith": "john@example.com"}],
            "assets": [
              {"owner": "john@example.com", "count": )"
          << args.favorites << R"(, "size": 3000000, "originalFileName": "IMG.HEIC"},
              {"owner": "jane@example.com", "count": )"
          << args.favorites << R"(, "size": 3000000, "originalFileName": "IMG.JPG"},
              {"owner": "john@example.com", "size": )"
          << static_cast<long long>(args.downloadMb) * 1024 * 1024
          << R"(, "isFavorite": false, "originalFileName": "big.mov", "id": "bbbbbbbb-0000-4000-8000-000000000001"}]})";
    }
    Fake fake(args, dir / "manifest.json", dir);

    PluginRegistry registry;
    registry.load(args.pluginDir / "pixsync-immich.so");
    const LoadedPlugin& plugin = registry.find("immich", PluginKind::Source);
    SystemClock clock;
    Logger log;
    PluginContext context{"immich", log, clock, dir};
    Options o;
    o.set("immich_base_url", fake.baseUrl())
        .set("user", "john@example.com")
        .set("api_key", "john-key-bench");
    auto source = plugin.descriptor->createSource(o, context);

    std::printf(
        "immich source against the fake Immich: %d favorites per user, a partner's %d in the "
        "search\n",
        args.favorites, args.favorites);
    fake.admin("DELETE", "/requests");
    long rssBefore = maxRssKb();
    auto t0 = Steady::now();
    Listing full = source->list("");
    auto listTime = Steady::now() - t0;
    long rssAfter = maxRssKb();
    printCounters(cat("full listing (", full.assets.size(), " kept)"), fake);
    std::printf("%-44s %8.2f s   peak RSS %ld -> %ld KB (+%ld KB)\n",
                "full listing time and memory", seconds(listTime), rssBefore, rssAfter,
                rssAfter - rssBefore);

    fake.admin("DELETE", "/requests");
    t0 = Steady::now();
    Listing idle = source->list(full.cursor);
    auto idleTime = Steady::now() - t0;
    printCounters(cat("idle incremental poll (", idle.assets.size(), " new)"), fake);
    std::printf("%-44s %8.3f s\n", "idle incremental poll time", seconds(idleTime));

    Asset big;
    big.id = "bbbbbbbb-0000-4000-8000-000000000001";
    big.fileName = "big.mov";
    big.mimeType = "video/quicktime";
    fake.admin("DELETE", "/requests");
    rssBefore = maxRssKb();
    t0 = Steady::now();
    {
        MediaFile media = source->fetch(big);
        auto downloadTime = Steady::now() - t0;
        rssAfter = maxRssKb();
        double mb = static_cast<double>(media.size) / (1024.0 * 1024.0);
        std::printf("%-44s %8.1f MB in %.2f s = %.1f MB/s   peak RSS %ld -> %ld KB (+%ld KB)\n",
                    "download of an original", mb, seconds(downloadTime),
                    mb / seconds(downloadTime), rssBefore, rssAfter, rssAfter - rssBefore);
    }
    printCounters("download", fake);
    source.reset();
    fs::remove_all(dir);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string key = argv[i], value = argv[i + 1];
        if (key == "--favorites")
            args.favorites = std::stoi(value);
        else if (key == "--download-mb")
            args.downloadMb = std::stoi(value);
        else if (key == "--plugin-dir")
            args.pluginDir = value;
        else if (key == "--python")
            args.python = value;
        else if (key == "--fake")
            args.fake = value;
        else {
            std::cerr << "unknown option " << key << "\n";
            return 2;
        }
    }
    try {
        return run(args);
    } catch (const std::exception& e) {
        std::cerr << "pixsync-bench-immich: " << e.what() << "\n";
        return 1;
    }
}
