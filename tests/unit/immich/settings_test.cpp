#include "settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pixsync/error.hpp"

using namespace pixsync;
using ::testing::HasSubstr;

namespace {

Options valid() {
    Options o;
    o.set("immich_base_url", "http://nas:2283/api/")
        .set("user", "john@example.com")
        .set("api_key", "k-123456");
    o.describe("cfg.json", KeyStyle::Json, ".");
    return o;
}

std::string configErrorOf(const Options& o) {
    try {
        immich::readSettings(o);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Config);
        return e.what();
    }
    ADD_FAILURE() << "no error";
    return {};
}

}  // namespace

TEST(ImmichSettings, ReadsDefaults) {
    auto s = immich::readSettings(valid());
    EXPECT_EQ(s.baseUrl, "http://nas:2283/api");
    EXPECT_EQ(s.pageSize, 1000);
    EXPECT_EQ(s.maxDownloadBytes, 200ull * 1024 * 1024);
    EXPECT_EQ(s.timeoutSeconds, 30);
    EXPECT_TRUE(s.previewFallback);
    EXPECT_FALSE(s.insecureTls);
    EXPECT_TRUE(s.adminKey.empty());
}

TEST(ImmichSettings, AcceptsStringValuesFromEnvFiles) {
    auto o = valid();
    o.set("immich_page_size", "250")
        .set("immich_insecure_tls", "true")
        .set("immich_timeout_seconds", "5")
        .set("immich_preview_fallback", "no")
        .set("immich_max_download_mb", "15");
    auto s = immich::readSettings(o);
    EXPECT_EQ(s.pageSize, 250);
    EXPECT_TRUE(s.insecureTls);
    EXPECT_EQ(s.timeoutSeconds, 5);
    EXPECT_FALSE(s.previewFallback);
    EXPECT_EQ(s.maxDownloadBytes, 15ull * 1024 * 1024);
}

TEST(ImmichSettings, BaseUrlMustEndWithApi) {
    auto o = valid();
    o.set("immich_base_url", "http://nas:2283");
    EXPECT_THAT(configErrorOf(o), HasSubstr("must end with /api"));
    o.set("immich_base_url", "nas:2283/api");
    EXPECT_THAT(configErrorOf(o), HasSubstr("http://"));
}

TEST(ImmichSettings, RequiresUserAndKey) {
    Options o;
    o.set("immich_base_url", "http://nas:2283/api").set("api_key", "k-123456");
    EXPECT_THAT(configErrorOf(o), HasSubstr("user"));
    o.set("user", "not-an-email");
    EXPECT_THAT(configErrorOf(o), HasSubstr("e-mail"));
    Options noKey;
    noKey.set("immich_base_url", "http://nas:2283/api").set("user", "john@example.com");
    EXPECT_THAT(configErrorOf(noKey), HasSubstr("api_key"));
}

TEST(ImmichSettings, PageSizeMustBeWithinImmichsLimits) {
    auto o = valid();
    o.set("immich_page_size", std::int64_t{1001});
    EXPECT_THAT(configErrorOf(o), HasSubstr("immich_page_size"));
    o.set("immich_page_size", std::int64_t{0});
    EXPECT_THAT(configErrorOf(o), HasSubstr("immich_page_size"));
}

TEST(ImmichSettings, CaFileMustExist) {
    auto o = valid();
    o.set("immich_ca_file", "/nonexistent/ca.pem");
    EXPECT_THAT(configErrorOf(o), HasSubstr("immich_ca_file"));
}
