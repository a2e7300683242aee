// libpixsync's HttpClient against the fake Immich: keep-alive, retries, caps, failures.

#include "pixsync/http_client.hpp"

#include <thread>

#include "immich_fixture.hpp"

using namespace pixsync;
using namespace pixsync::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

HttpClientOptions optionsFor(FakeImmich& immich, const std::string& key = "john-key-all") {
    HttpClientOptions o;
    o.baseUrl = immich.baseUrl();
    o.defaultHeaders = {{"x-api-key", key}};
    o.timeout = std::chrono::seconds(20);
    return o;
}

HttpFailure failureOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const HttpError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
        return e.failure();
    }
    ADD_FAILURE() << "no HttpError";
    return HttpFailure::Other;
}

}  // namespace

TEST_F(ImmichTest, HttpClientKeepsOneConnectionAlive) {
    start(manifest());
    HttpClient client(optionsFor(immich()));
    for (int i = 0; i < 3; ++i) {
        HttpResponse r = client.request("GET", "/users/me");
        EXPECT_EQ(r.status, 200);
        EXPECT_THAT(r.body, HasSubstr("john@example.com"));
        EXPECT_THAT(r.header("Content-Type").value_or(""), HasSubstr("application/json"));
    }
    EXPECT_EQ(client.connectionsOpened(), 1u);
}

TEST_F(ImmichTest, HttpClientRetriesOnAFreshConnectionAfterAnIdleClose) {
    start(manifest(), {"--keep-alive-seconds", "1"});
    HttpClient client(optionsFor(immich()));
    EXPECT_EQ(client.request("GET", "/server/version").status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(1600));
    EXPECT_EQ(client.request("GET", "/server/version").status, 200);
    EXPECT_EQ(client.connectionsOpened(), 2u);
}

TEST_F(ImmichTest, HttpClientSendsBodiesAndReturnsErrorStatuses) {
    start(manifest());
    HttpClient client(optionsFor(immich()));
    HttpResponse r = client.request("POST", "/search/metadata", R"({"size": 5000})");
    EXPECT_EQ(r.status, 400);
    EXPECT_THAT(r.body, HasSubstr("size must not be greater than 1000"));
    HttpClient anonymous(optionsFor(immich(), "bad-key-123"));
    EXPECT_EQ(anonymous.request("GET", "/users/me").status, 401);
}

TEST_F(ImmichTest, HttpClientCapsAnswersReadIntoMemory) {
    start(manifest(R"([{"owner": "john@example.com", "count": 50}])"));
    auto o = optionsFor(immich());
    o.maxResponseBytes = 4096;
    HttpClient client(o);
    EXPECT_EQ(failureOf([&] { client.request("POST", "/search/metadata", R"({"size": 50})"); }),
              HttpFailure::TooLarge);
}

TEST_F(ImmichTest, HttpClientStreamsDownloadsAndStopsPastTheCap) {
    start(manifest(
        R"([{"owner": "john@example.com", "size": 1048576, "id": "aaaaaaaa-0000-4000-8000-000000000001"}])"));
    HttpClient client(optionsFor(immich()));
    TempFile file = TempFile::create(dir());
    std::uint64_t lastProgress = 0;
    HttpDownload d =
        client.download("/assets/aaaaaaaa-0000-4000-8000-000000000001/original", file, 2 << 20,
                        [&](std::uint64_t got, std::uint64_t) { lastProgress = got; });
    EXPECT_EQ(d.status, 200);
    EXPECT_EQ(d.bytes, 1048576u);
    EXPECT_EQ(file.size(), 1048576u);
    EXPECT_EQ(lastProgress, 1048576u);
    EXPECT_EQ(d.contentType, "image/jpeg");
    ASSERT_TRUE(d.announcedBytes);

    HttpDownload capped =
        client.download("/assets/aaaaaaaa-0000-4000-8000-000000000001/original", file, 100000);
    EXPECT_TRUE(capped.overLimit);
    EXPECT_LE(file.size(), 100000u);
}

TEST_F(ImmichTest, HttpClientKeepsErrorAnswersOutOfTheFile) {
    start(manifest(
        R"([{"owner": "john@example.com", "size": 1000, "id": "aaaaaaaa-0000-4000-8000-000000000001"}])"));
    HttpClient client(optionsFor(immich(), "john-key-nodownload"));
    TempFile file = TempFile::create(dir());
    HttpDownload d =
        client.download("/assets/aaaaaaaa-0000-4000-8000-000000000001/original", file, 1 << 20);
    EXPECT_EQ(d.status, 403);
    EXPECT_THAT(d.errorBody, HasSubstr("Missing required permission: asset.download"));
    EXPECT_EQ(file.size(), 0u);
}

TEST_F(ImmichTest, HttpClientNamesTransportFailures) {
    ClosedPort closed;
    HttpClientOptions o;
    o.baseUrl = "http://127.0.0.1:" + std::to_string(closed.port()) + "/api";
    o.defaultHeaders = {{"x-api-key", "secret-key-value"}};
    HttpClient client(o);
    try {
        client.request("GET", "/server/version");
        FAIL();
    } catch (const HttpError& e) {
        EXPECT_EQ(e.failure(), HttpFailure::ConnectionRefused);
        EXPECT_FALSE(e.transient());
        EXPECT_THAT(e.what(), HasSubstr("refused"));
        EXPECT_THAT(e.what(), Not(HasSubstr("secret-key-value")));
    }
}

TEST_F(ImmichTest, HttpClientTimesOut) {
    start(manifest());
    auto o = optionsFor(immich());
    o.timeout = std::chrono::seconds(1);
    HttpClient client(o);
    immich().injectFault("delay", 1, "/api/server/version", 3);
    EXPECT_EQ(failureOf([&] { client.request("GET", "/server/version"); }), HttpFailure::Timeout);
}

TEST_F(ImmichTest, HttpClientHidesCredentialsInTheUrl) {
    HttpClientOptions o;
    o.baseUrl = "https://user:pa55word@photos.example.com/api/";
    HttpClient client(o);
    EXPECT_EQ(client.url("/users/me"), "https://photos.example.com/api/users/me");
}
