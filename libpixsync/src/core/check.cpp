#include "pixsync/check.hpp"

namespace pixsync {

void CheckReport::pass(std::string subject, std::string detail) {
    results_.push_back({CheckResult::Status::Passed, std::move(subject), std::move(detail), {}});
}

void CheckReport::notice(std::string subject, std::string detail) {
    results_.push_back({CheckResult::Status::Notice, std::move(subject), std::move(detail), {}});
}

void CheckReport::fail(std::string subject, std::string detail, std::string fix) {
    results_.push_back(
        {CheckResult::Status::Failed, std::move(subject), std::move(detail), std::move(fix)});
}

void CheckReport::warn(std::string subject, std::string detail, std::string fix) {
    results_.push_back(
        {CheckResult::Status::Warning, std::move(subject), std::move(detail), std::move(fix)});
}

bool CheckReport::ok() const noexcept {
    for (const auto& r : results_)
        if (r.status == CheckResult::Status::Failed) return false;
    return true;
}

}  // namespace pixsync
