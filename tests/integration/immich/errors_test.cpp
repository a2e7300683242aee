// Errors a user can act on: each names the account and says what to do.

#include "immich_fixture.hpp"

using namespace pixsync;
using namespace pixsync::test;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(ImmichTest, RejectedKeyNamesTheAccountAndTheFix) {
    start(manifest());
    auto source = makeSource(options("wrong-key-12345"));
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), HasSubstr("Immich rejected the API key for john@example.com"));
    EXPECT_THAT(e.what(), HasSubstr("Invalid API key"));
    EXPECT_THAT(e.what(), HasSubstr("create a new key"));
    EXPECT_THAT(e.what(), Not(HasSubstr("wrong-key-12345")));
}

TEST_F(ImmichTest, MissingPermissionQuotesImmich) {
    start(manifest());
    auto source = makeSource(options("john-key-noread"));
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), HasSubstr("Missing required permission: asset.read"));
    EXPECT_THAT(e.what(), HasSubstr("john@example.com"));
}

TEST_F(ImmichTest, AKeyOfAnotherUserIsRefused) {
    start(manifest(R"([{"owner": "jane@example.com", "count": 2}])"));
    auto source = makeSource(options("jane-key-all"));
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(),
                HasSubstr("belongs to the Immich user jane@example.com, not to john@example.com"));
    EXPECT_EQ(requests("POST /api/search/metadata"), 0);  // nothing of Jane's was listed
}

TEST_F(ImmichTest, WithoutUserReadAndWithoutAdminKeyTheUserCannotBeResolved) {
    start(manifest());
    auto source = makeSource(options("john-key-nouser"));
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_THAT(e.what(), HasSubstr("cannot find out which Immich user john@example.com is"));
    EXPECT_THAT(e.what(), HasSubstr("user.read"));
}

TEST_F(ImmichTest, AdminKeyThatDoesNotKnowTheUser) {
    start(manifest());
    auto o = options("john-key-nouser", "nobody@example.com");
    o.set("immich_api_key", "admin-key-users");
    auto source = makeSource(o);
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_THAT(e.what(), HasSubstr("no Immich user has the e-mail address nobody@example.com"));
}

TEST_F(ImmichTest, RejectedAdminKeyIsNamedAsTheAdminKey) {
    start(manifest());
    auto o = options("john-key-nouser");
    o.set("immich_api_key", "bad-admin-key");
    auto source = makeSource(o);
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_THAT(e.what(), HasSubstr("Immich rejected the admin API key"));
    EXPECT_THAT(e.what(), Not(HasSubstr("bad-admin-key")));
}

TEST_F(ImmichTest, AnHtmlPageMeansTheBaseUrlIsWrong) {
    start(manifest());
    auto o = options();
    // A reverse-proxy prefix that is not the API: the web app answers with HTML.
    o.set("immich_base_url", "http://127.0.0.1:" + std::to_string(immich().port()) + "/photos/api");
    auto source = makeSource(o);
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), HasSubstr("immich_base_url must end with /api"));
    EXPECT_THAT(e.what(), HasSubstr("HTML"));
}

TEST_F(ImmichTest, A404MeansTheBaseUrlIsWrong) {
    start(manifest());
    auto o = options();
    o.set("immich_base_url", immich().baseUrl() + "/v2/api");
    auto source = makeSource(o);
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_THAT(e.what(), HasSubstr("immich_base_url must end with /api"));
    EXPECT_THAT(e.what(), HasSubstr("404"));
}

TEST_F(ImmichTest, ConnectionRefusedHasItsOwnMessage) {
    ClosedPort closed;
    auto o = options();
    o.set("immich_base_url", "http://127.0.0.1:" + std::to_string(closed.port()) + "/api");
    auto source = makeSource(o);
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), HasSubstr("refused"));
}

TEST_F(ImmichTest, UnknownHostHasItsOwnMessage) {
    // A 64-character label is not a valid DNS name: the resolver refuses it before sending
    // any query, so the lookup fails at once and nothing leaves the machine.
    const std::string host = std::string(64, 'a') + ".invalid";
    auto o = options();
    o.set("immich_base_url", "http://" + host + "/api").set("immich_timeout_seconds", "5");
    auto source = makeSource(o);
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), HasSubstr("the DNS lookup failed; check the host name in the URL"));
}

TEST_F(ImmichTest, TimeoutHasItsOwnMessage) {
    start(manifest());
    auto o = options();
    o.set("immich_timeout_seconds", "1");
    auto source = makeSource(o);
    immich().injectFault("delay", 10, "/api/users/me", 3);
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), HasSubstr("did not answer within 1 s"));
    EXPECT_THAT(e.what(), HasSubstr("tried 3 times"));
}

TEST_F(ImmichTest, TlsToAPlainHttpServerHasItsOwnMessage) {
    start(manifest());
    auto o = options();
    o.set("immich_base_url", "https://127.0.0.1:" + std::to_string(immich().port()) + "/api");
    auto source = makeSource(o);
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), HasSubstr("TLS"));
}

TEST_F(ImmichTest, ConfigErrorsNameTheKey) {
    Options o;
    o.set("immich_base_url", "http://nas:2283")
        .set("user", "john@example.com")
        .set("api_key", "k-123456");
    o.describe("pixsync.json", KeyStyle::Json, dir());
    Error e = errorFrom([&] { makeSource(o); });
    EXPECT_EQ(e.kind(), ErrorKind::Config);
    EXPECT_THAT(e.what(), HasSubstr("immich_base_url"));
    EXPECT_THAT(e.what(), HasSubstr("append /api: http://nas:2283/api"));
}

TEST_F(ImmichTest, KeysNeverReachTheLog) {
    start(manifest(R"([{"owner": "john@example.com", "count": 1}])"));
    auto o = options("john-key-all");
    o.set("immich_insecure_tls", "true");
    auto source = makeSource(o);
    source->list("");
    EXPECT_THAT(logText(), HasSubstr("TLS certificate checks"));  // the warning at start
    EXPECT_THAT(logText(), Not(HasSubstr("john-key-all")));
}

namespace {
std::vector<std::string> tlsArgs() {
    auto tls = supportDir() / "fake_immich" / "tls";
    return {"--tls-cert", (tls / "test-cert.pem").string(), "--tls-key",
            (tls / "test-key.pem").string()};
}
}  // namespace

TEST_F(ImmichTest, AnUntrustedCertificateSuggestsACaFile) {
    start(manifest(), tlsArgs());
    auto source = makeSource(options());
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), HasSubstr("TLS certificate"));
    EXPECT_THAT(e.what(), HasSubstr("could not be verified"));
    EXPECT_THAT(e.what(), HasSubstr("CA file"));
}

TEST_F(ImmichTest, TheCaFileOptionTrustsAPrivateCertificate) {
    start(manifest(R"([{"owner": "john@example.com", "count": 2}])"), tlsArgs());
    auto o = options();
    o.set("immich_ca_file", (supportDir() / "fake_immich" / "tls" / "test-cert.pem").string());
    auto source = makeSource(o);
    EXPECT_EQ(source->list("").assets.size(), 2u);
}

TEST_F(ImmichTest, InsecureTlsWorksAndWarnsAtEveryStart) {
    start(manifest(R"([{"owner": "john@example.com", "count": 2}])"), tlsArgs());
    auto o = options();
    o.set("immich_insecure_tls", true);
    auto first = makeSource(o);
    EXPECT_EQ(first->list("").assets.size(), 2u);
    auto second = makeSource(o);
    std::string log = logText();
    auto at = log.find("TLS certificate checks");
    ASSERT_NE(at, std::string::npos);
    EXPECT_NE(log.find("TLS certificate checks", at + 1), std::string::npos);
}
