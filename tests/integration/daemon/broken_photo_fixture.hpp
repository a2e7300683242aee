#pragma once
// John's library with one broken photo among healthy favorites: Immich cannot send that
// photo's media (a fault on its path, on every request), the others are fine. One photo more
// is in the library but not a favorite yet, for a test to favorite while the broken one fails.

#include <gmock/gmock.h>

#include <set>

#include "daemon_fixture.hpp"

namespace pixsync::test {

class BrokenPhotoTest : public DaemonTest {
  protected:
    static constexpr int kPhotos = 5;  ///< favorites 0..4 at the start
    static constexpr int kBroken = 2;  ///< among them, between healthy ones
    static constexpr int kLater = 5;   ///< in the library, favorited by the test

    /// The favorites but the broken one.
    static std::set<int> healthy() {
        std::set<int> photos;
        for (int i = 0; i < kPhotos; ++i)
            if (i != kBroken) photos.insert(i);
        return photos;
    }

    /// The fake Immich, the SMTP server and the original's files with `env` added.
    void startLibrary(const std::map<std::string, std::string>& env = {}) {
        startImmich(kPhotos, 1);
        startSmtp();
        writeConfig(env);
    }

    /// Every request for photo i's `what` ("original", "thumbnail") gets `fault` from now on.
    void breakPhoto(int i, const std::string& fault, const std::string& what = "original") {
        immich->injectFault(fault, 100000, "/api/assets/" + assetId(i) + "/" + what);
    }

    /// `pixsync once`, which must succeed: a photo's failure is not the route's.
    void expectPassSucceeds() {
        const auto once = pixsync({"once"});
        EXPECT_EQ(once.exitCode, 0) << "one photo's failure is no failing route:\n"
                                    << once.out << once.err;
    }

    /// "status attempts detail" of photo i's deliveries, one line per frame, from the state.
    std::string deliveriesOf(int i) {
        return run({python(), "-c",
                    "import sqlite3, sys\n"
                    "db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)\n"
                    "for row in db.execute('SELECT status, attempts, detail FROM deliveries "
                    "WHERE asset_id = ? ORDER BY destination', (sys.argv[2],)):\n"
                    " print(*row)\n",
                    (dir / "pixsync_state.db").string(), assetId(i)})
            .out;
    }

    /// Photo i is kept for another try (per frame: queued, `attempts` used) and its reason,
    /// containing `reason`, is recorded.
    void expectQueuedForRetry(int i, int attempts, const std::string& reason) {
        const std::string rows = deliveriesOf(i);
        const std::string prefix = "queued " + std::to_string(attempts) + " ";
        std::size_t n = 0;
        for (std::size_t start = 0; start < rows.size();) {
            std::size_t end = rows.find('\n', start);
            if (end == std::string::npos) end = rows.size();
            const std::string row = rows.substr(start, end - start);
            EXPECT_THAT(row, ::testing::StartsWith(prefix));
            EXPECT_THAT(row, ::testing::HasSubstr(reason));
            ++n;
            start = end + 1;
        }
        EXPECT_EQ(n, kJohnFrames.size()) << rows;
    }

    /// `pixsync status` says the route and the sink are fine (exit 0).
    void expectRouteOk() {
        const auto status = pixsync({"status"});
        EXPECT_EQ(status.exitCode, 0) << status.out << status.err;
        EXPECT_THAT(status.out, ::testing::HasSubstr("route john@example.com: ok\n"))
            << "a broken photo neither holds nor fails its route";
        EXPECT_THAT(status.out, ::testing::HasSubstr("sink pixstar: ok"));
    }

    /// Each of `photos` reached every frame exactly once, and nothing else arrived.
    void expectReceived(const std::set<int>& photos) const {
        const auto counts = received();
        for (int i : photos)
            for (const auto& frame : kJohnFrames) {
                const auto it = counts.find({frame, fileName(i)});
                EXPECT_TRUE(it != counts.end() && it->second == 1)
                    << fileName(i) << " reached " << frame << " "
                    << (it == counts.end() ? 0 : it->second) << " times, not once";
            }
        std::size_t total = 0;
        for (const auto& [key, n] : counts) total += static_cast<std::size_t>(n);
        EXPECT_EQ(total, photos.size() * kJohnFrames.size()) << "messages beyond those photos";
    }

    /// Whether the fake Immich was asked for photo i's original.
    bool originalAskedFor(int i) {
        return immich->admin("GET", "/requests").find("/api/assets/" + assetId(i) + "/original") !=
               std::string::npos;
    }
};

}  // namespace pixsync::test
