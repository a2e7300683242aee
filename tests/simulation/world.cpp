#include "world.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

namespace pixsync::test {

namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

using Rng = std::mt19937_64;

bool chance(Rng& rng, double p) { return std::bernoulli_distribution(p)(rng); }

std::size_t uniform(Rng& rng, std::size_t lo, std::size_t hi) {
    return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
}

/// A duration spread evenly on a log scale: seconds and days are both likely.
Duration logUniform(Rng& rng, Duration lo, Duration hi) {
    std::uniform_real_distribution<double> u(std::log(static_cast<double>(lo.count())),
                                             std::log(static_cast<double>(hi.count())));
    return Duration(static_cast<Duration::rep>(std::exp(u(rng))));
}

Duration exponential(Rng& rng, Duration mean) {
    std::exponential_distribution<double> e(1.0 / static_cast<double>(mean.count()));
    return Duration(static_cast<Duration::rep>(e(rng)) + 1);
}

/// `count` windows starting anywhere in [from, to), each lasting between lo and hi.
std::vector<Window> windows(Rng& rng, std::size_t count, TimePoint from, TimePoint to, Duration lo,
                            Duration hi) {
    std::vector<Window> out;
    const auto span = std::chrono::duration_cast<Duration>(to - from).count();
    for (std::size_t i = 0; i < count; ++i) {
        TimePoint start =
            from + Duration(std::uniform_int_distribution<Duration::rep>(0, span)(rng));
        out.push_back({start, start + logUniform(rng, lo, hi)});
    }
    std::sort(out.begin(), out.end(),
              [](const Window& a, const Window& b) { return a.start < b.start; });
    // Overlapping windows are one longer outage.
    std::vector<Window> merged;
    for (const Window& x : out) {
        if (!merged.empty() && x.start <= merged.back().end)
            merged.back().end = std::max(merged.back().end, x.end);
        else
            merged.push_back(x);
    }
    return merged;
}

std::size_t poisson(Rng& rng, double mean) {
    return static_cast<std::size_t>(std::poisson_distribution<int>(mean)(rng));
}

/// The fault of one photo, from the faults this seed uses.
PhotoFault drawFault(Rng& rng, const std::vector<PhotoFault>& enabled, double rate) {
    if (enabled.empty() || !chance(rng, rate)) return PhotoFault::None;
    return enabled[uniform(rng, 0, enabled.size() - 1)];
}

std::string iso(TimePoint t) { return isoUtcMillis(t); }

}  // namespace

const char* toString(PhotoFault fault) noexcept {
    switch (fault) {
        case PhotoFault::None:
            return "none";
        case PhotoFault::DownloadUnavailable:
            return "download-unavailable";
        case PhotoFault::DownloadMedia:
            return "download-media";
        case PhotoFault::BadOriginal:
            return "bad-original";
        case PhotoFault::BadPreview:
            return "bad-preview";
        case PhotoFault::SinkRetryLater:
            return "sink-4xx";
        case PhotoFault::SinkRejected:
            return "sink-5xx";
    }
    return "?";
}

const Photo* World::photo(const std::string& assetId) const {
    auto it = photoById.find(assetId);
    return it == photoById.end() ? nullptr : &photos[it->second];
}

namespace {
const Window* containing(const std::vector<Window>& windows, TimePoint t) {
    for (const auto& w : windows)
        if (w.contains(t)) return &w;
    return nullptr;
}
}  // namespace

const Window* World::sourceOutage(std::size_t route, TimePoint t) const {
    return containing(sourceOutages[route], t);
}
const Window* World::sinkOutage(TimePoint t) const { return containing(sinkOutages, t); }
const Window* World::quota(TimePoint t) const { return containing(quotas, t); }

bool World::near(const std::vector<Window>& windows, TimePoint t, Duration before) {
    return std::any_of(windows.begin(), windows.end(),
                       [&](const Window& w) { return w.start <= t && t < w.end + before; });
}

World makeWorld(std::uint64_t seed, int dayCount, TimePoint start) {
    Rng rng(seed);
    World w;
    w.seed = seed;
    w.start = start;
    w.faultsEnd = start + days(dayCount);
    w.pollInterval = minutes(5);
    const unsigned perMinute[] = {0, 10, 20};
    const unsigned perDay[] = {0, 450, 2000};
    w.limits.perMinute = perMinute[uniform(rng, 0, 2)];
    w.limits.perDay = perDay[uniform(rng, 0, 2)];
    w.photosAhead = uniform(rng, 0, 1);

    // 2-4 routes on one sink, each with one or two frames out of a small pool, so that some
    // frames are shared.
    const std::size_t routeCount = uniform(rng, 2, 4);
    const std::size_t frameCount = routeCount + 1;
    for (std::size_t r = 0; r < routeCount; ++r) {
        RouteSpec route;
        route.id = "user" + std::to_string(r) + "@example.com";
        const std::size_t frames = uniform(rng, 1, 2);
        while (route.frames.size() < frames) {
            std::string f =
                "frame" + std::to_string(uniform(rng, 0, frameCount - 1)) + "@mypixstar.com";
            if (std::find(route.frames.begin(), route.frames.end(), f) == route.frames.end())
                route.frames.push_back(f);
        }
        w.routes.push_back(std::move(route));
    }

    // Each seed uses some of the per-photo faults, at a few percent of photos.
    std::vector<PhotoFault> faults;
    for (PhotoFault f :
         {PhotoFault::DownloadUnavailable, PhotoFault::DownloadMedia, PhotoFault::BadOriginal,
          PhotoFault::BadPreview, PhotoFault::SinkRetryLater, PhotoFault::SinkRejected})
        if (chance(rng, 0.5)) faults.push_back(f);
    const double faultRate = 0.01 + 0.03 * std::uniform_real_distribution<double>()(rng);

    auto addPhoto = [&](std::size_t route, TimePoint favoritedAt, double unfavoriteChance) {
        Photo p;
        p.route = route;
        const std::size_t n = w.photos.size();
        p.asset.id = "asset-" + std::to_string(n);
        p.asset.checksum = "sum-" + std::to_string(n);
        p.asset.fileName = "IMG_" + std::to_string(n) + ".jpg";
        p.asset.mimeType = "image/jpeg";
        p.asset.kind = AssetKind::Image;
        p.asset.owner = w.routes[route].id;
        p.asset.updatedAt = iso(favoritedAt);
        p.asset.takenAt = p.asset.updatedAt;
        p.asset.sizeBytes = 32;
        p.fault = drawFault(rng, faults, faultRate);
        p.favoritedAt = favoritedAt;
        if (chance(rng, unfavoriteChance))
            p.unfavoritedAt = std::max(favoritedAt, start) + exponential(rng, hours(36));
        w.photoById.emplace(p.asset.id, n);
        w.routes[route].photos.push_back(n);
        w.photos.push_back(std::move(p));
    };

    // Sometimes the first route starts with a backlog of hundreds to thousands of favorites;
    // every route has a few, and favorites a photo now and then.
    for (std::size_t r = 0; r < routeCount; ++r) {
        std::size_t initial = uniform(rng, 0, 20);
        if (r == 0 && chance(rng, 0.6))
            initial = static_cast<std::size_t>(std::exp(
                std::uniform_real_distribution<double>(std::log(200.0), std::log(3000.0))(rng)));
        for (std::size_t i = 0; i < initial; ++i)
            addPhoto(r, start - exponential(rng, days(300)), r == 0 ? 0.01 : 0.05);
    }
    for (std::size_t r = 0; r < routeCount; ++r) {
        const Duration mean = logUniform(rng, hours(2), days(3));
        for (TimePoint t = start + exponential(rng, mean); t < w.faultsEnd;
             t += exponential(rng, mean))
            addPhoto(r, t, 0.08);
    }

    // Whole-service failures, from seconds to days; quota replies until the end of a window.
    const double perThirtyDays = static_cast<double>(dayCount) / 30.0;
    for (std::size_t r = 0; r < routeCount; ++r)
        w.sourceOutages.push_back(
            windows(rng, poisson(rng, perThirtyDays), start, w.faultsEnd, seconds(10), days(3)));
    w.sinkOutages =
        windows(rng, poisson(rng, perThirtyDays), start, w.faultsEnd, seconds(10), days(3));
    w.quotas =
        windows(rng, poisson(rng, perThirtyDays / 2), start, w.faultsEnd, minutes(30), hours(24));

    // Crashes at state writes; a daemon writes a few times per route and poll.
    const std::uint64_t writes = static_cast<std::uint64_t>(dayCount) * 24 * 12 * (routeCount + 2);
    for (std::size_t i = uniform(rng, 0, 4); i > 0; --i)
        w.crashes.push_back(std::uniform_int_distribution<std::uint64_t>(1, writes)(rng));
    std::sort(w.crashes.begin(), w.crashes.end());
    w.crashes.erase(std::unique(w.crashes.begin(), w.crashes.end()), w.crashes.end());
    return w;
}

std::string World::describe() const {
    std::ostringstream out;
    out << "seed " << seed << ": " << routes.size() << " routes, " << photos.size()
        << " photos; limits " << limits.perMinute << "/min " << limits.perDay
        << "/day; photos ahead " << photosAhead << "\n";
    for (const auto& r : routes) {
        out << "  " << r.id << " ->";
        for (const auto& f : r.frames) out << ' ' << f;
        std::size_t faulty = 0, unfavorited = 0, before = 0;
        for (std::size_t i : r.photos) {
            if (photos[i].fault != PhotoFault::None) ++faulty;
            if (photos[i].unfavoritedAt) ++unfavorited;
            if (photos[i].favoritedAt < start) ++before;
        }
        out << ": " << r.photos.size() << " photos (" << before << " before the start, " << faulty
            << " faulty, " << unfavorited << " unfavorited later)\n";
    }
    auto list = [&](const char* what, const std::vector<Window>& ws) {
        for (const auto& x : ws)
            out << "  " << what << ' ' << iso(x.start) << " .. " << iso(x.end) << "\n";
    };
    for (std::size_t r = 0; r < routes.size(); ++r)
        list(("source outage " + routes[r].id).c_str(), sourceOutages[r]);
    list("sink outage", sinkOutages);
    list("quota", quotas);
    for (auto c : crashes) out << "  crash at state write " << c << "\n";
    for (const auto& p : photos)
        if (p.fault != PhotoFault::None)
            out << "  " << p.asset.id << " (" << routes[p.route].id << "): " << toString(p.fault)
                << "\n";
    return out.str();
}

}  // namespace pixsync::test
