#pragma once
// The immich source's options, read and validated once when the instance is created.

#include <cstdint>
#include <filesystem>
#include <string>

#include "pixsync/options.hpp"
#include "selection.hpp"

namespace pixsync::immich {

/// Everything an instance needs, with the places the values came from (for messages).
struct Settings {
    std::string baseUrl;  ///< ends with /api, no trailing slash, no user info
    /// The user info IMMICH_BASE_URL had (basic authentication of a proxy in front of
    /// Immich): taken out of the URL where it is read, so that no message shows it.
    std::string proxyUser, proxyPassword;
    std::string user;      ///< the Immich user's e-mail address: whose library
    std::string apiKey;    ///< that user's key
    std::string adminKey;  ///< optional admin key for GET /users
    std::filesystem::path caFile;
    bool insecureTls = false;
    int pageSize = 1000;
    std::uint64_t maxDownloadBytes = 200ull * 1024 * 1024;
    int timeoutSeconds = 30;
    /// The slowest average a download may have (after timeoutSeconds); see HttpClientOptions.
    std::uint64_t minDownloadBytesPerSecond = 32 * 1024;
    bool previewFallback = true;
    /// Which rendition a frame gets: Immich's preview when it fills the frame (Auto), always
    /// the original, or always the preview.
    enum class ImageSource { Auto, Original, Preview } imageSource = ImageSource::Auto;
    Selection selection;  ///< what the route follows (favorites by default)

    KeyStyle keyStyle = KeyStyle::Json;  ///< how the user wrote the keys (for messages)
    /// An option's name as the user writes it ("IMMICH_CA_FILE" in .env).
    std::string key(std::string_view name) const { return keyNameIn(keyStyle, name); }

    // Where each value came from, as the user wrote it ("/etc/.env: IMMICH_BASE_URL").
    std::string baseUrlWhere, userWhere, apiKeyWhere, adminKeyWhere, maxDownloadWhere,
        minDownloadSpeedWhere;
};

/// Reads and validates the options; throws Error(Config) naming the key and the fix.
Settings readSettings(const Options& options);

}  // namespace pixsync::immich
