#pragma once
// A log output that keeps every line, for tests that check what a user would read.

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

#include "pixsync/log.hpp"

namespace pixsync::test {

class CapturedLog : public LogOutput {
  public:
    void write(LogLevel, std::string_view line) override {
        std::lock_guard lock(mutex_);
        text_ += std::string(line) + "\n";
    }
    std::string text() const {
        std::lock_guard lock(mutex_);
        return text_;
    }
    /// How many lines contain `part`.
    std::size_t count(std::string_view part) const {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (std::size_t at = text_.find(part); at != std::string::npos;
             at = text_.find(part, at + 1))
            ++n;
        return n;
    }

  private:
    mutable std::mutex mutex_;
    std::string text_;
};

}  // namespace pixsync::test
