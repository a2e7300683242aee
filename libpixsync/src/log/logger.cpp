#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <vector>

#include "pixsync/clock.hpp"
#include "pixsync/error.hpp"
#include "pixsync/log.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

struct Logger::Shared {
    mutable std::mutex mutex;
    LogLevel level = LogLevel::Info;
    std::vector<std::shared_ptr<LogOutput>> outputs;
    std::vector<std::string>
        secrets;  // longest first, so a secret containing another is fully hidden
};

const char* toString(LogLevel level) noexcept {
    switch (level) {
        case LogLevel::Debug:
            return "debug";
        case LogLevel::Info:
            return "info";
        case LogLevel::Warning:
            return "warning";
        case LogLevel::Error:
            return "error";
    }
    return "info";
}

LogLevel logLevelFromString(std::string_view s) {
    std::string l = toLower(s);
    if (l == "debug") return LogLevel::Debug;
    if (l == "info") return LogLevel::Info;
    if (l == "warning" || l == "warn") return LogLevel::Warning;
    if (l == "error") return LogLevel::Error;
    throw usageError("unknown log level '" + std::string(s) +
                     "': use one of debug, info, warning, error");
}

Logger::Logger() : shared_(std::make_shared<Shared>()) {}

void Logger::setLevel(LogLevel level) {
    std::lock_guard lock(shared_->mutex);
    shared_->level = level;
}

LogLevel Logger::level() const {
    std::lock_guard lock(shared_->mutex);
    return shared_->level;
}

void Logger::addOutput(std::shared_ptr<LogOutput> output) {
    std::lock_guard lock(shared_->mutex);
    shared_->outputs.push_back(std::move(output));
}

void Logger::clearOutputs() {
    std::lock_guard lock(shared_->mutex);
    shared_->outputs.clear();
}

void Logger::addSecret(const std::string& secret) {
    if (secret.size() < 4) return;
    std::lock_guard lock(shared_->mutex);
    auto& s = shared_->secrets;
    if (std::find(s.begin(), s.end(), secret) != s.end()) return;
    s.push_back(secret);
    std::sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

Logger Logger::tagged(std::string component) const {
    Logger copy = *this;
    copy.component_ = std::move(component);
    return copy;
}

bool Logger::enabled(LogLevel level) const {
    std::lock_guard lock(shared_->mutex);
    return level >= shared_->level && !shared_->outputs.empty();
}

std::string Logger::redact(std::string_view text) const {
    std::string out(text);
    std::lock_guard lock(shared_->mutex);
    for (const auto& secret : shared_->secrets) {
        for (std::size_t pos = out.find(secret); pos != std::string::npos;
             pos = out.find(secret, pos + 3))
            out.replace(pos, secret.size(), "***");
    }
    return out;
}

void Logger::log(LogLevel level, std::string_view message) const {
    if (!enabled(level)) return;
    // ISO 8601 in UTC, like `pixsync status`, so lines from hosts in other zones line up.
    const std::string stamp = isoUtcMillis(std::chrono::system_clock::now());
    char levelText[16];
    std::snprintf(levelText, sizeof levelText, "%-8s", toUpper(toString(level)).c_str());
    // Control characters from untrusted text (file names, server replies) must not forge lines,
    // and stray 8-bit bytes must not make the log (or the journal it may go to) unreadable.
    std::string line = cat(stamp, " ", levelText, component_.empty() ? "" : "[", component_,
                           component_.empty() ? "" : "] ", escapeControl(validUtf8(message)));
    line = redact(line);
    std::vector<std::shared_ptr<LogOutput>> outputs;
    {
        std::lock_guard lock(shared_->mutex);
        outputs = shared_->outputs;
    }
    for (auto& o : outputs) o->write(level, line);
}

}  // namespace pixsync
