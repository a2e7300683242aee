// The status page and /api/status of a running daemon against the fake Immich and the real
// SMTP test server: what it shows, what it escapes, who may read it, and that reading it
// never reaches Immich.
#include <gmock/gmock.h>
#include <rapidjson/document.h>

#include "daemon_fixture.hpp"
#include "pixsync/util/strings.hpp"

using namespace pixsync::test;
using pixsync::cat;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

const std::string kHostileName = "<img src=x onerror=\"document.title='pwned'\">.jpg";
const std::string kToken = "s3cret-listen-token";

/// An answer of the --listen port.
struct Answer {
    int status = 0;
    std::map<std::string, std::string> headers;  ///< lower-case names
    std::string body;
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

/// Width and height of a baseline or progressive JPEG; {0, 0} when it is none.
std::pair<int, int> jpegSize(const std::string& jpeg) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(jpeg[i]); };
    if (jpeg.size() < 4 || byte(0) != 0xFF || byte(1) != 0xD8) return {0, 0};
    for (std::size_t i = 2; i + 9 < jpeg.size();) {
        if (byte(i) != 0xFF) return {0, 0};
        const unsigned marker = byte(i + 1);
        const std::size_t length = byte(i + 2) << 8 | byte(i + 3);
        if (marker == 0xC0 || marker == 0xC2)
            return {byte(i + 7) << 8 | byte(i + 8), byte(i + 5) << 8 | byte(i + 6)};
        i += 2 + length;
    }
    return {0, 0};
}

/// Every `src="/thumb/..."` of a page.
std::vector<std::string> thumbnailSources(const std::string& page) {
    std::vector<std::string> sources;
    const std::string start = "src=\"/thumb/";
    for (auto at = page.find(start); at != std::string::npos; at = page.find(start, at + 1)) {
        const auto end = page.find('"', at + 5);
        sources.push_back(page.substr(at + 5, end - at - 5));
    }
    return sources;
}

class StatusPageTest : public DaemonTest {
  protected:
    int listenPort = 0;

    void SetUp() override {
        startImmich(2);
        // A hostile file name, and a frame that refuses everything (a failure with a reason).
        immich->admin(
            "POST", "/assets",
            R"({"id": "00000000-0000-4000-8000-00000000beef", "owner": "john@example.com", "file": ")" +
                (mediaFixtures() / "orientation-1.jpg").string() +
                R"(", "originalFileName": "<img src=x onerror=\"document.title='pwned'\">.jpg", "checksum": "ZZZZZZZZZZZZZZZZZZZZZZZZZZA="})");
        SmtpServerOptions o;
        o.authUser = kSmtpUser;
        o.authPassword = kSmtpPassword;
        o.allowPlaintextAuth = true;
        o.reject = {kJohnFrames[1]};
        smtp = std::make_unique<SmtpTestServer>(o);
    }

    /// `method path` on the daemon's port, with extra request headers.
    Answer request(const std::string& method, const std::string& path,
                   const std::map<std::string, std::string>& headers = {}) {
        std::string pyHeaders = "{";
        for (const auto& [k, v] : headers) pyHeaders += "'" + k + "': '" + v + "',";
        pyHeaders += "}";
        const auto r = run({python(), "-c",
                            "import http.client, sys\n"
                            "c = http.client.HTTPConnection('127.0.0.1', " +
                                std::to_string(listenPort) +
                                ", timeout=10)\n"
                                "c.request('" +
                                method + "', '" + path + "', headers=" + pyHeaders +
                                ")\n"
                                "r = c.getresponse()\n"
                                "print(r.status)\n"
                                "for k, v in r.getheaders(): print(k.lower() + ': ' + v)\n"
                                "print()\n"
                                "sys.stdout.flush()\n"
                                "sys.stdout.buffer.write(r.read())\n"});
        Answer a;
        std::istringstream in(r.out);
        std::string line;
        std::getline(in, line);
        a.status = std::atoi(line.c_str());
        while (std::getline(in, line) && !line.empty()) {
            const auto colon = line.find(": ");
            if (colon != std::string::npos)
                a.headers[line.substr(0, colon)] = line.substr(colon + 2);
        }
        a.body.assign(std::istreambuf_iterator<char>(in), {});
        if (a.status == 0) ADD_FAILURE() << "no answer: " << r.out << r.err;
        return a;
    }

    std::size_t immichRequests() {
        const std::string log = immich->admin("GET", "/requests");
        std::size_t n = 0;
        for (auto at = log.find("\"path\""); at != std::string::npos;
             at = log.find("\"path\"", at + 1))
            ++n;
        return n;
    }

    /// The daemon, polling every second, after its first pass has delivered what it can.
    std::unique_ptr<PixsyncProcess> startAndSettle(
        const std::map<std::string, std::string>& env = {}) {
        writeConfig(env);
        daemonEnvironment["PIXSYNC_TEST_POLL_INTERVAL_MS"] = "1000";
        auto daemon = startListeningOnAnyPort(listenPort);
        // 3 photos to the frame that accepts; the other frame refuses all 3 for good.
        EXPECT_TRUE(waitFor([&] { return smtp->messages().size() == 3; }, std::chrono::seconds(60)))
            << logText();
        EXPECT_TRUE(
            waitFor([&] { return pixsync({"status"}).out.find("failed 3") != std::string::npos; },
                    std::chrono::seconds(60)))
            << pixsync({"status"}).out;
        return daemon;
    }
};

TEST_F(StatusPageTest, ShowsRoutesFramesRecentDeliveriesAndFailuresEscaped) {
    auto daemon = startAndSettle();
    // The page reflects a cycle after the failures were recorded.
    Answer page;
    ASSERT_TRUE(waitFor(
        [&] {
            page = request("GET", "/");
            return page.status == 200 && page.body.find("class=\"failure\"") != std::string::npos;
        },
        std::chrono::seconds(30)))
        << page.status << page.body;
    EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(page.header("content-security-policy"),
              "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
    EXPECT_EQ(page.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(page.header("referrer-policy"), "no-referrer");
    EXPECT_EQ(page.header("cache-control"), "no-store");
    EXPECT_THAT(page.body, HasSubstr("<meta http-equiv=\"refresh\" content=\"30\">"));
    EXPECT_THAT(page.body, HasSubstr("john@example.com"));
    for (const auto& frame : kJohnFrames) EXPECT_THAT(page.body, HasSubstr(frame));
    EXPECT_THAT(page.body, HasSubstr(fileName(0)));
    EXPECT_THAT(page.body, HasSubstr(fileName(1)));
    EXPECT_THAT(page.body, HasSubstr("550"));  // the frame's refusal, as the reason
    EXPECT_THAT(page.body, HasSubstr("pixsync resend --user john@example.com"));
    // A picture of the photo in each of the six recent deliveries, each a small JPEG.
    const auto sources = thumbnailSources(page.body);
    EXPECT_EQ(sources.size(), 6u) << page.body;
    for (const auto& src : sources) {
        const Answer thumb = request("GET", src);
        EXPECT_EQ(thumb.status, 200) << src;
        EXPECT_EQ(thumb.header("content-type"), "image/jpeg") << src;
        const auto [w, h] = jpegSize(thumb.body);
        EXPECT_GT(w, 0) << src;
        EXPECT_LE(std::max(w, h), 256) << src;
    }
    EXPECT_EQ(request("GET", "/thumb/00000000-0000-4000-8000-999999999999").status, 404);
    EXPECT_EQ(request("GET", "/thumb/%zz").status, 404);
    // Thumbnails replaced by links to the .env while the daemon runs are never served.
    for (const auto& e : std::filesystem::directory_iterator(dir / "pixsync-thumbnails")) {
        std::filesystem::remove(e.path());
        std::filesystem::create_symlink(dir / ".env", e.path());
    }
    for (const auto& src : sources) {
        const Answer planted = request("GET", src);
        EXPECT_EQ(planted.status, 404) << src;
        EXPECT_THAT(planted.body, Not(HasSubstr("SMTP_PASSWORD"))) << src;
    }
    // The hostile name is text, never markup.
    EXPECT_THAT(page.body, Not(HasSubstr("<img src=x")));
    EXPECT_THAT(
        page.body,
        HasSubstr("&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;.jpg"));
}

TEST_F(StatusPageTest, ARealBrowserShowsEveryPartAndEveryPictureAndRunsNoHostileScript) {
    const std::string chromium = "/usr/bin/chromium";  // scripts/install-deps.sh installs it
    ASSERT_TRUE(std::filesystem::exists(chromium)) << "run scripts/install-deps.sh";
    auto daemon = startAndSettle();
    ASSERT_TRUE(waitFor(
        [&] { return request("GET", "/").body.find("class=\"failure\"") != std::string::npos; },
        std::chrono::seconds(30)));
    // The DOM as the browser built it after loading the page and its pictures.
    const auto browser =
        run({chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
             "--dump-dom", cat("http://127.0.0.1:", listenPort, "/")},
            {{"HOME", dir.path().string()}}, dir.path(), 90);
    ASSERT_EQ(browser.exitCode, 0) << browser.err;
    const std::string& dom = browser.out;
    EXPECT_THAT(dom, HasSubstr("<title>pixsync</title>")) << "a script ran and changed the title";
    EXPECT_THAT(dom, Not(HasSubstr("pwned</title>")));
    EXPECT_THAT(dom, HasSubstr("john@example.com"));
    for (const auto& frame : kJohnFrames) EXPECT_THAT(dom, HasSubstr(frame));
    EXPECT_THAT(dom, HasSubstr(fileName(0)));
    EXPECT_THAT(dom, HasSubstr(fileName(1)));
    EXPECT_THAT(dom, HasSubstr("Recipient address rejected"));  // the failure's reason
    // The hostile name is a text node: serialized escaped, never an element.
    EXPECT_THAT(dom, HasSubstr("&lt;img src=x onerror=\"document.title='pwned'\"&gt;.jpg"));
    EXPECT_THAT(dom, Not(HasSubstr("<img src=\"x\"")));
    // Every picture the browser was given loads: each answers a small JPEG.
    const auto sources = thumbnailSources(dom);
    EXPECT_EQ(sources.size(), 6u) << dom;
    for (const auto& src : sources) {
        const Answer thumb = request("GET", src);
        EXPECT_EQ(thumb.status, 200) << src;
        EXPECT_GT(jpegSize(thumb.body).first, 0) << src;
    }
}

TEST_F(StatusPageTest, ApiStatusIsTheStatusCommandsJson) {
    auto daemon = startAndSettle();
    auto parse = [](const std::string& text) {
        auto d = std::make_unique<rapidjson::Document>();
        d->Parse(text.c_str());
        EXPECT_FALSE(d->HasParseError()) << text;
        // The daemon's page shows the engine's health as it is; `status` reads the record the
        // engine keeps with the state, whose times of success are renewed once a minute.
        if (d->IsObject()) {
            d->RemoveMember("health_at");
            for (const char* list : {"sinks", "routes"})
                if (d->HasMember(list) && (*d)[list].IsArray())
                    for (auto& c : (*d)[list].GetArray()) c.RemoveMember("last_success");
        }
        return d;
    };
    // Both read the same settled state; a cycle may publish between the two reads, so a few
    // tries are allowed for them to meet.
    bool same = false;
    std::string api, cli;
    for (int i = 0; i < 10 && !same; ++i) {
        const Answer a = request("GET", "/api/status");
        ASSERT_EQ(a.status, 200) << a.body;
        EXPECT_EQ(a.header("content-type"), "application/json");
        EXPECT_EQ(a.header("cache-control"), "no-store");
        api = a.body;
        cli = pixsync({"status", "--json"}).out;
        same = *parse(api) == *parse(cli);
    }
    EXPECT_TRUE(same) << "/api/status:\n" << api << "\nstatus --json:\n" << cli;
    EXPECT_THAT(api, HasSubstr("\"recent_deliveries\": ["));
}

TEST_F(StatusPageTest, ReadingThePageNeverReachesImmich) {
    auto daemon = startAndSettle({{"POLL_INTERVAL_SECONDS", "600"}});
    daemon.reset();  // no more polls: every request Immich sees from now on is the page's
    daemonEnvironment.erase("PIXSYNC_TEST_POLL_INTERVAL_MS");
    daemon = startListeningOnAnyPort(listenPort);
    ASSERT_TRUE(
        waitFor([&] { return request("GET", "/").status == 200; }, std::chrono::seconds(30)));
    const std::size_t before = immichRequests();
    for (int i = 0; i < 3; ++i) {
        const Answer page = request("GET", "/");
        EXPECT_EQ(page.status, 200);
        const auto sources = thumbnailSources(page.body);
        EXPECT_EQ(sources.size(), 6u) << "thumbnails are kept across restarts:\n" << page.body;
        for (const auto& src : sources) EXPECT_EQ(request("GET", src).status, 200) << src;
        EXPECT_EQ(request("GET", "/api/status").status, 200);
    }
    EXPECT_EQ(immichRequests(), before);
}

TEST_F(StatusPageTest, IsReadOnly) {
    auto daemon = startAndSettle();
    for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
        const Answer a = request(method, "/");
        EXPECT_EQ(a.status, 405) << method;
        EXPECT_EQ(a.header("allow"), "GET, HEAD") << method;
    }
    const Answer head = request("HEAD", "/api/status");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
}

TEST_F(StatusPageTest, ATokenGuardsEverythingButTheBareHealthCheck) {
    auto daemon = startAndSettle({{"PIXSYNC_LISTEN_TOKEN", kToken}});
    for (const char* path : {"/", "/api/status", "/metrics", "/thumb/x"}) {
        EXPECT_EQ(request("GET", path).status, 401) << path;
        EXPECT_EQ(request("GET", path, {{"Authorization", "Bearer wrong"}}).status, 401) << path;
        EXPECT_EQ(request("GET", path, {{"Authorization", "Bearer " + kToken + "x"}}).status, 401)
            << path;
    }
    EXPECT_EQ(request("GET", "/", {{"Authorization", "Bearer " + kToken}}).status, 200);
    // HTTP Basic, any user, the token as password: "any:s3cret-listen-token".
    EXPECT_EQ(
        request("GET", "/", {{"Authorization", "Basic YW55OnMzY3JldC1saXN0ZW4tdG9rZW4="}}).status,
        200);
    EXPECT_EQ(request("GET", "/", {{"Authorization", "Basic YW55Ondyb25n"}}).status, 401);
    // /healthz answers anyone, with its status and one word: the reasons name servers.
    EXPECT_EQ(request("GET", "/healthz").body, "ok\n");
    immich->stop();  // the route fails at its next poll
    Answer health;
    ASSERT_TRUE(waitFor([&] { return (health = request("GET", "/healthz")).status == 503; },
                        std::chrono::seconds(30)));
    EXPECT_EQ(health.body, "failing\n");
    const Answer named = request("GET", "/healthz", {{"Authorization", "Bearer " + kToken}});
    EXPECT_EQ(named.status, 503);
    EXPECT_THAT(named.body, HasSubstr("john@example.com"));
    // The token never reaches the log.
    EXPECT_THAT(logText(), Not(HasSubstr(kToken)));
}

TEST_F(StatusPageTest, AnAddressBeyondLoopbackWithoutATokenIsRefusedBeforeAnythingIsSent) {
    writeConfig();
    const auto r = pixsync({"run", "--listen", "0.0.0.0:0"});
    EXPECT_EQ(r.exitCode, 2) << r.out << r.err;
    EXPECT_THAT(logText() + r.err,
                HasSubstr("--listen 0.0.0.0:0 is reachable from other machines"));
    EXPECT_THAT(logText() + r.err, HasSubstr("set PIXSYNC_LISTEN_TOKEN in .env"));
    EXPECT_TRUE(smtp->messages().empty());
}

}  // namespace
