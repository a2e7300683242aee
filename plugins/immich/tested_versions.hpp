#pragma once
// The Immich versions pixsync was tested against (README, "Immich permissions"). Others may
// work, but differ in what they answer: `check` and the first poll say so.

#include <string>

#include "immich_json.hpp"

namespace pixsync::immich {

inline constexpr ServerVersion kOldestTested{2, 3, 1};
inline constexpr ServerVersion kNewestTested{2, 3, 1};

/// True when `v` lies within the tested range.
inline bool isTestedVersion(const ServerVersion& v) {
    auto key = [](const ServerVersion& x) { return (x.major * 1000 + x.minor) * 1000 + x.patch; };
    return key(v) >= key(kOldestTested) && key(v) <= key(kNewestTested);
}

/// "v2.3.1" or "v2.3.1 to v2.4.0".
inline std::string testedVersions() {
    std::string oldest = "v" + kOldestTested.text(), newest = "v" + kNewestTested.text();
    return oldest == newest ? oldest : oldest + " to " + newest;
}

/// The warning for a version outside the tested range.
inline std::string untestedVersionWarning(const ServerVersion& v) {
    return "Immich v" + v.text() + " is outside the versions pixsync was tested with (" +
           testedVersions() +
           "); it may answer differently: if something fails, mention the version when "
           "reporting it";
}

}  // namespace pixsync::immich
