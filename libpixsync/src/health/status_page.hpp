#pragma once
// The status page (GET / on the --listen port): the status model as server-rendered HTML that
// works without JavaScript, fetches nothing from elsewhere and fits a phone screen.

#include <functional>
#include <optional>
#include <string>

#include "pixsync/clock.hpp"
#include "pixsync/host/status_report.hpp"

namespace pixsync {

struct StatusPageInfo {
    std::optional<Duration> pollInterval;  ///< the daemon's; none: not polling
    /// True when /thumb/<asset id> has a picture of that asset.
    std::function<bool(const std::string& assetId)> hasThumbnail;
};

/// The whole page. Every value from the report is escaped for its context.
std::string renderStatusPage(const StatusReport& report, const StatusPageInfo& info);

}  // namespace pixsync
