#include "scripted_source.hpp"

#include <fstream>

#include "pixsync/error.hpp"

namespace pixsync::test {

namespace {
// Incremental listings overlap the previous one a little, as Immich's inclusive updatedAfter
// does; the engine de-duplicates.
constexpr Duration kOverlap = std::chrono::seconds(1);
}  // namespace

std::string mediaContent(const Asset& asset, bool preview) {
    return (preview ? "preview of " : "bytes of ") + asset.id;
}

ScriptedSource::ScriptedSource(const World& world, std::size_t route, const Clock& clock,
                               Observations& observations, std::filesystem::path mediaDir)
    : world_(world),
      route_(route),
      clock_(clock),
      observations_(observations),
      mediaDir_(std::move(mediaDir)) {}

const Photo& ScriptedSource::photoOf(const Asset& asset) const {
    const Photo* p = world_.photo(asset.id);
    if (!p || p->route != route_) {
        observations_.problem("the source of " + world_.routes[route_].id +
                              " was asked for asset '" + asset.id + "', not one of its own");
        throw mediaError("no such asset: " + asset.id);
    }
    return *p;
}

MediaFile ScriptedSource::media(const std::string& content, bool preview) const {
    MediaFile m;
    m.file = TempFile::create(mediaDir_, ".jpg");
    std::ofstream(m.file.path(), std::ios::binary) << content;
    m.mimeType = "image/jpeg";
    m.size = content.size();
    m.isPreview = preview;
    return m;
}

Listing ScriptedSource::list(const std::string& cursor) {
    if (observations_.dead) throw SimulatedCrash{"the process is dead"};
    const TimePoint now = clock_.now();
    if (const Window* outage = world_.sourceOutage(route_, now)) {
        observations_.listingFailed(route_, outage->start);
        throw unavailableError("immich: 503 Service Unavailable (simulated outage)");
    }
    Listing listing;
    listing.full = cursor.empty();
    const TimePoint since =
        listing.full ? TimePoint::min() : fromUnixMillis(std::stoll(cursor.substr(2))) - kOverlap;
    ListingSeen seen{route_, listing.full, now, {}};
    for (std::size_t i : world_.routes[route_].photos) {
        const Photo& p = world_.photos[i];
        if (!p.favoriteAt(now) || p.favoritedAt < since) continue;
        listing.assets.push_back(p.asset);
        seen.assetIds.push_back(p.asset.id);
    }
    listing.cursor = "t=" + std::to_string(toUnixMillis(now));
    observations_.listed(std::move(seen));
    return listing;
}

MediaFile ScriptedSource::fetch(const Asset& asset) {
    if (observations_.dead) throw SimulatedCrash{"the process is dead"};
    const Photo& p = photoOf(asset);
    if (const Window* outage = world_.sourceOutage(route_, clock_.now())) {
        observations_.downloadFailed(route_, outage->start);
        throw unavailableError("immich: connection refused (simulated outage)");
    }
    if (p.fault == PhotoFault::DownloadUnavailable || p.fault == PhotoFault::DownloadMedia)
        observations_.photoFailed(asset.id);
    if (p.fault == PhotoFault::DownloadUnavailable) observations_.downloadRefused(route_, asset.id);
    switch (p.fault) {
        case PhotoFault::DownloadUnavailable: {
            // The three ways a download of one photo goes wrong while the server works.
            static const char* const kWays[] = {
                "immich: 500 Internal Server Error downloading ",
                "immich: connection closed after 12 of 32 bytes of ",
                "immich: too slow: 10 bytes in 31 s downloading ",
            };
            throw unavailableError(kWays[world_.photoById.at(asset.id) % 3] + asset.fileName);
        }
        case PhotoFault::DownloadMedia:
            throw mediaError("immich: " + asset.fileName + " is over the download limit");
        default:
            break;
    }
    observations_.downloadWorked(route_);
    return media(mediaContent(asset, false), false);
}

std::optional<MediaFile> ScriptedSource::fetchPreview(const Asset& asset) {
    if (observations_.dead) throw SimulatedCrash{"the process is dead"};
    photoOf(asset);
    if (world_.sourceOutage(route_, clock_.now()))
        throw unavailableError("immich: connection refused (simulated outage)");
    return media(mediaContent(asset, true), true);
}

void ScriptedSource::check(CheckReport& report) {
    // The engine's probe: the server answers unless the source is in an outage.
    if (observations_.dead || world_.sourceOutage(route_, clock_.now())) {
        report.fail("immich: server", "connection refused (simulated outage)", "wait");
        return;
    }
    observations_.sourceChecked(route_);
}

}  // namespace pixsync::test
