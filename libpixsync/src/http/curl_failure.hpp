#pragma once
// Turns libcurl's result codes into HttpError messages a person can act on.

#include <curl/curl.h>

#include <string>

#include "pixsync/http_client.hpp"

namespace pixsync::http {

/// What the caller knows about the failed transfer, for the message.
struct FailureContext {
    std::string server;        ///< "the photo server at http://host:2283/api" or the base URL
    std::string detail;        ///< libcurl's error buffer (names host and port, never headers)
    long timeoutSeconds = 0;   ///< the timeout that applied
    bool connected = false;    ///< whether a connection had been established
    bool requestSent = false;  ///< whether the request went out (so the URL was fine)
    bool reused = false;       ///< whether it went out on a connection kept from an earlier one
    std::string caFile;        ///< the configured CA file, if any
};

/// The HttpError for a failed transfer.
HttpError failureFor(CURLcode code, const FailureContext& context);

/// True for failures that, on a connection reused from an earlier request, mean the server
/// had closed it while idle (so the request deserves one more try on a fresh connection).
bool looksLikeStaleConnection(CURLcode code) noexcept;

}  // namespace pixsync::http
