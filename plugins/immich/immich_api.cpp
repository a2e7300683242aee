#include "immich_api.hpp"

#include <thread>

#include "immich_json.hpp"

namespace pixsync::immich {

namespace {

HttpClientOptions clientOptions(const Settings& s, const std::string& key) {
    HttpClientOptions o;
    o.baseUrl = s.baseUrl;
    o.user = s.proxyUser;
    o.password = s.proxyPassword;
    o.defaultHeaders = {{"x-api-key", key}, {"Accept", "application/json"}};
    o.timeout = std::chrono::seconds(s.timeoutSeconds);
    o.minDownloadBytesPerSecond = s.minDownloadBytesPerSecond;
    o.connectTimeout = std::chrono::seconds(std::min(s.timeoutSeconds, 10));
    o.caFile = s.caFile;
    o.insecure = s.insecureTls;
    o.displayName = cat("Immich at ", s.baseUrl);
    return o;
}

bool looksLikeHtml(std::string_view body) {
    std::string start = toLower(trim(body.substr(0, 200)));
    return start.starts_with("<!doctype html") || start.starts_with("<html") ||
           start.starts_with("<");
}

/// HTML by the declared type; only an answer without a type is judged by how it starts
/// (a proxy's text/plain "<upstream> unreachable" is text, not a page).
bool isHtml(std::string_view body, std::string_view contentType) {
    if (!contentType.empty()) return toLower(contentType).find("html") != std::string::npos;
    return looksLikeHtml(body);
}

/// The first line of a text answer, short and safe to print.
std::string textExcerpt(std::string_view body) {
    std::string line = trim(body.substr(0, body.find('\n')));
    constexpr std::size_t kMax = 120;
    if (line.size() > kMax) line = line.substr(0, kMax) + "...";
    return escapeControl(line);
}

}  // namespace

std::string keyName(const Settings& s, KeyRole key) {
    if (key == KeyRole::Admin) return cat("the admin API key (", s.adminKeyWhere, ")");
    return cat("the API key for ", s.user, " (", s.apiKeyWhere, ")");
}

Api::Api(const Settings& settings, Logger log)
    : settings_(settings),
      log_(std::move(log)),
      userClient_(clientOptions(settings, settings.apiKey)),
      jitter_(std::random_device{}()) {
    if (!settings.adminKey.empty())
        adminClient_.emplace(clientOptions(settings, settings.adminKey));
}

HttpClient& Api::client(KeyRole key) {
    if (key == KeyRole::Admin && adminClient_) return *adminClient_;
    return userClient_;
}

HttpResponse Api::call(KeyRole key, std::string_view method, std::string_view path,
                       std::string_view body) {
    try {
        return client(key).request(method, path, body);
    } catch (const HttpError& e) {
        if (e.transient()) throw TransientFault(e.what());
        throw;
    }
}

HttpDownload Api::download(std::string_view path, const TempFile& file, std::uint64_t maxBytes,
                           const HttpHeaders& headers, std::uint64_t expectedBytes) {
    try {
        return userClient_.download(path, file, maxBytes ? maxBytes : settings_.maxDownloadBytes,
                                    {}, headers, expectedBytes);
    } catch (const HttpError& e) {
        if (e.transient()) throw TransientFault(e.what());
        throw;
    }
}

void Api::pause(int attempt) {
    // 0.25 s, 0.5 s, ... with up to 50 % jitter so several routes do not retry in step.
    auto base = std::chrono::milliseconds(250) * (1 << (attempt - 1));
    std::uniform_int_distribution<long> spread(0, base.count() / 2);
    std::this_thread::sleep_for(base + std::chrono::milliseconds(spread(jitter_)));
}

std::string Api::immichMessage(std::string_view body, std::string_view contentType) {
    if (auto e = parseErrorBody(body)) {
        std::string text = cat("\"", e->message, "\"");
        if (!e->correlationId.empty()) text += cat(", correlation id ", e->correlationId);
        return text;
    }
    if (trim(body).empty()) return "an empty answer";
    if (body.size() >= kMaxErrorBodyBytes)
        return cat("an answer longer than ", humanBytes(kMaxErrorBodyBytes), ", not read further");
    if (isHtml(body, contentType)) return "an HTML page";
    if (toLower(contentType).starts_with("text/"))
        return cat("the text \"", textExcerpt(body), "\", not Immich's error format");
    return "an answer that is not Immich's error format";
}

std::string Api::immichMessage(const HttpResponse& response) {
    return immichMessage(response.body, response.header("content-type").value_or(""));
}

std::string Api::immichMessage(const HttpDownload& download) {
    return immichMessage(download.errorBody, download.contentType);
}

std::string Api::wrongBaseUrl(std::string_view found) const {
    return cat(
        settings_.baseUrlWhere, ": ", settings_.baseUrl, " does not lead to Immich's API (", found,
        "); ", settings_.key("immich_base_url"),
        " must end with /api and point at the Immich server, as in http://your-nas:2283/api");
}

void Api::requireJson(const HttpResponse& response, std::string_view path) const {
    auto type = toLower(response.header("content-type").value_or(""));
    if (type.find("text/html") != std::string::npos || looksLikeHtml(response.body))
        throw unavailableError(wrongBaseUrl(cat("an HTML page at ", path)));
}

void Api::fail(const HttpResponse& r, std::string_view action, KeyRole key) const {
    const std::string& who = settings_.user;
    std::string said = immichMessage(r);
    switch (r.status) {
        case 401:
            throw unavailableError(cat("Immich rejected ", keyName(settings_, key), " (", said,
                                       ") while trying to ", action,
                                       ": create a new key in Immich (Account Settings > API Keys) "
                                       "and put it in the configuration"));
        case 403:
            throw unavailableError(cat("Immich refused to ", action, " for ", who, " with ",
                                       keyName(settings_, key), ": ", said,
                                       "; edit the key in Immich and grant that permission"));
        case 404:
            throw unavailableError(wrongBaseUrl(cat("HTTP 404 while trying to ", action)));
        default:
            break;
    }
    if (r.status >= 500)
        throw TransientFault(
            cat("Immich failed to ", action, " for ", who, " (HTTP ", r.status, ": ", said, ")"));
    if (isHtml(r.body, r.header("content-type").value_or("")))
        throw unavailableError(wrongBaseUrl(cat("HTTP ", r.status, " with an HTML page")));
    throw unavailableError(
        cat("Immich refused to ", action, " for ", who, " (HTTP ", r.status, ": ", said, ")"));
}

}  // namespace pixsync::immich
