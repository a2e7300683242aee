#pragma once
/// @file log.hpp
/// Logging: levels, a component tag per logger, any number of outputs (stderr, a rotating
/// file), and redaction of registered secrets so that an API key or password never reaches
/// an output even if a message includes it by mistake.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace pixsync {

/// Severity of a log line.
enum class LogLevel { Debug = 0, Info = 1, Warning = 2, Error = 3 };

/// "debug", "info", "warning", "error".
const char* toString(LogLevel level) noexcept;
/// Parses "debug|info|warning|warn|error" (any case); throws a usage Error otherwise.
LogLevel logLevelFromString(std::string_view s);

/// Where formatted log lines go. Implementations must be thread-safe.
class LogOutput {
  public:
    virtual ~LogOutput() = default;
    /// Writes one complete line (without the trailing newline).
    virtual void write(LogLevel level, std::string_view line) = 0;
};

/// Writes to standard error.
std::shared_ptr<LogOutput> makeStderrOutput();
/// Writes to a file that rotates at maxBytes, keeping `keep` archived files
/// (file.0, file.1, ...), like the original service (5 MB x 2).
std::shared_ptr<LogOutput> makeRotatingFileOutput(const std::filesystem::path& file,
                                                  std::uint64_t maxBytes, unsigned keep);

/// A handle for writing log lines. Copies share outputs, level and secrets; tagged() gives a
/// copy that prefixes a component name ("immich", "pixstar", ...). Thread-safe.
class Logger {
  public:
    /// A logger with no outputs at level Info (messages go nowhere until an output is added).
    Logger();

    /// Minimum level written.
    void setLevel(LogLevel level);
    LogLevel level() const;
    /// Adds an output; every line goes to every output.
    void addOutput(std::shared_ptr<LogOutput> output);
    /// Removes all outputs (used when the daemon reopens its log file).
    void clearOutputs();
    /// Registers a value that must never be written; occurrences become "***".
    /// Values shorter than 4 characters are ignored (they would mangle ordinary text).
    void addSecret(const std::string& secret);
    /// A logger writing through the same outputs with a component tag.
    Logger tagged(std::string component) const;

    /// True when a line at this level would be written.
    bool enabled(LogLevel level) const;
    void log(LogLevel level, std::string_view message) const;
    void debug(std::string_view message) const { log(LogLevel::Debug, message); }
    void info(std::string_view message) const { log(LogLevel::Info, message); }
    void warning(std::string_view message) const { log(LogLevel::Warning, message); }
    void error(std::string_view message) const { log(LogLevel::Error, message); }

    /// Replaces registered secrets in a string (also useful for error messages shown to users).
    std::string redact(std::string_view text) const;

  private:
    struct Shared;
    std::shared_ptr<Shared> shared_;
    std::string component_;
};

}  // namespace pixsync
