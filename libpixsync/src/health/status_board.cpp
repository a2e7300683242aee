#include "pixsync/host/health.hpp"

namespace pixsync {

void StatusBoard::publish(StatusReport report) {
    auto next = std::make_shared<const StatusReport>(std::move(report));
    std::lock_guard lock(mutex_);
    latest_ = std::move(next);
}

std::shared_ptr<const StatusReport> StatusBoard::latest() const {
    std::lock_guard lock(mutex_);
    return latest_;
}

}  // namespace pixsync
