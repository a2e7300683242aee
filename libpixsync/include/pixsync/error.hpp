#pragma once
/// @file error.hpp
/// The one error type of pixsync. Every failure that crosses an API boundary is a
/// pixsync::Error whose kind decides how the CLI reacts (and which exit code it uses).

#include <stdexcept>
#include <string>

namespace pixsync {

/// What went wrong, in the terms a caller acts on.
enum class ErrorKind {
    Usage,        ///< wrong command line; exit 2
    Config,       ///< invalid configuration; exit 2, nothing was sent
    State,        ///< the state store is unusable (corrupt, newer schema, unreadable); exit 2
    Locked,       ///< another process holds the state; exit 1
    Plugin,       ///< a plugin could not be loaded or refused; exit 2
    Unavailable,  ///< a source or sink cannot be used now (unreachable, TLS, auth); exit 1
    Media,        ///< a media file cannot be decoded or is over a limit (permanent for that asset)
    Internal,     ///< a bug; exit 1
};

/// Exit codes documented in the README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitConfig = 2;

/// Exit code the CLI uses for an error of this kind.
int exitCodeFor(ErrorKind kind) noexcept;

/// Short name of a kind ("config", "state", ...), for logs.
const char* toString(ErrorKind kind) noexcept;

/// A failure with a kind and a message written for the person who has to fix it:
/// the message names the file, key or account involved and, where there is one, the fix.
class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Error(const Error&) = default;
    Error& operator=(const Error&) = default;
    /// Defined in libpixsync, so the type's vtable lives there and not in a plugin: an Error
    /// thrown by a plugin stays valid after the plugin is unloaded.
    ~Error() override;

    /// What kind of failure this is.
    ErrorKind kind() const noexcept { return kind_; }

  private:
    ErrorKind kind_;
};

/// Convenience constructors, so throw sites read as English.
inline Error configError(const std::string& m) { return Error(ErrorKind::Config, m); }
inline Error stateError(const std::string& m) { return Error(ErrorKind::State, m); }
inline Error pluginError(const std::string& m) { return Error(ErrorKind::Plugin, m); }
inline Error unavailableError(const std::string& m) { return Error(ErrorKind::Unavailable, m); }
inline Error mediaError(const std::string& m) { return Error(ErrorKind::Media, m); }
inline Error usageError(const std::string& m) { return Error(ErrorKind::Usage, m); }

}  // namespace pixsync
