// The status page rendered from a hand-made status model: every hostile value is text in its
// context, and what the page promises (routes, frames, recent deliveries, failures) is there.
#include "status_page.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "html.hpp"
#include "listen_access.hpp"

using namespace pixsync;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

const std::string kHostile = "<img src=x onerror=\"document.title='pwned'\">\r\n.jpg";
const std::string kRightToLeft = "photo\u202Egpj.exe";  // U+202E RIGHT-TO-LEFT OVERRIDE

TEST(HtmlEscape, TextAndAttributesCannotBeLeft) {
    EXPECT_EQ(html::escape("a & b"), "a &amp; b");
    EXPECT_EQ(html::escape(kHostile),
              "&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;"
              "\xEF\xBF\xBD\xEF\xBF\xBD.jpg");
    EXPECT_EQ(html::escape(std::string("a\0b", 3)),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(html::escape("Ünïcödé stays"), "Ünïcödé stays");
}

TEST(HtmlEscape, UrlSegmentsKeepOnlyUnreservedBytes) {
    EXPECT_EQ(html::urlSegment("00000000-0000-4000-8000-00000000beef"),
              "00000000-0000-4000-8000-00000000beef");
    EXPECT_EQ(html::urlSegment("a/b\"c d?e#f"), "a%2Fb%22c%20d%3Fe%23f");
}

TEST(ListenToken, ComparesInConstantTimeAndOnlyEqualStringsMatch) {
    EXPECT_TRUE(equalInConstantTime("token", "token"));
    EXPECT_FALSE(equalInConstantTime("token", "tokem"));
    EXPECT_FALSE(equalInConstantTime("token", "token2"));
    EXPECT_FALSE(equalInConstantTime("", "x"));
    EXPECT_TRUE(equalInConstantTime("", ""));
}

StatusReport hostileReport() {
    StatusReport r;
    r.at = TimePoint(std::chrono::seconds(1'780'000'000));
    SinkStatus sink;
    sink.health.name = "pixstar";
    sink.health.state = HealthState::Failing;
    sink.health.since = r.at - std::chrono::minutes(5);
    sink.health.reason = "535 refused <script>alert(1)</script>";
    sink.health.perMinute = 20;
    sink.health.perDay = 450;
    sink.sentLastMinute = 3;
    sink.sentLastDay = 12;
    sink.queued = 4;
    r.sinks.push_back(sink);
    RouteStatus route;
    route.summary.route = "grandma@example.com";
    route.label = "Grandma \"Gigi\" <3";
    route.sink = "pixstar";
    route.frames = {"gigi-frame@mypixstar.com", "kitchen'@mypixstar.com"};
    route.summary.queued = 4;
    route.summary.failed = 1;
    route.summary.recentFailures.push_back(
        FailureRecord{{"grandma@example.com", "asset-1", "gigi-frame@mypixstar.com"},
                      kHostile,
                      "552 too big <b>",
                      r.at});
    r.routes.push_back(route);
    RecentDelivery image{{"grandma@example.com", "asset\"2", "gigi-frame@mypixstar.com"},
                         DeliveryStatus::Delivered,
                         kRightToLeft,
                         AssetKind::Image,
                         "pixstar",
                         r.at,
                         ""};
    RecentDelivery video{{"grandma@example.com", "asset-3", "gigi-frame@mypixstar.com"},
                         DeliveryStatus::Delivered,
                         "clip.mp4",
                         AssetKind::Video,
                         "pixstar",
                         r.at,
                         ""};
    RecentDelivery failed{{"grandma@example.com", "asset-1", "gigi-frame@mypixstar.com"},
                          DeliveryStatus::Failed,
                          kHostile,
                          AssetKind::Image,
                          "pixstar",
                          r.at,
                          "552 too big <b>"};
    r.recent = {image, video, failed};
    return r;
}

TEST(StatusPage, ShowsEveryPartWithHostileValuesAsText) {
    const std::string page = renderStatusPage(
        hostileReport(), StatusPageInfo{std::chrono::seconds(300),
                                        [](const std::string& id) { return id == "asset\"2"; }});
    // No markup from any value: only the page's own tags.
    EXPECT_THAT(page, Not(HasSubstr("<img src=x")));
    EXPECT_THAT(page, Not(HasSubstr("<script>")));
    EXPECT_THAT(page, Not(HasSubstr("<b>")));
    EXPECT_THAT(page, Not(HasSubstr("\r")));
    EXPECT_THAT(page,
                HasSubstr("&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;"));
    EXPECT_THAT(page, HasSubstr("535 refused &lt;script&gt;alert(1)&lt;/script&gt;"));
    EXPECT_THAT(page, HasSubstr("Grandma &quot;Gigi&quot; &lt;3"));
    EXPECT_THAT(page, HasSubstr("kitchen&#39;@mypixstar.com"));
    // The attribute: the id is a URL segment and escaped, so its quote cannot end src.
    EXPECT_THAT(page, HasSubstr("src=\"/thumb/asset%222\""));
    // A right-to-left override stays inside its own isolated run.
    EXPECT_THAT(page, HasSubstr("<bdi>" + kRightToLeft + "</bdi>"));
    // What the page promises.
    EXPECT_THAT(page, HasSubstr("failing since <time datetime="));
    EXPECT_THAT(page, HasSubstr("polling every 300 s"));
    EXPECT_THAT(page, HasSubstr("gigi-frame@mypixstar.com"));
    EXPECT_THAT(page, HasSubstr("sent in the last minute 3 of 20, last 24 h 12 of 450"));
    EXPECT_THAT(page, HasSubstr("&#9654; video"));
    EXPECT_THAT(page, HasSubstr("pixsync resend --user grandma@example.com"));
    EXPECT_THAT(page, HasSubstr("<meta http-equiv=\"refresh\" content=\"30\">"));
    EXPECT_THAT(page, HasSubstr("name=\"viewport\""));
    // Pictures only where the cache has one: one image, one video placeholder, one without.
    EXPECT_EQ(page.find("src=\"/thumb/asset-1\""), std::string::npos);
}

TEST(StatusPage, AResendCommandIsQuotedForTheShell) {
    StatusReport r = hostileReport();
    r.routes[0].summary.route = "o'brien; rm -rf ~";
    r.routes[0].summary.recentFailures[0].key.route = r.routes[0].summary.route;
    const std::string page = renderStatusPage(r, StatusPageInfo{});
    EXPECT_THAT(page,
                HasSubstr("pixsync resend --user &#39;o&#39;\\&#39;&#39;brien; rm -rf ~&#39;"));
    EXPECT_THAT(page, HasSubstr("not polling"));
}

TEST(StatusPage, AllWellIsOneWord) {
    StatusReport r;
    r.sinks.push_back(SinkStatus{});
    r.sinks[0].health.name = "pixstar";
    const std::string page = renderStatusPage(r, StatusPageInfo{});
    EXPECT_THAT(page, HasSubstr("<div class=\"banner ok\" id=\"overall\">ok</div>"));
    EXPECT_THAT(page, HasSubstr("none yet"));
}

}  // namespace
