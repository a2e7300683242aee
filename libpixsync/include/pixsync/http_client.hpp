#pragma once
/// @file http_client.hpp
/// A small HTTP client for sources that talk to a web API (libcurl underneath). One client
/// owns one connection that is kept alive between requests. JSON answers are read into memory
/// up to a size cap; media is streamed straight to a file.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pixsync/error.hpp"
#include "pixsync/temp_file.hpp"

namespace pixsync {

/// Header name/value pairs. Names in responses are lower case.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// How an HttpClient connects.
struct HttpClientOptions {
    /// Prefix of every request path, e.g. "https://photos.example.com/api" (no trailing '/').
    std::string baseUrl;
    /// Sent with every request (e.g. an API key header). Values are never put in messages.
    HttpHeaders defaultHeaders;
    /// HTTP basic authentication for every request (a reverse proxy in front of the server);
    /// none when `user` is empty. Kept out of the URL, so never in messages.
    std::string user, password;
    /// Time allowed to establish a connection (TCP and TLS).
    std::chrono::seconds connectTimeout{10};
    /// Time allowed for one whole request; for downloads, the time allowed without progress
    /// and the fixed part of the overall deadline (see minDownloadBytesPerSecond).
    std::chrono::seconds timeout{30};
    /// The slowest average a download may have: one is cut off once it has taken longer than
    /// `timeout + size / minDownloadBytesPerSecond`, where size is the larger of the bytes
    /// received and the expected size (the smallest of the sizes reported beforehand and in
    /// Content-Length). So a server cannot stretch a download by sending slowly. 0: no limit.
    std::uint64_t minDownloadBytesPerSecond = 32 * 1024;
    /// A PEM file of certificate authorities to trust instead of the system's.
    std::filesystem::path caFile;
    /// Skip TLS certificate verification (a local server with a self-signed certificate).
    bool insecure = false;
    /// Largest answer request() reads into memory; bigger answers are an error.
    std::uint64_t maxResponseBytes = 64ull * 1024 * 1024;
    /// How the user names this server in messages ("Immich at https://..."); defaults to the
    /// base URL.
    std::string displayName;
};

/// An answer read into memory.
struct HttpResponse {
    long status = 0;      ///< HTTP status code
    HttpHeaders headers;  ///< response headers, names in lower case, in arrival order
    std::string body;     ///< the body, decompressed

    /// The first header with this (case-insensitive) name, if any.
    std::optional<std::string> header(std::string_view name) const;
    /// True for 2xx.
    bool ok() const noexcept { return status >= 200 && status < 300; }
};

/// The result of download().
struct HttpDownload {
    long status = 0;          ///< HTTP status code
    std::string contentType;  ///< Content-Type without parameters, lower case; "" when absent
    std::uint64_t bytes = 0;  ///< bytes written to the file (0 unless 2xx)
    /// True when the body was larger than the cap (the transfer was stopped and the file
    /// holds only a part).
    bool overLimit = false;
    /// The size the server announced (Content-Length), when it did.
    std::optional<std::uint64_t> announcedBytes;
    /// For a non-2xx answer: the start of its body (an error message, usually JSON), at most
    /// kMaxErrorBodyBytes; the rest is not read (the connection is dropped instead).
    std::string errorBody;
};

/// How much of a non-2xx answer's body is read, by request() and download(). Error bodies are
/// short messages; a longer one is cut there and its connection dropped, so an endless error
/// body costs neither memory nor time.
inline constexpr std::size_t kMaxErrorBodyBytes = 64 * 1024;

/// Called during a download with bytes received so far and the total (0 when unknown).
using HttpProgress = std::function<void(std::uint64_t received, std::uint64_t total)>;

/// Why a request failed before an HTTP answer arrived. Carried by HttpError so a caller can
/// decide whether trying again makes sense.
enum class HttpFailure {
    HostNotFound,       ///< DNS could not resolve the host name
    ConnectionRefused,  ///< nothing listens on that port (or a firewall said no)
    Timeout,            ///< no (complete) answer in time
    Tls,                ///< TLS handshake or certificate verification failed
    ConnectionLost,     ///< the connection was closed or reset mid-request
    TooLarge,           ///< the answer was over maxResponseBytes
    TooSlow,            ///< a download was slower on average than minDownloadBytesPerSecond
    Malformed,          ///< the server's reply was not valid HTTP
    Other,              ///< anything else libcurl reports
};

/// A transport failure: an Error of kind Unavailable whose message says what happened, in
/// words, and names the server (never a credential), plus the failure's category.
class HttpError : public Error {
  public:
    HttpError(HttpFailure failure, const std::string& message)
        : Error(ErrorKind::Unavailable, message), failure_(failure) {}
    // Defined in the library, so the type's identity (vtable, typeinfo) lives in one shared
    // object and `catch (const HttpError&)` works in every plugin.
    ~HttpError() override;
    HttpError(const HttpError&) = default;
    HttpError& operator=(const HttpError&) = default;
    /// What went wrong.
    HttpFailure failure() const noexcept { return failure_; }
    /// True when the same request may well succeed if tried again soon. A download that was
    /// too slow is not: trying again at once would block for another whole deadline.
    bool transient() const noexcept {
        return failure_ == HttpFailure::Timeout || failure_ == HttpFailure::ConnectionLost ||
               failure_ == HttpFailure::Malformed;
    }

  private:
    HttpFailure failure_;
};

/// One keep-alive connection to one server. Not thread-safe: use one client per thread
/// (per source instance). When the server closed an idle kept-alive connection, the request
/// is sent again once on a fresh connection.
class HttpClient {
  public:
    /// Prepares the client; nothing is contacted until the first request.
    explicit HttpClient(HttpClientOptions options);
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// Sends a request and reads the answer into memory. `path` is appended to the base URL.
    /// Any HTTP status is returned (a non-2xx body cut at kMaxErrorBodyBytes); throws HttpError
    /// when no complete answer arrived.
    HttpResponse request(std::string_view method, std::string_view path, std::string_view body = {},
                         const HttpHeaders& headers = {});

    /// GETs `path` and streams a 2xx body into `file` (truncating it), stopping once more than
    /// `maxBytes` arrived or were announced (then `overLimit` is set). Non-2xx bodies are not
    /// written to the file; their start is kept in `errorBody`. `expectedBytes` is the size
    /// reported before the download (0: unknown), for the deadline (see
    /// minDownloadBytesPerSecond). Throws HttpError on transport failures, with TooSlow when
    /// the deadline passed.
    HttpDownload download(std::string_view path, const TempFile& file, std::uint64_t maxBytes,
                          const HttpProgress& progress = {}, const HttpHeaders& headers = {},
                          std::uint64_t expectedBytes = 0);

    /// The full URL for a path (for messages; contains no credentials unless the base did).
    std::string url(std::string_view path) const;
    /// How many new connections this client has opened so far (reuse shows as no change).
    std::uint64_t connectionsOpened() const noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pixsync
