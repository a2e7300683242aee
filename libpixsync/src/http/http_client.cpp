#include "pixsync/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <mutex>

#include "http/curl_failure.hpp"
#include "http/download_deadline.hpp"
#include "pixsync/util/strings.hpp"
#include "pixsync/version.hpp"

namespace pixsync {

namespace {

// libcurl needs one process-wide initialisation before the first handle; it is not
// thread-safe, so it happens exactly once.
void initCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
    void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
    void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FileHandle = std::unique_ptr<std::FILE, FileCloser>;

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && toLower(a) == toLower(b);
}

// Hides "user:password@" should someone have put credentials into the URL.
std::string withoutUserInfo(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    auto hostStart = scheme + 3;
    auto slash = url.find('/', hostStart);
    auto at = url.rfind('@', slash == std::string::npos ? url.size() : slash);
    if (at == std::string::npos || at < hostStart) return url;
    return url.substr(0, hostStart) + url.substr(at + 1);
}

// Headers are short; a server sending them without end would otherwise grow the list forever.
constexpr std::size_t kMaxHeaderBytes = 256 * 1024;

bool successful(long status) { return status >= 200 && status < 300; }

// What the callbacks of one transfer write into.
struct Transfer {
    HttpHeaders headers;
    long status = 0;
    std::size_t headerBytes = 0;
    bool headersTooLarge = false;
    // A non-2xx body longer than kMaxErrorBodyBytes: its start was kept, the rest not read.
    bool errorCut = false;
    // request(): the body in memory
    std::string body;
    std::uint64_t maxBody = 0;
    bool tooLarge = false;
    // download(): the body on disk
    std::FILE* file = nullptr;
    std::uint64_t written = 0;
    std::uint64_t maxFile = 0;
    bool overLimit = false;
    bool writeFailed = false;
    std::string errorBody;
    const HttpProgress* progress = nullptr;
    std::uint64_t announced = 0;
    http::DownloadDeadline* deadline = nullptr;
    std::uint64_t received = 0;  // body bytes as libcurl counts them, for the deadline
    bool tooSlow = false;
};

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view line(data, size * count);
    t->headerBytes += line.size();
    if (t->headerBytes > kMaxHeaderBytes) {
        t->headersTooLarge = true;
        return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
    }
    if (line.starts_with("HTTP/")) {
        // A new response starts (after "100 Continue" for instance): forget the previous one.
        t->headers.clear();
        auto sp = line.find(' ');
        if (sp != std::string_view::npos)
            t->status = std::atol(std::string(line.substr(sp + 1, 3)).c_str());
        return line.size();
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return line.size();
    std::string name = toLower(trim(line.substr(0, colon)));
    std::string value = trim(line.substr(colon + 1));
    if (name == "content-length") {
        try {
            t->announced = std::stoull(value);
        } catch (...) {
            t->announced = 0;
        }
        if (t->deadline && successful(t->status)) t->deadline->announced(t->announced);
    }
    t->headers.emplace_back(std::move(name), std::move(value));
    return line.size();
}

// Keeps the start of an error answer's body, up to kMaxErrorBodyBytes. Returns what the body
// callback must return: short of `n` once the cap is reached, which stops the transfer and
// drops the connection rather than reading an endless body to its end.
std::size_t keepErrorStart(std::string& kept, const char* data, std::size_t n, bool& cut) {
    std::size_t room = kMaxErrorBodyBytes - std::min(kept.size(), kMaxErrorBodyBytes);
    kept.append(data, std::min(n, room));
    if (n <= room) return n;
    cut = true;
    return 0;
}

std::size_t onBodyToMemory(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::size_t n = size * count;
    if (!successful(t->status)) return keepErrorStart(t->body, data, n, t->errorCut);
    if (t->body.size() + n > t->maxBody) {
        t->tooLarge = true;
        return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
    }
    t->body.append(data, n);
    return n;
}

std::size_t onBodyToFile(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::size_t n = size * count;
    // An error answer: keep its start for the message, never write it as media.
    if (!successful(t->status)) return keepErrorStart(t->errorBody, data, n, t->errorCut);
    // Announced as too large: no need to wait for the bytes to prove it.
    if (t->written + n > t->maxFile || t->announced > t->maxFile) {
        t->overLimit = true;
        return 0;
    }
    if (std::fwrite(data, 1, n, t->file) != n) {
        t->writeFailed = true;
        return 0;
    }
    t->written += n;
    if (t->progress && *t->progress) (*t->progress)(t->written, t->announced);
    return n;
}

// libcurl calls this often while data flows and about once a second while it does not.
int onDownloadProgress(void* user, curl_off_t /*dltotal*/, curl_off_t dlnow, curl_off_t /*ultotal*/,
                       curl_off_t /*ulnow*/) {
    auto* t = static_cast<Transfer*>(user);
    t->received = static_cast<std::uint64_t>(std::max<curl_off_t>(dlnow, 0));
    if (t->deadline && t->deadline->passed(t->received, http::DownloadDeadline::Clock::now())) {
        t->tooSlow = true;
        return 1;  // makes libcurl stop with CURLE_ABORTED_BY_CALLBACK
    }
    return 0;
}

std::string seconds(std::chrono::milliseconds d) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(d.count()) / 1000.0);
    return text;
}

}  // namespace

HttpError::~HttpError() = default;

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (equalsIgnoreCase(k, name)) return v;
    return std::nullopt;
}

struct HttpClient::Impl {
    HttpClientOptions options;
    EasyHandle easy;
    std::string server;  // for messages
    std::uint64_t connections = 0;
    char errorBuffer[CURL_ERROR_SIZE] = {};

    explicit Impl(HttpClientOptions o) : options(std::move(o)) {
        initCurlOnce();
        while (!options.baseUrl.empty() && options.baseUrl.back() == '/')
            options.baseUrl.pop_back();
        server =
            options.displayName.empty() ? withoutUserInfo(options.baseUrl) : options.displayName;
        easy.reset(curl_easy_init());
        if (!easy) throw Error(ErrorKind::Internal, "libcurl could not create a handle");
    }

    // Sets everything a transfer needs. The returned header list must outlive the transfer.
    HeaderList prepare(std::string_view method, std::string_view path, std::string_view body,
                       const HttpHeaders& extra, Transfer& t, bool fresh) {
        CURL* h = easy.get();
        // curl_easy_reset keeps the connection cache, so keep-alive reuse survives it.
        curl_easy_reset(h);
        std::string target = options.baseUrl + std::string(path);
        curl_easy_setopt(h, CURLOPT_URL, target.c_str());
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errorBuffer);
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        // Never follow redirects: a redirect to another host would carry the API key there.
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
                         static_cast<long>(options.connectTimeout.count()));
        curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
        // Names the client in the server's access log, as HTTP etiquette asks.
        static const std::string userAgent = std::string("pixsync/") + kVersion;
        curl_easy_setopt(h, CURLOPT_USERAGENT, userAgent.c_str());
        if (!options.caFile.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options.caFile.c_str());
        if (!options.user.empty()) {
            curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
            curl_easy_setopt(h, CURLOPT_USERNAME, options.user.c_str());
            curl_easy_setopt(h, CURLOPT_PASSWORD, options.password.c_str());
        }
        if (options.insecure) {
            curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
            curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
        }
        if (fresh) curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);

        if (method == "GET") {
            curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        } else if (method == "POST") {
            curl_easy_setopt(h, CURLOPT_POST, 1L);
        } else if (method == "HEAD") {
            curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
        } else {
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, std::string(method).c_str());
        }
        if (method != "GET" && method != "HEAD") {
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
            // COPYPOSTFIELDS copies, so the caller's buffer may go away before perform().
            curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, std::string(body).c_str());
        }

        HeaderList list;
        auto add = [&list](const std::string& line) {
            curl_slist* next = curl_slist_append(list.get(), line.c_str());
            if (!next) throw Error(ErrorKind::Internal, "out of memory building HTTP headers");
            (void)list.release();
            list.reset(next);
        };
        bool hasContentType = false;
        const HttpHeaders& defaults = options.defaultHeaders;
        for (const HttpHeaders* set : {&defaults, &extra})
            for (const auto& [k, v] : *set) {
                if (equalsIgnoreCase(k, "content-type")) hasContentType = true;
                add(k + ": " + v);
            }
        if (!body.empty() && !hasContentType) add("Content-Type: application/json");
        add("Expect:");  // no 100-continue round trip for JSON bodies
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, list.get());

        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, onHeader);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
        return list;
    }

    // Runs the prepared transfer, counting new connections. Returns libcurl's code.
    CURLcode perform(bool& reused) {
        errorBuffer[0] = '\0';
        CURLcode code = curl_easy_perform(easy.get());
        long opened = 0;
        curl_easy_getinfo(easy.get(), CURLINFO_NUM_CONNECTS, &opened);
        connections += static_cast<std::uint64_t>(opened);
        reused = opened == 0;
        return code;
    }

    // Failures the callbacks noticed themselves, before libcurl's own code is looked at.
    void throwIfCut(const Transfer& t, std::string_view method, std::string_view path) const {
        if (t.headersTooLarge)
            throw HttpError(HttpFailure::Malformed,
                            cat(server, " sent more than ", humanBytes(kMaxHeaderBytes),
                                " of headers in answer to ", method, " ", path,
                                "; refusing to read them (a malformed reply)"));
    }

    HttpError failure(CURLcode code, long timeoutSeconds) {
        http::FailureContext c;
        c.server = server;
        c.detail = errorBuffer;
        c.timeoutSeconds = timeoutSeconds;
        double connectTime = 0;
        curl_easy_getinfo(easy.get(), CURLINFO_CONNECT_TIME, &connectTime);
        c.connected = connectTime > 0;
        long requestBytes = 0;
        curl_easy_getinfo(easy.get(), CURLINFO_REQUEST_SIZE, &requestBytes);
        c.requestSent = requestBytes > 0;
        long opened = 0;
        curl_easy_getinfo(easy.get(), CURLINFO_NUM_CONNECTS, &opened);
        c.reused = c.requestSent && opened == 0;
        c.caFile = options.caFile.string();
        return http::failureFor(code, c);
    }
};

HttpClient::HttpClient(HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

std::string HttpClient::url(std::string_view path) const {
    return withoutUserInfo(impl_->options.baseUrl) + std::string(path);
}

std::uint64_t HttpClient::connectionsOpened() const noexcept { return impl_->connections; }

HttpResponse HttpClient::request(std::string_view method, std::string_view path,
                                 std::string_view body, const HttpHeaders& headers) {
    for (int attempt = 0;; ++attempt) {
        Transfer t;
        t.maxBody = impl_->options.maxResponseBytes;
        HeaderList list = impl_->prepare(method, path, body, headers, t, attempt > 0);
        CURL* h = impl_->easy.get();
        curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(impl_->options.timeout.count()));
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onBodyToMemory);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
        bool reused = false;
        CURLcode code = impl_->perform(reused);
        if (code == CURLE_OK || t.errorCut) {
            HttpResponse r;
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
            if (r.status == 0) r.status = t.status;
            r.headers = std::move(t.headers);
            r.body = std::move(t.body);
            return r;
        }
        impl_->throwIfCut(t, method, path);
        if (t.tooLarge)
            throw HttpError(HttpFailure::TooLarge,
                            cat("the answer from ", impl_->server, " to ", method, " ", path,
                                " is larger than ", humanBytes(impl_->options.maxResponseBytes),
                                "; refusing to read it"));
        // An idle kept-alive connection the server had already closed: once more, fresh.
        if (attempt == 0 && reused && t.status == 0 && http::looksLikeStaleConnection(code))
            continue;
        throw impl_->failure(code, static_cast<long>(impl_->options.timeout.count()));
    }
}

HttpDownload HttpClient::download(std::string_view path, const TempFile& file,
                                  std::uint64_t maxBytes, const HttpProgress& progress,
                                  const HttpHeaders& headers, std::uint64_t expectedBytes) {
    const HttpClientOptions& o = impl_->options;
    for (int attempt = 0;; ++attempt) {
        FileHandle out(std::fopen(file.path().c_str(), "wb"));
        if (!out)
            throw Error(ErrorKind::Unavailable,
                        cat("cannot write the download to ", file.path().string()));
        http::DownloadDeadline deadline(o.timeout, o.minDownloadBytesPerSecond,
                                        std::min(expectedBytes, maxBytes));
        Transfer t;
        t.file = out.get();
        t.maxFile = maxBytes;
        t.progress = &progress;
        t.deadline = &deadline;
        HeaderList list = impl_->prepare("GET", path, {}, headers, t, attempt > 0);
        CURL* h = impl_->easy.get();
        // A big file on a slow line may take long; give up only when it stops moving.
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                         static_cast<long>(impl_->options.timeout.count()));
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onBodyToFile);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, onDownloadProgress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
        bool reused = false;
        CURLcode code = impl_->perform(reused);
        bool flushed = std::fflush(out.get()) == 0;
        out.reset();

        HttpDownload d;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &d.status);
        if (d.status == 0) d.status = t.status;
        if (t.announced > 0) d.announcedBytes = t.announced;
        if (auto ct = std::find_if(t.headers.begin(), t.headers.end(),
                                   [](const auto& kv) { return kv.first == "content-type"; });
            ct != t.headers.end())
            d.contentType = toLower(trim(ct->second.substr(0, ct->second.find(';'))));
        d.errorBody = std::move(t.errorBody);
        d.bytes = t.written;
        if (t.overLimit) {
            d.overLimit = true;
            return d;
        }
        if (t.writeFailed || !flushed)
            throw Error(ErrorKind::Unavailable, cat("cannot write the download to ",
                                                    file.path().string(), " (disk full?)"));
        if (code == CURLE_OK || t.errorCut) return d;
        if (t.tooSlow) {
            const auto now = http::DownloadDeadline::Clock::now();
            throw HttpError(
                HttpFailure::TooSlow,
                cat("the download of ", path, " from ", impl_->server,
                    " was too slow: ", t.received, " bytes in ", seconds(deadline.elapsed(now)),
                    " (", t.announced > 0 ? cat(t.announced, " bytes announced; ") : std::string(),
                    "allowed: ", seconds(deadline.allowed(t.received)), ", that is ",
                    o.timeout.count(), " s plus what arrived at ",
                    humanBytes(o.minDownloadBytesPerSecond), "/s); gave up"));
        }
        impl_->throwIfCut(t, "GET", path);
        if (attempt == 0 && reused && t.status == 0 && t.written == 0 &&
            http::looksLikeStaleConnection(code))
            continue;
        throw impl_->failure(code, static_cast<long>(impl_->options.timeout.count()));
    }
}

}  // namespace pixsync
