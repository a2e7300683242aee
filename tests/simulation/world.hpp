#pragma once
// The simulated world of one seed: routes and frames, every photo's favorite history and the
// fault it carries, and the outages, quota replies and crashes to come. Drawn once from the
// seed, then read only: the scripted source and sink answer from it.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "pixsync/asset.hpp"
#include "pixsync/clock.hpp"
#include "pixsync/sink.hpp"

namespace pixsync::test {

/// What is wrong with one photo, whatever the state of the services.
enum class PhotoFault {
    None,
    DownloadUnavailable,  ///< every download fails like an HTTP 500, a cut or a drip
    DownloadMedia,        ///< the source says the media cannot be had (gone, over the limit)
    BadOriginal,          ///< the sink cannot use the original; the preview works
    BadPreview,           ///< the sink can use neither the original nor the preview
    SinkRetryLater,       ///< the sink refuses the message with a 4xx, every time
    SinkRejected,         ///< the sink refuses the message with a 5xx
};

const char* toString(PhotoFault fault) noexcept;

/// True when the photo can reach its frames once the services work.
inline bool deliverable(PhotoFault fault) {
    return fault == PhotoFault::None || fault == PhotoFault::BadOriginal;
}

/// [start, end)
struct Window {
    TimePoint start{}, end{};
    bool contains(TimePoint t) const { return t >= start && t < end; }
};

struct Photo {
    Asset asset;
    std::size_t route = 0;
    PhotoFault fault = PhotoFault::None;
    TimePoint favoritedAt{};
    std::optional<TimePoint> unfavoritedAt;
    bool favoriteAt(TimePoint t) const {
        return favoritedAt <= t && (!unfavoritedAt || t < *unfavoritedAt);
    }
};

struct RouteSpec {
    std::string id;
    std::vector<std::string> frames;
    std::vector<std::size_t> photos;  ///< indexes into World::photos
};

struct World {
    std::uint64_t seed = 0;
    TimePoint start{};
    TimePoint faultsEnd{};  ///< no new favorite, outage, quota reply or crash starts after this
    Duration pollInterval = std::chrono::minutes(5);
    RateLimits limits;
    std::size_t photosAhead = 1;
    std::vector<RouteSpec> routes;
    std::vector<Photo> photos;
    std::unordered_map<std::string, std::size_t> photoById;
    std::vector<std::vector<Window>> sourceOutages;  ///< per route
    std::vector<Window> sinkOutages;
    std::vector<Window> quotas;          ///< the sink answers "quota exceeded" until the end
    std::vector<std::uint64_t> crashes;  ///< state writes (1-based) that never happen

    const Photo* photo(const std::string& assetId) const;
    /// The outage or quota window `t` is in, if any.
    const Window* sourceOutage(std::size_t route, TimePoint t) const;
    const Window* sinkOutage(TimePoint t) const;
    const Window* quota(TimePoint t) const;
    /// Whether any of the windows touches [t - before, t]: the engine may still hold back
    /// for a while after an outage ended.
    static bool near(const std::vector<Window>& windows, TimePoint t, Duration before);
    /// One paragraph describing the world, for --verbose.
    std::string describe() const;
};

/// Draws the world of `seed`: faults over `days` days from `start`.
World makeWorld(std::uint64_t seed, int days, TimePoint start);

}  // namespace pixsync::test
