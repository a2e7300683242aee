// The built "pixstar" plugin, loaded from the plugin folder, against the real SMTP test server.

#include <gtest/gtest.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>
#include <vips/vips8>

#include "media_fixtures.hpp"
#include "pixsync/asset.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "pixsync/media_transform.hpp"
#include "pixsync/options.hpp"
#include "pixsync/plugin.hpp"
#include "smtp_server.hpp"
#include "test_support.hpp"

namespace pixsync {
namespace {

using test::SmtpServerOptions;
using test::SmtpTestServer;
using Kind = Outcome::Kind;

constexpr const char* kUser = "sender@example.com";
constexpr const char* kPassword = "app-password-1234";

/// Keeps every log line, to check warnings and that secrets never appear.
class CapturedLog : public LogOutput {
  public:
    void write(LogLevel, std::string_view line) override {
        std::lock_guard lock(mutex_);
        lines_.emplace_back(line);
    }
    std::string all() const {
        std::lock_guard lock(mutex_);
        std::string text;
        for (const auto& l : lines_) text += l + "\n";
        return text;
    }

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

/// Options for a sink talking to `server`.
Options sinkOptions(const SmtpTestServer& server) {
    Options o;
    o.set("smtp_host", "127.0.0.1");
    o.set("smtp_port", std::to_string(server.port()));  // as it arrives from a .env file
    o.set("smtp_user", kUser);
    o.set("smtp_password", kPassword);
    if (!server.caFile().empty()) o.set("smtp_ca_file", server.caFile().string());
    o.set("smtp_timeout_seconds", "20");
    return o;
}

/// `options` with a named profile "small" (320x240) besides the default one (1024x768).
Options withSmallProfile(Options options) {
    Options small;
    small.set("max_width", std::int64_t{320});
    small.set("max_height", std::int64_t{240});
    Options profiles;
    profiles.set("small", small);
    options.set("profiles", profiles);
    return options;
}

/// The plugin loaded from disk and one sink instance.
class Harness {
  public:
    explicit Harness(const Options& options) {
        registry_.load(test::pluginDir() / "pixsync-pixstar.so");
        const LoadedPlugin& plugin = registry_.find("pixstar", PluginKind::Sink);
        output_ = std::make_shared<CapturedLog>();
        log_.addOutput(output_);
        log_.setLevel(LogLevel::Debug);
        const PluginContext context{"frames", log_.tagged("pixstar"), clock_, temp_.path()};
        sink_ = plugin.descriptor->createSink(options, context);
    }

    Sink& sink() { return *sink_; }
    test::FakeClock& clock() { return clock_; }
    std::string logText() const { return output_->all(); }

    /// How many times the sink fitted a picture into `profile` ("default" or a name).
    std::size_t transforms(const std::string& profile) const {
        const std::string log = logText(), needle = "for frame profile '" + profile + "'";
        std::size_t n = 0;
        for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1))
            ++n;
        return n;
    }

    /// What the engine hands the sink for one asset: a fixture's copy as an asset named
    /// `fileName`, kept while the Request lives.
    struct Request {
        Asset asset;
        MediaFile media;
        std::string route = "jane@example.com";
        std::string label = "Jane";
        DeliveryRequest get() const { return DeliveryRequest{asset, media, route, label}; }
    };
    Request request(const std::string& fixture = "orientation-6.jpg",
                    const std::string& mime = "image/jpeg",
                    const std::string& fileName = "IMG_0001.HEIC") {
        Request r;
        r.asset.id = "6f1c2a9e-1111-4a2b-9c3d-123456789abc";
        r.asset.fileName = fileName;
        r.asset.mimeType = mime;
        r.asset.kind = isVideoMimeType(mime) ? AssetKind::Video : AssetKind::Image;
        r.media = test::fixtureMedia(fixture, mime, temp_.path());
        return r;
    }

    /// Delivers a fixture as an asset named `fileName`. The sink owes one outcome per frame;
    /// fewer fails the test here rather than letting a caller index past the end.
    std::vector<Outcome> deliver(const std::vector<Destination>& to,
                                 const std::string& fixture = "orientation-6.jpg",
                                 const std::string& mime = "image/jpeg",
                                 const std::string& fileName = "IMG_0001.HEIC") {
        return deliver(to, request(fixture, mime, fileName));
    }
    std::vector<Outcome> deliver(const std::vector<Destination>& to, const Request& r) {
        std::vector<Outcome> outcomes = sink_->deliver(r.get(), to);
        if (outcomes.size() != to.size())
            throw std::runtime_error("the sink gave " + std::to_string(outcomes.size()) +
                                     " outcomes for " + std::to_string(to.size()) + " frames");
        return outcomes;
    }

    /// Files in the sink's temporary folder.
    std::size_t tempFiles() const {
        std::size_t n = 0;
        for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(temp_.path()))
            ++n;
        return n;
    }

  private:
    PluginRegistry registry_;
    Logger log_;
    std::shared_ptr<CapturedLog> output_;
    test::FakeClock clock_;
    test::TempDir temp_;
    std::unique_ptr<Sink> sink_;
};

/// What the sink's defaults expect of a server: STARTTLS and a login.
void startTlsWithAuth(SmtpServerOptions& o) {
    o.starttls = true;
    o.authUser = kUser;
    o.authPassword = kPassword;
}

/// Server options set up by `tweak`.
SmtpServerOptions configured(void (*tweak)(SmtpServerOptions&)) {
    SmtpServerOptions options;
    tweak(options);
    return options;
}

std::vector<Destination> frames(std::initializer_list<const char*> addresses) {
    std::vector<Destination> out;
    for (const char* a : addresses) out.push_back({a, ""});
    return out;
}

/// A received message, parsed by Python's email package.
struct Received {
    Options json;
    std::filesystem::path attachment;
};

Received readMessage(const std::filesystem::path& eml, const test::TempDir& dir) {
    const auto saved = dir / (eml.filename().string() + ".attachment");
    const auto result = test::run({test::python(), PIXSTAR_READ_EML, eml.string(), saved.string()});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    return {Options::parse(result.out, eml.string()), saved};
}

std::pair<int, int> imageSize(const std::filesystem::path& file) {
    static const bool started = VIPS_INIT("pixstar-tests") == 0;
    EXPECT_TRUE(started);
    vips::VImage image = vips::VImage::new_from_file(file.c_str());
    return {image.width(), image.height()};
}

void expectError(ErrorKind kind, const std::string& part, const std::function<void()>& body) {
    try {
        body();
        ADD_FAILURE() << "expected an error containing: " << part;
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), kind) << e.what();
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
}

TEST(PixstarSink, DeliversOverStartTlsWithAuthAndWritesAProperMessage) {
    SmtpTestServer server(configured(startTlsWithAuth));
    Harness h(sinkOptions(server));
    const auto outcomes = h.deliver(frames({"frame@mypixstar.com"}), "photo-12mp.jpg");
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].kind, Kind::Delivered) << outcomes[0].detail;
    EXPECT_GT(outcomes[0].bytes, 0u);

    ASSERT_EQ(server.messages().size(), 1u);
    EXPECT_EQ(server.events("EHLO").size(), 2u);
    EXPECT_EQ(server.events("EHLO").back().substr(server.events("EHLO").back().size() - 3), "tls");
    EXPECT_EQ(server.events("AUTH PLAIN ok").size(), 1u);

    test::TempDir dir;
    const Received m = readMessage(server.messages()[0], dir);
    EXPECT_EQ(m.json.string("from"), kUser);
    EXPECT_EQ(m.json.stringList("to"), std::vector<std::string>{"frame@mypixstar.com"});
    EXPECT_EQ(m.json.string("subject"), "Immich favorite from Jane: IMG_0001.jpg");
    EXPECT_TRUE(m.json.boolean("has_date", false));
    EXPECT_TRUE(m.json.string("message_id").ends_with("@example.com>"));
    EXPECT_TRUE(m.json.boolean("all_ascii", false));
    const auto attachments = m.json.objectList("attachments");
    ASSERT_EQ(attachments.size(), 1u);
    EXPECT_EQ(attachments[0].string("filename"), "IMG_0001.jpg");
    EXPECT_EQ(attachments[0].string("content_type"), "image/jpeg");
    EXPECT_TRUE(attachments[0].boolean("jpeg", false));
    EXPECT_EQ(imageSize(m.attachment), std::make_pair(1024, 768));
    EXPECT_EQ(h.logText().find(kPassword), std::string::npos)
        << "the password must never be logged";
}

TEST(PixstarSink, DeliversOverImplicitTls) {
    SmtpTestServer server(configured([](SmtpServerOptions& o) {
        o.implicitTls = true;
        o.authUser = kUser;
        o.authPassword = kPassword;
    }));
    Options options = sinkOptions(server);
    options.set("smtp_implicit_tls", true);
    Harness h(options);
    const auto outcomes = h.deliver(frames({"frame@mypixstar.com"}));
    EXPECT_EQ(outcomes[0].kind, Kind::Delivered) << outcomes[0].detail;
    EXPECT_EQ(server.messages().size(), 1u);
    EXPECT_EQ(server.events("AUTH PLAIN ok").size(), 1u);
}

TEST(PixstarSink, RefusesToSendInPlaintextWhenStartTlsIsMissing) {
    SmtpTestServer server(configured([](SmtpServerOptions& o) {
        o.authUser = kUser;
        o.authPassword = kPassword;
        o.allowPlaintextAuth = true;
    }));
    Harness h(sinkOptions(server));
    expectError(ErrorKind::Unavailable, "does not offer STARTTLS; refusing to send in plaintext",
                [&] { h.deliver(frames({"frame@mypixstar.com"})); });
    EXPECT_TRUE(server.messages().empty());
    EXPECT_TRUE(server.events("AUTH").empty()) << "the password must not have been sent";
}

TEST(PixstarSink, RefusesPlaintextAuthUnlessAllowed) {
    SmtpTestServer server(configured([](SmtpServerOptions& o) {
        o.authUser = kUser;
        o.authPassword = kPassword;
        o.allowPlaintextAuth = true;
    }));
    {
        Options options = sinkOptions(server);
        options.set("smtp_use_tls", "false");
        Harness h(options);
        expectError(ErrorKind::Unavailable, "over an unencrypted connection",
                    [&] { h.deliver(frames({"frame@mypixstar.com"})); });
        EXPECT_TRUE(server.events("AUTH").empty());
        EXPECT_TRUE(server.messages().empty());
        EXPECT_NE(h.logText().find("smtp_use_tls is off"), std::string::npos);
    }
    Options options = sinkOptions(server);
    options.set("smtp_use_tls", "false");
    options.set("smtp_allow_plaintext_auth", "true");
    Harness h(options);
    EXPECT_EQ(h.deliver(frames({"frame@mypixstar.com"}))[0].kind, Kind::Delivered);
    EXPECT_EQ(server.events("AUTH PLAIN ok").size(), 1u);
}

TEST(PixstarSink, WrongPasswordIsUnavailableWithTheFix) {
    SmtpTestServer server(configured([](SmtpServerOptions& o) {
        o.starttls = true;
        o.authUser = kUser;
        o.authPassword = "other";
    }));
    Harness h(sinkOptions(server));
    expectError(ErrorKind::Unavailable,
                "the SMTP server at 127.0.0.1:" + std::to_string(server.port()) +
                    " refused the login of sender@example.com (535 5.7.8): check smtp_password; "
                    "Gmail needs an app password",
                [&] { h.deliver(frames({"frame@mypixstar.com"})); });
    // Poco's wording stays in the debug log only.
    try {
        h.deliver(frames({"frame@mypixstar.com"}));
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).find("SMTP Exception"), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).find("Login using"), std::string::npos) << e.what();
    }
    EXPECT_NE(h.logText().find("DEBUG"), std::string::npos);
    EXPECT_NE(h.logText().find("AUTH refused by 127.0.0.1:"), std::string::npos) << h.logText();
    EXPECT_TRUE(server.messages().empty());
}

TEST(PixstarSink, UntrustedCertificateIsRefusedUnlessInsecureIsSet) {
    SmtpTestServer server(configured(startTlsWithAuth));
    Options options = sinkOptions(server);
    Options noCa;
    for (const auto& key : options.keys())
        if (key != "smtp_ca_file") noCa.set(key, options.string(key));
    {
        Harness h(noCa);
        expectError(ErrorKind::Unavailable, "TLS with 127.0.0.1",
                    [&] { h.deliver(frames({"frame@mypixstar.com"})); });
        EXPECT_TRUE(server.messages().empty());
        EXPECT_TRUE(server.events("AUTH").empty());
    }
    noCa.set("smtp_insecure_tls", true);
    Harness h(noCa);
    EXPECT_NE(h.logText().find("smtp_insecure_tls is on"), std::string::npos)
        << "warns on every start";
    EXPECT_EQ(h.deliver(frames({"frame@mypixstar.com"}))[0].kind, Kind::Delivered);
}

TEST(PixstarSink, TemporaryFailureIsRetryLater) {
    SmtpTestServer server(configured([](SmtpServerOptions& o) {
        o.starttls = true;
        o.authUser = kUser;
        o.authPassword = kPassword;
        o.failFirst = 1;
    }));
    Harness h(sinkOptions(server));
    const auto first = h.deliver(frames({"frame@mypixstar.com"}));
    EXPECT_EQ(first[0].kind, Kind::RetryLater);
    EXPECT_NE(first[0].detail.find("451 4.3.0"), std::string::npos) << first[0].detail;
    EXPECT_EQ(h.deliver(frames({"frame@mypixstar.com"}))[0].kind, Kind::Delivered);
    EXPECT_EQ(server.messages().size(), 1u);
    EXPECT_EQ(server.connections(), 1u);
}

TEST(PixstarSink, RejectedFrameFailsAloneWithOneMessagePerFrame) {
    SmtpTestServer server(configured([](SmtpServerOptions& o) {
        o.starttls = true;
        o.authUser = kUser;
        o.authPassword = kPassword;
        o.reject = {"gone@mypixstar.com"};
    }));
    Harness h(sinkOptions(server));
    const auto outcomes =
        h.deliver(frames({"a@mypixstar.com", "gone@mypixstar.com", "c@mypixstar.com"}));
    ASSERT_EQ(outcomes.size(), 3u);
    EXPECT_EQ(outcomes[0].kind, Kind::Delivered);
    EXPECT_EQ(outcomes[1].kind, Kind::Failed);
    EXPECT_NE(outcomes[1].detail.find("550 5.1.1"), std::string::npos) << outcomes[1].detail;
    EXPECT_EQ(outcomes[2].kind, Kind::Delivered);
    EXPECT_EQ(server.events("SAVED").size(), 2u) << "one message per frame";
    EXPECT_EQ(server.messages().size(), 2u);
}

TEST(PixstarSink, GroupedMessageHandlesEachRecipientReply) {
    SmtpTestServer server(configured([](SmtpServerOptions& o) {
        o.starttls = true;
        o.authUser = kUser;
        o.authPassword = kPassword;
        o.reject = {"gone@mypixstar.com"};
    }));
    Options options = sinkOptions(server);
    options.set("pixstar_group_recipients", "true");
    Harness h(options);
    const auto outcomes =
        h.deliver(frames({"a@mypixstar.com", "gone@mypixstar.com", "c@mypixstar.com"}));
    ASSERT_EQ(outcomes.size(), 3u);
    EXPECT_EQ(outcomes[0].kind, Kind::Delivered);
    EXPECT_EQ(outcomes[1].kind, Kind::Failed);
    EXPECT_EQ(outcomes[2].kind, Kind::Delivered);
    EXPECT_EQ(server.events("SAVED").size(), 1u) << "one message for the group";
    EXPECT_EQ(server.messages().size(), 2u) << "stored once per accepted recipient";
}

TEST(PixstarSink, OversizeReplyIsFailed) {
    SmtpTestServer server(configured([](SmtpServerOptions& o) {
        o.starttls = true;
        o.authUser = kUser;
        o.authPassword = kPassword;
        o.maxSize = 4000;
    }));
    Harness h(sinkOptions(server));
    const auto outcomes = h.deliver(frames({"frame@mypixstar.com"}), "photo-12mp.jpg");
    EXPECT_EQ(outcomes[0].kind, Kind::Failed);
    EXPECT_NE(outcomes[0].detail.find("552"), std::string::npos) << outcomes[0].detail;
    EXPECT_TRUE(server.messages().empty());
}

TEST(PixstarSink, MessageOverTheConfiguredCapIsNotSent) {
    SmtpTestServer server(configured(startTlsWithAuth));
    Options options = sinkOptions(server);
    options.set("smtp_max_message_mb", "1");
    Harness h(options);
    const auto outcomes =
        h.deliver(frames({"frame@mypixstar.com"}), "video-small.mp4", "video/mp4", "clip.mp4");
    EXPECT_EQ(outcomes[0].kind, Kind::Delivered) << "a small video fits";
    Options tiny = sinkOptions(server);
    tiny.set("smtp_max_message_mb", "1");
    tiny.set("pixstar_max_video_mb", "20");
    Harness h2(tiny);
    const auto big =
        h2.deliver(frames({"frame@mypixstar.com"}), "video-16mb.mp4", "video/mp4", "clip.mp4");
    EXPECT_EQ(big[0].kind, Kind::Failed);
    EXPECT_NE(big[0].detail.find("smtp_max_message_mb"), std::string::npos) << big[0].detail;
    EXPECT_EQ(server.messages().size(), 1u);
}

TEST(PixstarSink, VideoIsAttachedUnchanged) {
    SmtpTestServer server(configured(startTlsWithAuth));
    Harness h(sinkOptions(server));
    EXPECT_EQ(
        h.deliver(frames({"frame@mypixstar.com"}), "video-small.mp4", "video/mp4", "clip.MP4")[0]
            .kind,
        Kind::Delivered);
    test::TempDir dir;
    const Received m = readMessage(server.messages().at(0), dir);
    const auto attachments = m.json.objectList("attachments");
    ASSERT_EQ(attachments.size(), 1u);
    EXPECT_EQ(attachments[0].string("filename"), "clip.MP4");
    EXPECT_EQ(attachments[0].string("content_type"), "video/mp4");
    EXPECT_EQ(test::readFile(m.attachment),
              test::readFile(test::mediaFixtures() / "video-small.mp4"));
}

TEST(PixstarSink, MediaErrorsReachTheEngine) {
    SmtpTestServer server(configured(startTlsWithAuth));
    Harness h(sinkOptions(server));
    // In words for people; the decoder's own (naming the temporary file) go to the debug log.
    expectError(ErrorKind::Media, "the original file is damaged (truncated JPEG)",
                [&] { h.deliver(frames({"frame@mypixstar.com"}), "truncated.jpg"); });
    EXPECT_NE(h.logText().find("Premature end"), std::string::npos) << h.logText();
    expectError(ErrorKind::Media, "video is 16.0 MB", [&] {
        h.deliver(frames({"frame@mypixstar.com"}), "video-16mb.mp4", "video/mp4", "big.mp4");
    });
    EXPECT_TRUE(server.messages().empty());
}

TEST(PixstarSink, ReconnectsAfter421AndContinues) {
    SmtpTestServer server(configured([](SmtpServerOptions& o) {
        o.starttls = true;
        o.authUser = kUser;
        o.authPassword = kPassword;
        o.dropAfter = 2;
    }));
    Harness h(sinkOptions(server));
    for (int i = 0; i < 5; ++i) {
        const auto outcomes = h.deliver(frames({"frame@mypixstar.com"}));
        EXPECT_EQ(outcomes[0].kind, Kind::Delivered) << i << ": " << outcomes[0].detail;
    }
    EXPECT_EQ(server.messages().size(), 5u);
    EXPECT_EQ(server.events("DROP").size(), 2u);
    EXPECT_EQ(server.connections(), 3u);
}

TEST(PixstarSink, QuotaReplyPausesTheSink) {
    SmtpTestServer server(configured([](SmtpServerOptions& o) {
        o.starttls = true;
        o.authUser = kUser;
        o.authPassword = kPassword;
        o.quotaAfter = 1;
    }));
    Harness h(sinkOptions(server));
    EXPECT_EQ(h.deliver(frames({"frame@mypixstar.com"}))[0].kind, Kind::Delivered);
    const auto paused = h.deliver(frames({"frame@mypixstar.com", "other@mypixstar.com"}));
    ASSERT_EQ(paused.size(), 2u);
    for (const auto& o : paused) {
        EXPECT_EQ(o.kind, Kind::Paused) << o.detail;
        EXPECT_EQ(o.retryAfter, std::chrono::hours(1));
        EXPECT_NE(o.detail.find("5.4.5"), std::string::npos) << o.detail;
    }
    EXPECT_EQ(server.events("QUOTA").size(), 1u) << "the second frame is not tried once paused";

    h.clock().advance(std::chrono::minutes(30));
    const auto stillPaused = h.deliver(frames({"frame@mypixstar.com"}));
    EXPECT_EQ(stillPaused[0].kind, Kind::Paused);
    EXPECT_EQ(stillPaused[0].retryAfter, std::chrono::minutes(30));
    EXPECT_EQ(server.events("QUOTA").size(), 1u) << "nothing is sent while paused";

    h.clock().advance(std::chrono::minutes(31));
    EXPECT_EQ(h.deliver(frames({"frame@mypixstar.com"}))[0].kind, Kind::Paused);
    EXPECT_EQ(server.events("QUOTA").size(), 2u) << "tries again once the pause is over";
}

TEST(PixstarSink, RateLimitReplyPausesBriefly) {
    SmtpTestServer server(configured([](SmtpServerOptions& o) {
        o.starttls = true;
        o.authUser = kUser;
        o.authPassword = kPassword;
        o.quotaAfter = 0;
        o.quotaReply = "451 4.7.0 Rate limit exceeded, try again later";
    }));
    Harness h(sinkOptions(server));
    const auto outcome = h.deliver(frames({"frame@mypixstar.com"}));
    EXPECT_EQ(outcome[0].kind, Kind::Paused) << outcome[0].detail;
    EXPECT_EQ(outcome[0].retryAfter, std::chrono::minutes(15));
}

// A 5.7.x refusal after DATA, from the real server: the sender's domain policy holds the
// sink, a content verdict fails this photo only.
TEST(PixstarSink, PolicyRefusalAfterTheMessageHoldsTheSinkOnlyForTheAccount) {
    auto refusing = [](const std::string& reply) {
        SmtpServerOptions o = configured([](SmtpServerOptions& c) {
            c.starttls = true;
            c.authUser = kUser;
            c.authPassword = kPassword;
            c.quotaAfter = 0;
        });
        o.quotaReply = reply;
        return o;
    };
    {
        SmtpTestServer server(
            refusing("550 5.7.26 Unauthenticated email from example.com is not accepted due to "
                     "domain's DMARC policy"));
        Harness h(sinkOptions(server));
        const auto outcome = h.deliver(frames({"frame@mypixstar.com"}));
        EXPECT_EQ(outcome[0].kind, Kind::Held) << outcome[0].detail;
        EXPECT_NE(outcome[0].detail.find("550 5.7.26"), std::string::npos) << outcome[0].detail;
        EXPECT_NE(outcome[0].detail.find("DMARC records"), std::string::npos) << outcome[0].detail;
    }
    {
        SmtpTestServer server(refusing("554 5.7.1 Message rejected as spam"));
        Harness h(sinkOptions(server));
        const auto outcome = h.deliver(frames({"frame@mypixstar.com"}));
        EXPECT_EQ(outcome[0].kind, Kind::Failed) << outcome[0].detail;
        EXPECT_EQ(outcome[0].detail, "554 5.7.1 Message rejected as spam");
    }
}

TEST(PixstarSink, ManyMessagesShareOneConnection) {
    SmtpTestServer server(configured(startTlsWithAuth));
    Harness h(sinkOptions(server));
    for (int i = 0; i < 12; ++i)
        EXPECT_EQ(h.deliver(frames({"frame@mypixstar.com"}))[0].kind, Kind::Delivered);
    EXPECT_EQ(server.messages().size(), 12u);
    EXPECT_EQ(server.connections(), 1u);
    EXPECT_EQ(server.events("AUTH").size(), 1u);
}

TEST(PixstarSink, HostileFileNameYieldsSafeEncodedHeaders) {
    SmtpTestServer server(configured(startTlsWithAuth));
    Harness h(sinkOptions(server));
    std::string hostile =
        "evil\r\nBcc: victim@example.com\r\n\"../../etc/passwd\\ \xf0\x9f\x93\xb7 ";
    hostile += std::string(300, 'x') + ".HEIC";
    EXPECT_EQ(
        h.deliver(frames({"frame@mypixstar.com"}), "orientation-1.jpg", "image/jpeg", hostile)[0]
            .kind,
        Kind::Delivered);
    ASSERT_EQ(server.messages().size(), 1u);
    test::TempDir dir;
    const Received m = readMessage(server.messages()[0], dir);
    EXPECT_TRUE(m.json.boolean("all_ascii", false)) << "non-ASCII must be encoded";
    for (const auto& name : m.json.stringList("header_names"))
        EXPECT_NE(name, "bcc") << "header injection";
    EXPECT_EQ(m.json.stringList("to"), std::vector<std::string>{"frame@mypixstar.com"});
    const auto attachments = m.json.objectList("attachments");
    ASSERT_EQ(attachments.size(), 1u);
    const std::string filename = attachments[0].string("filename");
    EXPECT_TRUE(filename.starts_with("evilBcc: victim@example.com.etcpasswd \xf0\x9f\x93\xb7 xxx"))
        << filename;
    EXPECT_TRUE(filename.ends_with(".jpg")) << filename;
    EXPECT_LE(filename.size(), 100u);
    for (char c : filename) {
        EXPECT_NE(c, '\r');
        EXPECT_NE(c, '\n');
        EXPECT_NE(c, '"');
        EXPECT_NE(c, '/');
        EXPECT_NE(c, '\\');
    }
    const std::string subject = m.json.string("subject");
    EXPECT_EQ(subject, "Immich favorite from Jane: " + filename);
}

TEST(PixstarSink, AuthenticatesWithXoauth2FromATokenFile) {
    SmtpTestServer server(configured([](SmtpServerOptions& o) {
        o.starttls = true;
        o.authUser = kUser;
        o.oauth2Token = "ya29.token-value";
    }));
    test::TempDir dir;
    const auto tokenFile = test::writeFile(dir / "token", "ya29.token-value\n");
    Options options = sinkOptions(server);
    Options oauth;
    for (const auto& key : options.keys())
        if (key != "smtp_password") oauth.set(key, options.string(key));
    oauth.set("smtp_oauth2_token_file", tokenFile.string());
    Harness h(oauth);
    EXPECT_EQ(h.deliver(frames({"frame@mypixstar.com"}))[0].kind, Kind::Delivered);
    EXPECT_EQ(server.events("AUTH XOAUTH2 ok").size(), 1u);
    EXPECT_EQ(h.logText().find("ya29.token-value"), std::string::npos);
}

TEST(PixstarSink, RunsTheTokenCommandAtEachConnection) {
    // Access tokens expire within the hour: a new connection must not reuse an old one.
    SmtpTestServer server(configured([](SmtpServerOptions& o) {
        o.starttls = true;
        o.authUser = kUser;
        o.oauth2Token = "ya29.token-value";
        o.dropAfter = 2;  // a new connection after every second message
    }));
    test::TempDir dir;
    const auto runs = dir / "runs";
    Options options = sinkOptions(server);
    Options oauth;
    for (const auto& key : options.keys())
        if (key != "smtp_password") oauth.set(key, options.string(key));
    oauth.set("smtp_oauth2_token_command",
              "echo run >> '" + runs.string() + "'; echo ya29.token-value");
    Harness h(oauth);
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(h.deliver(frames({"frame@mypixstar.com"}))[0].kind, Kind::Delivered) << i;
    EXPECT_EQ(server.connections(), 3u);
    EXPECT_EQ(server.events("AUTH XOAUTH2 ok").size(), 3u);
    EXPECT_EQ(test::readFile(runs), "run\nrun\nrun\n") << "once per connection";
    EXPECT_EQ(h.logText().find("ya29.token-value"), std::string::npos);
}

TEST(PixstarSink, ProfilesPickTheFrameSize) {
    SmtpTestServer server(configured(startTlsWithAuth));
    Harness h(withSmallProfile(sinkOptions(server)));
    const auto outcomes =
        h.deliver({{"big@mypixstar.com", ""}, {"small@mypixstar.com", "small"}}, "photo-12mp.jpg");
    EXPECT_EQ(outcomes[0].kind, Kind::Delivered);
    EXPECT_EQ(outcomes[1].kind, Kind::Delivered);
    test::TempDir dir;
    ASSERT_EQ(server.messages().size(), 2u);
    EXPECT_EQ(imageSize(readMessage(server.messages()[0], dir).attachment),
              std::make_pair(1024, 768));
    EXPECT_EQ(imageSize(readMessage(server.messages()[1], dir).attachment),
              std::make_pair(320, 240));
}

// Frames that share a profile share the frame-ready file: one decode and resize per profile,
// however many frames it goes to.
TEST(PixstarSink, TransformsOncePerProfileNotPerFrame) {
    SmtpTestServer server(configured(startTlsWithAuth));
    Harness h(withSmallProfile(sinkOptions(server)));
    const auto outcomes = h.deliver({{"a@mypixstar.com", ""},
                                     {"b@mypixstar.com", "small"},
                                     {"c@mypixstar.com", ""},
                                     {"d@mypixstar.com", "small"}},
                                    "photo-12mp.jpg");
    ASSERT_EQ(outcomes.size(), 4u);
    for (const auto& o : outcomes) EXPECT_EQ(o.kind, Kind::Delivered) << o.detail;
    EXPECT_EQ(server.messages().size(), 4u);
    EXPECT_EQ(h.transforms("default"), 1u) << h.logText();
    EXPECT_EQ(h.transforms("small"), 1u) << h.logText();
}

TEST(PixstarSink, APhotoMadeReadyAheadIsSentWithoutAnotherTransform) {
    SmtpTestServer server(configured(startTlsWithAuth));
    Harness h(withSmallProfile(sinkOptions(server)));
    const std::vector<Destination> frames{{"a@mypixstar.com", ""}, {"b@mypixstar.com", "small"}};
    const auto next = h.request("photo-12mp.jpg");
    const auto other = h.request("orientation-6.jpg");
    const std::size_t before = h.tempFiles();

    // The engine's head start: both profiles made while the previous photo is sent.
    h.sink().prepare(next.get(), frames);
    EXPECT_EQ(h.transforms("default"), 1u);
    EXPECT_EQ(h.transforms("small"), 1u);
    EXPECT_EQ(h.tempFiles(), before + 2);
    auto outcomes = h.deliver(frames, next);
    for (const auto& o : outcomes) EXPECT_EQ(o.kind, Kind::Delivered) << o.detail;
    EXPECT_EQ(server.messages().size(), 2u);
    EXPECT_EQ(h.transforms("default"), 1u) << "deliver() sent what prepare() made";
    EXPECT_EQ(h.transforms("small"), 1u);
    EXPECT_EQ(h.tempFiles(), before) << "the frame-ready files go once they are sent";

    // Two photos made ready ahead, in delivery order: each is sent as it was made.
    h.sink().prepare(other.get(), frames);
    h.sink().prepare(next.get(), frames);
    for (const auto* request : {&other, &next}) {
        outcomes = h.deliver(frames, *request);
        for (const auto& o : outcomes) EXPECT_EQ(o.kind, Kind::Delivered) << o.detail;
    }
    EXPECT_EQ(h.transforms("default"), 3u) << "each photo ahead is sent as it was made";
    EXPECT_EQ(h.transforms("small"), 3u);
    EXPECT_EQ(h.tempFiles(), before);

    // At most four photos are kept ahead: a fifth head start drops the oldest, whose
    // deliver() is not coming, with its files.
    for (int i = 0; i < 5; ++i) h.sink().prepare(next.get(), frames);
    EXPECT_EQ(h.tempFiles(), before + 8);
    // Made ready for other media (an original later replaced by its preview, say): deliver()
    // fits what it is given.
    outcomes = h.deliver(frames, other);
    for (const auto& o : outcomes) EXPECT_EQ(o.kind, Kind::Delivered) << o.detail;
    EXPECT_EQ(h.transforms("default"), 9u);
    EXPECT_EQ(h.transforms("small"), 9u);
}

TEST(PixstarSink, ValidatesDestinationsAndReportsLimits) {
    SmtpTestServer server;
    Options options = withSmallProfile(sinkOptions(server));
    options.set("smtp_max_per_minute", "5");
    Harness h(options);
    EXPECT_EQ(h.sink().validateDestination({"frame@mypixstar.com", ""}), "");
    EXPECT_EQ(h.sink().validateDestination({"frame@mypixstar.com", "small"}), "");
    EXPECT_EQ(h.sink().validateDestination({"jane@frame", ""}),
              "'jane@frame' is not an e-mail address");
    const std::string unknown = h.sink().validateDestination({"frame@mypixstar.com", "huge"});
    EXPECT_NE(unknown.find("unknown frame profile 'huge'"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("small"), std::string::npos) << unknown;
    EXPECT_EQ(h.sink().rateLimits().perMinute, 5u);
    EXPECT_EQ(h.sink().rateLimits().perDay, 450u);
    EXPECT_EQ(server.connections(), 0u) << "creating and validating contacts nobody";
}

TEST(PixstarSink, BadOptionsAreConfigErrorsNamingTheKey) {
    expectError(ErrorKind::Config, "smtp_host", [] { Harness h{Options{}}; });
    Options badPort;
    badPort.set("smtp_host", "127.0.0.1").set("smtp_user", kUser).set("smtp_port", "seventy");
    expectError(ErrorKind::Config, "smtp_port", [&] { Harness h{badPort}; });
    Options badColour;
    badColour.set("smtp_host", "127.0.0.1")
        .set("smtp_from", kUser)
        .set("pixstar_background", "white");
    expectError(ErrorKind::Config, "pixstar_background", [&] { Harness h{badColour}; });
    Options noSender;
    noSender.set("smtp_host", "127.0.0.1");
    expectError(ErrorKind::Config, "smtp_from", [&] { Harness h{noSender}; });
    // A login without its password would only fail at delivery ("530 Authentication required").
    Options noPassword;
    noPassword.set("smtp_host", "127.0.0.1").set("smtp_user", kUser);
    expectError(ErrorKind::Config, "smtp_password is missing: smtp_user is set",
                [&] { Harness h{noPassword}; });
}

TEST(PixstarSink, CheckReportsEachStepAndSendsNothing) {
    SmtpTestServer server(configured(startTlsWithAuth));
    Harness h(sinkOptions(server));
    CheckReport report;
    h.sink().check(report);
    EXPECT_TRUE(report.ok());
    ASSERT_EQ(report.results().size(), 3u);
    EXPECT_NE(report.results()[0].subject.find("connection"), std::string::npos);
    EXPECT_NE(report.results()[1].subject.find("TLS"), std::string::npos);
    EXPECT_NE(report.results()[2].subject.find("authentication"), std::string::npos);
    EXPECT_TRUE(server.messages().empty());
    EXPECT_TRUE(server.events("SAVED").empty());

    SmtpTestServer plain;
    Harness h2(sinkOptions(plain));
    CheckReport failing;
    h2.sink().check(failing);
    EXPECT_FALSE(failing.ok());
    ASSERT_FALSE(failing.results().empty());
    const auto& last = failing.results().back();
    EXPECT_EQ(last.status, CheckResult::Status::Failed);
    EXPECT_NE(last.subject.find("TLS"), std::string::npos) << last.subject;
    EXPECT_NE(last.detail.find("does not offer STARTTLS"), std::string::npos) << last.detail;

    SmtpTestServer refusing(configured([](SmtpServerOptions& o) {
        o.starttls = true;
        o.authUser = kUser;
        o.authPassword = "another-password";
    }));
    Harness h3(sinkOptions(refusing));
    CheckReport badLogin;
    h3.sink().check(badLogin);
    ASSERT_EQ(badLogin.results().size(), 3u) << "connection and TLS pass, authentication fails";
    EXPECT_EQ(badLogin.results()[2].status, CheckResult::Status::Failed);
    EXPECT_NE(badLogin.results()[2].subject.find("authentication"), std::string::npos);
    EXPECT_NE(badLogin.results()[2].fix.find("app password"), std::string::npos)
        << badLogin.results()[2].fix;
    EXPECT_EQ(badLogin.results()[2].detail.find(kPassword), std::string::npos);
}

}  // namespace
}  // namespace pixsync
