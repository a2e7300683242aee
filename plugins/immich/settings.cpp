#include "settings.hpp"

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::immich {

Settings readSettings(const Options& options) {
    Settings s;
    s.keyStyle = options.keyStyle();
    s.baseUrlWhere = options.where("immich_base_url");
    s.userWhere = options.where("user");
    s.apiKeyWhere = options.where("api_key");
    s.adminKeyWhere = options.where("immich_api_key");
    s.maxDownloadWhere = options.where("immich_max_download_mb");
    s.minDownloadSpeedWhere = options.where("immich_min_download_kb_per_second");

    UrlUserInfo url = splitUserInfo(trim(options.string("immich_base_url")));
    s.baseUrl = std::move(url.url);
    s.proxyUser = std::move(url.user);
    s.proxyPassword = std::move(url.password);
    while (!s.baseUrl.empty() && s.baseUrl.back() == '/') s.baseUrl.pop_back();
    std::string lower = toLower(s.baseUrl);
    if (!lower.starts_with("http://") && !lower.starts_with("https://"))
        throw configError(
            cat(s.baseUrlWhere, ": \"", s.baseUrl,
                "\" must start with http:// or https://, as in http://your-nas:2283/api"));
    if (!lower.ends_with("/api"))
        throw configError(
            cat(s.baseUrlWhere, ": \"", s.baseUrl,
                "\" must end with /api (Immich's API address); append /api: ", s.baseUrl, "/api"));

    s.user = trim(options.string("user"));
    if (!isEmailAddress(s.user))
        throw configError(
            cat(s.userWhere, ": \"", s.user,
                "\" is not an e-mail address; it must be the Immich user's login e-mail"));

    s.apiKey = options.secret("api_key");
    if (s.apiKey.empty())
        throw configError(cat(s.apiKeyWhere, " is missing: set the API key created under ", s.user,
                              "'s Immich account (or ", options.keyName("api_key_file"), ")"));
    s.adminKey = options.secret("immich_api_key");

    if (options.has("immich_ca_file")) {
        s.caFile = options.path("immich_ca_file");
        std::error_code ec;
        if (!std::filesystem::is_regular_file(s.caFile, ec))
            throw configError(cat(options.where("immich_ca_file"), ": the CA file ",
                                  s.caFile.string(), " does not exist or is not a file"));
    }
    s.insecureTls = options.boolean("immich_insecure_tls", false);
    s.pageSize = static_cast<int>(options.integer("immich_page_size", 1000, 1, 1000));
    s.maxDownloadBytes =
        static_cast<std::uint64_t>(options.integer("immich_max_download_mb", 200, 1, 1024 * 1024)) *
        1024 * 1024;
    s.timeoutSeconds = static_cast<int>(options.integer("immich_timeout_seconds", 30, 1, 3600));
    s.minDownloadBytesPerSecond = static_cast<std::uint64_t>(options.integer(
                                      "immich_min_download_kb_per_second", 32, 1, 1024 * 1024)) *
                                  1024;
    s.previewFallback = options.boolean("immich_preview_fallback", true);
    // The declaration's choices have refused anything else before the source is made.
    const std::string imageSource = toLower(trim(options.string("immich_image_source", "auto")));
    if (imageSource == "original")
        s.imageSource = Settings::ImageSource::Original;
    else if (imageSource == "preview")
        s.imageSource = Settings::ImageSource::Preview;
    else if (imageSource != "auto")
        throw configError(cat(options.where("immich_image_source"), ": \"", imageSource,
                              "\" is not one of auto, original, preview"));
    s.selection = readSelection(options);
    return s;
}

}  // namespace pixsync::immich
