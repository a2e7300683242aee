#pragma once
/// @file check.hpp
/// Results of `pixsync check`: one line per check, passed or failed with the fix; a warning
/// for what works but will likely not do what the user wants.

#include <string>
#include <vector>

namespace pixsync {

/// The result of one check.
struct CheckResult {
    enum class Status { Passed, Notice, Failed, Warning };
    Status status = Status::Passed;
    std::string subject;  ///< what was checked: "immich: john@example.com: API key"
    std::string detail;   ///< what was found: "valid, belongs to john@example.com"
    std::string fix;      ///< for a failure: what to do about it
};

/// Collects check results. Sources, sinks and stores add to it from their check() methods.
class CheckReport {
  public:
    void pass(std::string subject, std::string detail);
    /// Worth knowing but not a failure (e.g. a permission that is only needed for a fallback).
    void notice(std::string subject, std::string detail);
    void fail(std::string subject, std::string detail, std::string fix);
    /// Not a failure, but likely not what the user wants (a route that would send nothing).
    void warn(std::string subject, std::string detail, std::string fix);

    const std::vector<CheckResult>& results() const noexcept { return results_; }
    /// True when no check failed.
    bool ok() const noexcept;

  private:
    std::vector<CheckResult> results_;
};

}  // namespace pixsync
