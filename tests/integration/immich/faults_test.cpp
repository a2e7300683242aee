// Each fault kind the fake can inject is either retried away or reported as
// Error(Unavailable); nothing crashes and nothing is half-listed.

#include "immich_fixture.hpp"

using namespace pixsync;
using namespace pixsync::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

struct FaultCase {
    const char* kind;
    const char* message;  // what the error says once retries are used up
};

// Names the case in test output instead of dumping its bytes.
void PrintTo(const FaultCase& c, std::ostream* out) { *out << c.kind; }

class ImmichFaultTest : public ImmichTest, public ::testing::WithParamInterface<FaultCase> {};

}  // namespace

TEST_P(ImmichFaultTest, AFewFaultsAreRetriedAway) {
    start(manifest(R"([{"owner": "john@example.com", "count": 30}])"));
    auto o = options();
    o.set("immich_page_size", "10");
    auto source = makeSource(o);
    source->list("");  // resolves the user first
    immich().injectFault(GetParam().kind, 2, "/api/search/metadata");
    Listing l = source->list("");
    EXPECT_EQ(l.assets.size(), 30u);
    EXPECT_EQ(l.cursor.empty(), false);
}

TEST_P(ImmichFaultTest, PersistentFaultsBecomeUnavailable) {
    start(manifest(R"([{"owner": "john@example.com", "count": 3}])"));
    auto source = makeSource(options());
    source->list("");
    immich().injectFault(GetParam().kind, 100, "/api/search/metadata");
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(), HasSubstr(GetParam().message));
    EXPECT_THAT(e.what(), HasSubstr("tried 3 times"));
    // The source is still usable once the server behaves again.
    immich().admin("DELETE", "/faults");
    EXPECT_EQ(source->list("").assets.size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Kinds, ImmichFaultTest,
                         ::testing::Values(FaultCase{"500", "HTTP 500"},
                                           FaultCase{"503", "HTTP 503"},
                                           FaultCase{"reset", "closed before a complete answer"},
                                           FaultCase{"close", "closed before a complete answer"},
                                           FaultCase{"invalid-json", "not valid JSON"},
                                           FaultCase{"truncate", "cut short"}),
                         [](const ::testing::TestParamInfo<FaultCase>& param) {
                             std::string name = param.param.kind;
                             for (auto& c : name)
                                 if (c == '-') c = '_';
                             return "fault_" + name;
                         });

TEST_F(ImmichTest, ASlowAnswerWithinTheTimeoutIsFine) {
    start(manifest(R"([{"owner": "john@example.com", "count": 3}])"));
    auto source = makeSource(options());
    immich().injectFault("delay", 1, "/api/search/metadata", 0.5);
    EXPECT_EQ(source->list("").assets.size(), 3u);
}

TEST_F(ImmichTest, AnHtmlAnswerIsNotRetried) {
    start(manifest(R"([{"owner": "john@example.com", "count": 3}])"));
    auto source = makeSource(options());
    source->list("");
    immich().resetCounters();
    immich().injectFault("html", 100, "/api/search/metadata");
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_THAT(e.what(), HasSubstr("must end with /api"));
    EXPECT_EQ(requests("POST /api/search/metadata"), 1);
}

// A proxy's plain-text 502 is quoted as text, not mistaken for an HTML page (which would
// send the user after the base URL).
TEST_F(ImmichTest, APlainText502IsQuotedAsText) {
    start(manifest(R"([{"owner": "john@example.com", "count": 3}])"));
    auto source = makeSource(options());
    source->list("");
    immich().injectFault("text-502", 100, "/api/search/metadata");
    Error e = errorFrom([&] { source->list(""); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_THAT(e.what(),
                HasSubstr("HTTP 502: the text \"<upstream immich-server:2283> Bad Gateway\""));
    EXPECT_THAT(e.what(), Not(HasSubstr("HTML")));
}

TEST_F(ImmichTest, DownloadFaultsAreRetriedOrUnavailable) {
    start(manifest(R"([{"owner": "john@example.com", "size": 300000}])"));
    auto source = makeSource(options());
    Listing l = source->list("");
    ASSERT_EQ(l.assets.size(), 1u);
    immich().injectFault("503", 1, "/api/assets/");
    MediaFile m = source->fetch(l.assets[0]);
    EXPECT_EQ(m.size, 300000u);
    immich().injectFault("reset", 100, "/api/assets/");
    Error e = errorFrom([&] { source->fetch(l.assets[0]); });
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
}
