// The status page's costs, in CPU time of this process:
//   - rendering GET / from a status model of 10 routes and 50 recent deliveries (what each
//     request does; the model itself is built once per daemon cycle, not per request);
//   - making a delivered photo's thumbnail from its frame-ready JPEG, as a ratio to the
//     transform that made that JPEG from a 12 MP original.
//
//   pixsync-bench-status [RUNS] [PHOTO]   one line per figure (medians of RUNS, default 9);
//                                         PHOTO: a 12 MP JPEG (default: a synthetic one)

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "pixsync/host/test_picture.hpp"
#include "pixsync/host/thumbnail_cache.hpp"
#include "pixsync/media_transform.hpp"
#include "pixsync/util/strings.hpp"
#include "status_page.hpp"

namespace {

namespace fs = std::filesystem;
using namespace pixsync;

double cpuMs() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
           (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

StatusReport tenRoutes() {
    StatusReport r;
    r.at = TimePoint(std::chrono::seconds(1'780'000'000));
    SinkStatus sink;
    sink.health.name = "pixstar";
    sink.health.perMinute = 20;
    sink.health.perDay = 450;
    r.sinks.push_back(sink);
    for (int i = 0; i < 10; ++i) {
        RouteStatus route;
        route.summary.route = cat("user", i, "@example.com");
        route.sink = "pixstar";
        route.frames = {cat("frame", i, "@mypixstar.com"), "family@mypixstar.com"};
        route.summary.favorites = 400;
        route.summary.delivered = 800;
        route.summary.lastPass = PassRecord{};
        for (int f = 0; f < 2; ++f)
            route.summary.recentFailures.push_back(
                FailureRecord{{route.summary.route, cat("asset-", i, "-", f), route.frames[0]},
                              cat("IMG_", i, f, ".HEIC"),
                              "552 5.3.4 message too big",
                              r.at});
        r.routes.push_back(route);
    }
    for (int i = 0; i < 50; ++i)
        r.recent.push_back(
            RecentDelivery{{cat("user", i % 10, "@example.com"),
                            cat("00000000-0000-4000-8000-0000000000", i), "family@mypixstar.com"},
                           i % 7 ? DeliveryStatus::Delivered : DeliveryStatus::Failed,
                           cat("IMG_", 1000 + i, ".jpg"),
                           AssetKind::Image,
                           "pixstar",
                           r.at,
                           i % 7 ? "" : "550 5.1.1 user unknown"});
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 9;

    const StatusReport report = tenRoutes();
    const StatusPageInfo info{std::chrono::seconds(300), [](const std::string&) { return true; }};
    std::vector<double> render;
    std::size_t bytes = 0;
    for (int r = 0; r < runs; ++r) {
        constexpr int kPages = 200;
        const double start = cpuMs();
        for (int i = 0; i < kPages; ++i) bytes = renderStatusPage(report, info).size();
        render.push_back((cpuMs() - start) / kPages);
    }
    std::printf("render GET / (10 routes, 50 deliveries, %zu bytes): %.3f ms CPU per request\n",
                bytes, median(render));

    const fs::path dir = fs::temp_directory_path() / cat("pixsync-bench-status-", ::getpid());
    fs::create_directories(dir);
    char error[256] = {};
    fs::path original = dir / "original.jpg";
    if (argc > 2) {
        original = argv[2];
    } else if (pixsync_media_write_test_picture(original.c_str(), 4000, 3000, error,
                                                sizeof error) != 0) {
        std::fprintf(stderr, "cannot make the 12 MP picture: %s\n", error);
        return 1;
    }
    ThumbnailCache cache(dir / "thumbs", 1 << 30, Logger{});
    std::vector<double> transform, thumbnail;
    for (int r = 0; r < runs; ++r) {
        MediaFile media;
        media.file = TempFile::create(dir, ".jpg");
        fs::copy_file(original, media.file.path(), fs::copy_options::overwrite_existing);
        media.mimeType = "image/jpeg";
        double start = cpuMs();
        const FrameMedia ready = prepareForFrame(media, FrameProfile{}, dir);
        transform.push_back(cpuMs() - start);
        start = cpuMs();
        cache.keep(cat("photo-", r), ready.path);
        thumbnail.push_back(cpuMs() - start);
    }
    {
        MediaFile media;
        media.file = TempFile::create(dir, ".jpg");
        fs::copy_file(original, media.file.path(), fs::copy_options::overwrite_existing);
        media.mimeType = "image/jpeg";
        const FrameMedia ready = prepareForFrame(media, FrameProfile{}, dir);
        std::vector<double> alone;
        for (int r = 0; r < runs; ++r) {
            const double start = cpuMs();
            cache.keep(cat("again-", r), ready.path);
            alone.push_back(cpuMs() - start);
        }
        std::printf("thumbnail, the same frame-ready file again and again: %.1f ms CPU\n",
                    median(alone));
    }
    std::printf(
        "thumbnail of a delivered photo (%s): %.1f ms CPU vs %.1f ms for its transform "
        "(%.1f %%)\n",
        argc > 2 ? argv[2] : "synthetic 12 MP", median(thumbnail), median(transform),
        100 * median(thumbnail) / median(transform));
    fs::remove_all(dir);
    return 0;
}
