#pragma once
// Talking to one Immich server on behalf of one user: the HTTP calls pixsync makes, bounded
// retries of transient faults, and turning Immich's answers into messages a user can act on.

#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "pixsync/error.hpp"
#include "pixsync/http_client.hpp"
#include "pixsync/log.hpp"
#include "pixsync/util/strings.hpp"
#include "settings.hpp"

namespace pixsync::immich {

/// Which key a request uses.
enum class KeyRole { User, Admin };

/// A fault worth another try (5xx, a dropped connection, a garbled answer). Only thrown
/// inside Api::retrying(); what escapes is an ordinary Error(Unavailable).
class TransientFault : public Error {
  public:
    explicit TransientFault(const std::string& message) : Error(ErrorKind::Unavailable, message) {}
};

/// The HTTP side of the immich source.
class Api {
  public:
    Api(const Settings& settings, Logger log);

    /// One request with the given key. Transport failures: transient ones become
    /// TransientFault, the others propagate as HttpError (Unavailable).
    HttpResponse call(KeyRole key, std::string_view method, std::string_view path,
                      std::string_view body = {});

    /// Streams a GET into `file` with the user's key (see HttpClient::download()), capped at
    /// `maxBytes` (0: the configured download limit), with a deadline from `expectedBytes`
    /// (the size Immich listed; 0: unknown) and the configured minimum speed.
    HttpDownload download(std::string_view path, const TempFile& file, std::uint64_t maxBytes = 0,
                          const HttpHeaders& headers = {}, std::uint64_t expectedBytes = 0);

    /// Runs `attempt` up to three times while it throws TransientFault, with growing pauses.
    template <class F>
    auto retrying(F&& attempt) -> decltype(attempt()) {
        for (int n = 1;; ++n) {
            try {
                return attempt();
            } catch (const TransientFault& fault) {
                if (n >= kAttempts)
                    throw unavailableError(cat(fault.what(), " (tried ", n, " times)"));
                log_.debug(cat("will try again: ", fault.what()));
                pause(n);
            }
        }
    }

    /// Throws the right Error for a non-2xx answer to `action` ("list the favorites"),
    /// made with `key`. 5xx becomes TransientFault. 404 means the base URL is wrong.
    [[noreturn]] void fail(const HttpResponse& response, std::string_view action,
                           KeyRole key) const;

    /// Throws unless the answer is JSON (an HTML page means the base URL leads to the web UI).
    void requireJson(const HttpResponse& response, std::string_view path) const;

    /// Immich's own error text from an answer ("Missing required permission: asset.read"),
    /// or a short description of the body when it is not Immich's error JSON: an HTML page
    /// (by its Content-Type, or by its start when there is none), or the start of a text
    /// answer such as a proxy's "Bad Gateway".
    static std::string immichMessage(std::string_view body, std::string_view contentType = {});
    static std::string immichMessage(const HttpResponse& response);
    static std::string immichMessage(const HttpDownload& download);

    /// The message for a wrong base URL, saying what was found there.
    std::string wrongBaseUrl(std::string_view found) const;

    const Settings& settings() const noexcept { return settings_; }
    /// New connections opened so far by the user-key client.
    std::uint64_t connectionsOpened() const noexcept { return userClient_.connectionsOpened(); }

    static constexpr int kAttempts = 3;

  private:
    void pause(int attempt);
    HttpClient& client(KeyRole key);

    const Settings& settings_;
    Logger log_;
    HttpClient userClient_;
    std::optional<HttpClient> adminClient_;
    std::minstd_rand jitter_;
};

/// How a key is named in messages: "the API key for john@example.com (file: key)".
std::string keyName(const Settings& settings, KeyRole key);

}  // namespace pixsync::immich
