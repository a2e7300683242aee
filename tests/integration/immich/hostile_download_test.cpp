// A hostile Immich (the fake's drip, endless-error and overrun faults on 127.0.0.1): every
// download and every error answer ends within a bounded time, having taken a bounded number
// of bytes, with an error that names what happened. Measured in-process: the time each call
// took, the bytes the server managed to send (its counters), and the growth of this
// process's peak memory.

#include <sys/resource.h>

#include "immich_fixture.hpp"
#include "pixsync/http_client.hpp"

using namespace pixsync;
using namespace pixsync::test;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

const std::string kPhoto = "aaaaaaaa-0000-4000-8000-000000000001";
const std::string kOriginal = "GET /api/assets/{id}/original";

/// Peak resident memory of this process so far, in MB.
long peakRssMb() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

/// Seconds `f` took.
template <class F>
double secondsOf(F&& f) {
    auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class HostileImmichTest : public ImmichTest {
  protected:
    /// One photo of 64 KB, John's favorite.
    void startWithOnePhoto() {
        start(manifest(R"([{"owner": "john@example.com", "size": 65536, "id": ")" + kPhoto +
                       R"(", "originalFileName": "IMG_0001.JPG"}])"));
    }

    /// Injects a fault with all its fields given as JSON members.
    void injectFault(const std::string& members) {
        immich().admin("POST", "/faults", "{" + members + "}");
    }

    /// Bytes the fake sent for an endpoint (headers and body).
    long bytesSent(const std::string& endpoint) {
        auto d = parseJson(immich().admin("GET", "/counters"));
        const auto& e = d["endpoints"];
        if (!e.HasMember(endpoint.c_str())) return 0;
        return e[endpoint.c_str()]["bytesOut"].GetInt64();
    }

    HttpClient client(std::chrono::seconds timeout = std::chrono::seconds(2)) {
        HttpClientOptions o;
        o.baseUrl = immich().baseUrl();
        o.defaultHeaders = {{"x-api-key", "john-key-all"}};
        o.displayName = "Immich at " + immich().baseUrl();
        o.timeout = timeout;
        return HttpClient(o);
    }

    long peakBefore_ = peakRssMb();
    /// Peak memory may grow by this much during a test (the libraries' own allocations).
    static constexpr long kMaxPeakGrowthMb = 50;
};

}  // namespace

// Before: 2 bytes every 0.5 s kept a 64 KB download going for 4.5 hours.
TEST_F(HostileImmichTest, ADripDownloadIsCutOffAtItsDeadline) {
    startWithOnePhoto();
    auto o = options();
    o.set("immich_timeout_seconds", "4");  // deadline: 4 s + what arrived (a few bytes) at 32 KB/s
    auto source = makeSource(o);
    Listing l = source->list("");
    ASSERT_EQ(l.assets.size(), 1u);
    immich().resetCounters();
    injectFault(R"("kind": "drip", "count": 100, "path": "/api/assets/", "seconds": 30)");

    Error e(ErrorKind::Internal, "none");
    double took = secondsOf([&] { e = errorFrom([&] { source->fetch(l.assets[0]); }); });
    EXPECT_GE(took, 3.5);
    EXPECT_LT(took, 7.0);
    // A retry later for the photo, not a failure for good.
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), AllOf(HasSubstr("IMG_0001.JPG"), HasSubstr("was too slow: "),
                                HasSubstr(" bytes in "), HasSubstr("65536 bytes announced"),
                                HasSubstr("immich_min_download_kb_per_second")));
    EXPECT_THAT(e.what(), Not(HasSubstr("tried")));  // not tried again at once
    EXPECT_EQ(requests(kOriginal), 1);
    EXPECT_LT(bytesSent(kOriginal), 1024);
    EXPECT_LT(peakRssMb() - peakBefore_, kMaxPeakGrowthMb);

    // Immich behaving again: the same source downloads the photo.
    immich().admin("DELETE", "/faults");
    EXPECT_EQ(source->fetch(l.assets[0]).size, 65536u);
}

// Only bytes that arrive buy time: a server that announces 100 MB and drips gets no more
// than the allowance.
TEST_F(HostileImmichTest, AnInflatedContentLengthBuysADripNoTime) {
    startWithOnePhoto();
    injectFault(
        R"("kind": "drip", "count": 1, "path": "/api/assets/", "bytes": 104857600, "seconds": 30)");
    HttpClient http = client();
    TempFile file = TempFile::create(dir());
    HttpError e(HttpFailure::Other, "none");
    double took = secondsOf([&] {
        try {
            http.download("/assets/" + kPhoto + "/original", file, 200 << 20, {}, {}, 0);
            ADD_FAILURE() << "the drip was not cut off";
        } catch (const HttpError& error) {
            e = error;
        }
    });
    EXPECT_LT(took, 7.0);
    EXPECT_EQ(e.failure(), HttpFailure::TooSlow);
    EXPECT_FALSE(e.transient());
    EXPECT_THAT(e.what(),
                AllOf(HasSubstr("Immich at " + immich().baseUrl()),
                      HasSubstr("104857600 bytes announced"), HasSubstr("allowed: 2.0 s")));
}

// Before: an HTTP 500 with an endless body was read to its end (109 GB in 60 s).
TEST_F(HostileImmichTest, AnEndlessErrorBodyIsCutAndItsConnectionDropped) {
    startWithOnePhoto();
    injectFault(R"("kind": "endless-error", "count": 1, "path": "/api/assets/", "seconds": 20)");
    HttpClient http = client(std::chrono::seconds(30));
    TempFile file = TempFile::create(dir());
    HttpDownload d;
    double took =
        secondsOf([&] { d = http.download("/assets/" + kPhoto + "/original", file, 1 << 20); });
    EXPECT_LT(took, 3.0);
    EXPECT_EQ(d.status, 500);
    EXPECT_EQ(d.errorBody.size(), kMaxErrorBodyBytes);
    EXPECT_EQ(file.size(), 0u);
    EXPECT_LT(bytesSent(kOriginal), 32l << 20);
    // The cut connection is not reused: the next request opens a new one.
    EXPECT_EQ(http.request("GET", "/server/version").status, 200);
    EXPECT_EQ(http.connectionsOpened(), 2u);
    EXPECT_LT(peakRssMb() - peakBefore_, kMaxPeakGrowthMb);
}

TEST_F(HostileImmichTest, EndlessErrorBodiesOfDownloadsAndListingsEndAsOutages) {
    startWithOnePhoto();
    auto source = makeSource(options());
    Listing l = source->list("");
    immich().resetCounters();
    injectFault(R"("kind": "endless-error", "count": 100, "path": "/api/assets/", "seconds": 20)");
    Error e(ErrorKind::Internal, "none");
    double took = secondsOf([&] { e = errorFrom([&] { source->fetch(l.assets[0]); }); });
    EXPECT_LT(took, 8.0);
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), AllOf(HasSubstr("IMG_0001.JPG"), HasSubstr("HTTP 500"),
                                HasSubstr("an answer longer than 64.0 KB, not read further"),
                                HasSubstr("tried 3 times")));
    EXPECT_EQ(requests(kOriginal), 3);
    EXPECT_LT(bytesSent(kOriginal), 3 * (32l << 20));

    // The same for an answer read into memory (the listing).
    immich().admin("DELETE", "/faults");
    immich().resetCounters();
    injectFault(R"("kind": "endless-error", "count": 100, "path": "/api/search/", "seconds": 20)");
    took = secondsOf([&] { e = errorFrom([&] { source->list(""); }); });
    EXPECT_LT(took, 8.0);
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), AllOf(HasSubstr("HTTP 500"), HasSubstr("longer than 64.0 KB"),
                                HasSubstr("tried 3 times")));
    EXPECT_LT(bytesSent("POST /api/search/metadata"), 3 * (32l << 20));
    EXPECT_LT(peakRssMb() - peakBefore_, kMaxPeakGrowthMb);
}

// Before: "the URL ... is not valid; it must start with http:// or https:// (Received
// HTTP/0.9 when not allowed)".
TEST_F(HostileImmichTest, AContentLengthOverrunIsNamedAsSuch) {
    startWithOnePhoto();
    HttpClient http = client();
    injectFault(R"("kind": "overrun", "count": 1, "path": "/api/assets/")");
    TempFile file = TempFile::create(dir());
    HttpDownload d;
    double took = secondsOf([&] {
        d = http.download("/assets/" + kPhoto + "/original", file, 1 << 20);
        try {
            http.request("GET", "/server/version");
            ADD_FAILURE() << "the excess was taken for an answer";
        } catch (const HttpError& e) {
            EXPECT_EQ(e.failure(), HttpFailure::Malformed);
            EXPECT_TRUE(e.transient());
            EXPECT_THAT(e.what(), AllOf(HasSubstr("Immich at " + immich().baseUrl()),
                                        HasSubstr("sent a malformed reply"),
                                        HasSubstr("longer than its Content-Length announced")));
            EXPECT_THAT(e.what(), Not(HasSubstr("not valid")));
        }
    });
    EXPECT_LT(took, 3.0);
    EXPECT_EQ(d.status, 200);
    EXPECT_EQ(d.bytes, 65536u);  // what was announced, not the excess
    // Tried again, it works on a fresh connection.
    EXPECT_EQ(http.request("GET", "/server/version").status, 200);
}

TEST_F(HostileImmichTest, ThePluginGetsPastAnOverrunOnAFreshConnection) {
    startWithOnePhoto();
    auto source = makeSource(options());
    Listing l = source->list("");
    injectFault(R"("kind": "overrun", "count": 1, "path": "/api/assets/")");
    EXPECT_EQ(source->fetch(l.assets[0]).size, 65536u);
    EXPECT_EQ(source->list("").assets.size(), 1u);
    EXPECT_THAT(logText(), HasSubstr("longer than its Content-Length announced"));
}

// libcurl stops at 300 KB of headers with "connection closed"; pixsync stops earlier and
// calls it what it is.
TEST_F(HostileImmichTest, EndlessHeadersAreRefusedAsAMalformedReply) {
    startWithOnePhoto();
    injectFault(R"("kind": "endless-headers", "count": 1, "path": "/api/server/", "seconds": 20)");
    HttpClient http = client();
    double took = secondsOf([&] {
        try {
            http.request("GET", "/server/version");
            ADD_FAILURE() << "endless headers were taken for an answer";
        } catch (const HttpError& e) {
            EXPECT_EQ(e.failure(), HttpFailure::Malformed);
            EXPECT_THAT(e.what(), AllOf(HasSubstr("Immich at " + immich().baseUrl()),
                                        HasSubstr("sent more than 256.0 KB of headers"),
                                        HasSubstr("GET /server/version")));
        }
    });
    EXPECT_LT(took, 3.0);
    EXPECT_LT(bytesSent("GET /api/server/version"), 32l << 20);
    EXPECT_LT(peakRssMb() - peakBefore_, kMaxPeakGrowthMb);
}

// What held before and must keep holding: a gzip bomb is cut at the answer's cap, in memory,
// on disk and as an error body.
TEST_F(HostileImmichTest, GzipBombsStayCut) {
    startWithOnePhoto();
    HttpClientOptions o;
    o.baseUrl = immich().baseUrl();
    o.defaultHeaders = {{"x-api-key", "john-key-all"}};
    o.maxResponseBytes = 4 << 20;
    HttpClient http(o);
    injectFault(R"("kind": "gzip-bomb", "count": 1, "path": "/api/server/")");
    double took = secondsOf([&] {
        try {
            http.request("GET", "/server/version");
            ADD_FAILURE() << "a 128 MB answer was read";
        } catch (const HttpError& e) {
            EXPECT_EQ(e.failure(), HttpFailure::TooLarge);
        }
    });
    EXPECT_LT(took, 10.0);  // includes the fake making the bomb

    injectFault(R"("kind": "gzip-bomb", "count": 1, "path": "/api/server/", "status": 500)");
    HttpResponse r = http.request("GET", "/server/version");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body.size(), kMaxErrorBodyBytes);

    injectFault(R"("kind": "gzip-bomb", "count": 1, "path": "/api/assets/")");
    TempFile file = TempFile::create(dir());
    HttpDownload d = http.download("/assets/" + kPhoto + "/original", file, 1 << 20);
    EXPECT_TRUE(d.overLimit);
    EXPECT_LE(file.size(), 1u << 20);
    EXPECT_LT(peakRssMb() - peakBefore_, kMaxPeakGrowthMb);
}

// What held before and must keep holding: a redirect is not followed (it would carry the
// API key wherever it points).
TEST_F(HostileImmichTest, RedirectsAreNotFollowed) {
    startWithOnePhoto();
    HttpClient http = client();
    TempFile file = TempFile::create(dir());
    HttpDownload d = http.download("/assets/" + kPhoto + "/thumbnail?size=fullsize", file, 1 << 20);
    EXPECT_EQ(d.status, 302);
    EXPECT_EQ(file.size(), 0u);
    EXPECT_EQ(requests(kOriginal), 0);
}
