// The pixstar sink against the local aiosmtpd server (STARTTLS + AUTH, 127.0.0.1).
//
//   pixsync-bench-smtp [MESSAGES]
//
// Reports messages per second over one connection for a pass-through attachment (100 KB
// video: SMTP, TLS and MIME cost only) and for a small photo (transform included), and the
// process's peak resident memory before and after sending a 15 MB video.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "media_fixtures.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "pixsync/plugin.hpp"
#include "smtp_server.hpp"
#include "test_support.hpp"

namespace {

using namespace pixsync;
using Stopwatch = std::chrono::steady_clock;

long peakRssKiB() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

class Bench {
  public:
    explicit Bench(const test::SmtpTestServer& server) {
        registry_.load(test::pluginDir() / "pixsync-pixstar.so");
        Options options;
        options.set("smtp_host", "127.0.0.1")
            .set("smtp_port", std::to_string(server.port()))
            .set("smtp_user", "sender@example.com")
            .set("smtp_password", "bench-password")
            .set("smtp_ca_file", server.caFile().string());
        const PluginContext context{"bench", log_, clock_, temp_.path()};
        sink_ =
            registry_.find("pixstar", PluginKind::Sink).descriptor->createSink(options, context);
    }

    bool send(const std::string& fixture, const std::string& mime, const std::string& name) {
        Asset asset;
        asset.fileName = name;
        asset.mimeType = mime;
        const MediaFile media = test::fixtureMedia(fixture, mime, temp_.path());
        const std::string route = "bench@example.com";
        const auto outcomes = sink_->deliver(DeliveryRequest{asset, media, route, route},
                                             {{"frame@mypixstar.com", ""}});
        return outcomes.at(0).kind == Outcome::Kind::Delivered;
    }

    double rate(const std::string& fixture, const std::string& mime, const std::string& name,
                int count) {
        const auto start = Stopwatch::now();
        for (int i = 0; i < count; ++i)
            if (!send(fixture, mime, name)) return -1;
        return count / std::chrono::duration<double>(Stopwatch::now() - start).count();
    }

  private:
    PluginRegistry registry_;
    Logger log_;
    SystemClock clock_;
    test::TempDir temp_;
    std::unique_ptr<Sink> sink_;
};

}  // namespace

int main(int argc, char** argv) {
    try {
        const int count = argc > 1 ? std::stoi(argv[1]) : 100;
        test::SmtpServerOptions serverOptions;
        serverOptions.starttls = true;
        serverOptions.authUser = "sender@example.com";
        serverOptions.authPassword = "bench-password";
        test::SmtpTestServer server(serverOptions);
        // A 15 MB (not MiB) video: just under the default 15 MiB limit.
        const auto video = test::mediaFixtures() / "bench-video-15mb.mp4";
        if (!std::filesystem::exists(video)) {
            std::filesystem::copy_file(test::mediaFixtures() / "video-small.mp4", video);
            std::filesystem::resize_file(video, 15'000'000);
        }

        Bench bench(server);
        bench.send("video-small.mp4", "video/mp4", "warmup.mp4");
        const double passThrough = bench.rate("video-small.mp4", "video/mp4", "clip.mp4", count);
        const double photos = bench.rate("orientation-6.jpg", "image/jpeg", "IMG_0001.JPG", count);
        const long before = peakRssKiB();
        const auto start = Stopwatch::now();
        const bool sent = bench.send("bench-video-15mb.mp4", "video/mp4", "big.mp4");
        const double seconds = std::chrono::duration<double>(Stopwatch::now() - start).count();
        const long after = peakRssKiB();

        std::printf("messages over one connection: %d + %d (connections opened: %zu)\n", count,
                    count, server.connections());
        std::printf("pass-through 100 KB video: %.1f messages/s\n", passThrough);
        std::printf("400x300 photo, transform included: %.1f messages/s\n", photos);
        std::printf(
            "15 MB video: %s in %.2f s; peak RSS %ld KiB before, %ld KiB after (+%ld KiB)\n",
            sent ? "delivered" : "NOT delivered", seconds, before, after, after - before);
        return passThrough > 0 && photos > 0 && sent ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
