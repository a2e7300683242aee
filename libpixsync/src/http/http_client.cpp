#include "pixsync/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <mutex>

#include "http/curl_failure.hpp"
#include "pixsync/strings.hpp"

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

// What the callbacks of one transfer write into.
struct Transfer {
    HttpHeaders headers;
    long status = 0;
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
};

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view line(data, size * count);
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
    }
    t->headers.emplace_back(std::move(name), std::move(value));
    return line.size();
}

std::size_t onBodyToMemory(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::size_t n = size * count;
    if (t->body.size() + n > t->maxBody) {
        t->tooLarge = true;
        return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
    }
    t->body.append(data, n);
    return n;
}

constexpr std::size_t kMaxErrorBody = 64 * 1024;

std::size_t onBodyToFile(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::size_t n = size * count;
    if (t->status < 200 || t->status >= 300) {
        // An error answer: keep its start for the message, never write it as media.
        if (t->errorBody.size() < kMaxErrorBody)
            t->errorBody.append(data, std::min(n, kMaxErrorBody - t->errorBody.size()));
        return n;
    }
    if (t->written + n > t->maxFile) {
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

}  // namespace

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
        if (!options.caFile.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options.caFile.c_str());
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

    HttpError failure(CURLcode code, long timeoutSeconds) {
        http::FailureContext c;
        c.server = server;
        c.detail = errorBuffer;
        c.timeoutSeconds = timeoutSeconds;
        double connectTime = 0;
        curl_easy_getinfo(easy.get(), CURLINFO_CONNECT_TIME, &connectTime);
        c.connected = connectTime > 0;
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
        if (code == CURLE_OK) {
            HttpResponse r;
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
            r.headers = std::move(t.headers);
            r.body = std::move(t.body);
            return r;
        }
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
                                  const HttpHeaders& headers) {
    for (int attempt = 0;; ++attempt) {
        FileHandle out(std::fopen(file.path().c_str(), "wb"));
        if (!out)
            throw Error(ErrorKind::Unavailable,
                        cat("cannot write the download to ", file.path().string()));
        Transfer t;
        t.file = out.get();
        t.maxFile = maxBytes;
        t.progress = &progress;
        HeaderList list = impl_->prepare("GET", path, {}, headers, t, attempt > 0);
        CURL* h = impl_->easy.get();
        // A big file on a slow line may take long; give up only when it stops moving.
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                         static_cast<long>(impl_->options.timeout.count()));
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onBodyToFile);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
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
        if (code == CURLE_OK) return d;
        if (attempt == 0 && reused && t.status == 0 && t.written == 0 &&
            http::looksLikeStaleConnection(code))
            continue;
        throw impl_->failure(code, static_cast<long>(impl_->options.timeout.count()));
    }
}

}  // namespace pixsync
