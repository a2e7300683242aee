#pragma once
// The sink's configuration, read and checked once when the sink is created.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "pixsync/frame_profiles.hpp"
#include "pixsync/media_transform.hpp"
#include "pixsync/options.hpp"
#include "pixsync/sink.hpp"

namespace pixsync::pixstar {

/// How to reach and log in to the SMTP server.
struct SmtpSettings {
    std::string host;
    int port = 587;
    std::string user;
    std::string password;
    /// How the user wrote the password's key ("SMTP_PASSWORD", "sinks[0].options.smtp_password"),
    /// for messages that ask to check it.
    std::string passwordKey = "smtp_password";
    bool useTls = true;               ///< STARTTLS required (not used with implicit TLS)
    bool implicitTlsMode = false;     ///< TLS from the first byte (default: on for port 465)
    std::filesystem::path caFile;     ///< extra trusted certificates (PEM)
    bool insecureTls = false;         ///< no certificate or host name verification
    bool allowPlaintextAuth = false;  ///< AUTH without TLS (local relays only)
    std::chrono::seconds timeout{30};
    std::filesystem::path oauth2TokenFile;
    std::string oauth2TokenCommand;

    /// TLS from the first byte (port 465, or smtp_implicit_tls).
    bool implicitTls() const { return implicitTlsMode; }
    /// "host:port" for messages.
    std::string endpoint() const;
};

/// What goes into each message.
struct MessageSettings {
    std::string from;
    std::string subjectTemplate;
    std::string bodyTemplate;
    std::uint64_t maxMessageBytes = 24ull * 1024 * 1024;
    bool groupRecipients = false;
};

/// All of the sink's settings.
struct SinkSettings {
    SmtpSettings smtp;
    MessageSettings message;
    RateLimits limits;
    FrameProfiles profiles;  ///< the default profile (pixstar_*) and the named ones
};

/// The original service's subject and body.
inline constexpr const char* kDefaultSubject = "Immich favorite from {user}: {file}";
inline constexpr const char* kDefaultBody = "A new favorite from {user}'s Immich library: {file}\n";

/// Reads the options (names are the original's environment variables in lower case).
/// Throws Error(Config) naming the key.
SinkSettings readSettings(const Options& options);

}  // namespace pixsync::pixstar
