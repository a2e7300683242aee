#include "pixsync/options.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pixsync/error.hpp"
#include "test_support.hpp"

using namespace pixsync;
using ::testing::HasSubstr;

namespace {
std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Config);
        return e.what();
    }
    ADD_FAILURE() << "no error thrown";
    return {};
}
}  // namespace

TEST(Options, ParsesJsonWithComments) {
    auto o = Options::parse(R"({
        // a comment
        "name": "x", /* another */
        "port": 587,
        "list": ["a", "b"],
    })",
                            "cfg.json");
    EXPECT_EQ(o.string("name"), "x");
    EXPECT_EQ(o.integer("port", 0), 587);
    EXPECT_EQ(o.stringList("list"), (std::vector<std::string>{"a", "b"}));
}

TEST(Options, ParseErrorNamesFileLineAndColumn) {
    auto msg = errorOf([] { Options::parse("{\n  \"a\": 1,\n  \"b\" 2\n}", "cfg.json"); });
    EXPECT_THAT(msg, HasSubstr("cfg.json: line 3"));
}

TEST(Options, WrongTypeNamesTheKeyPath) {
    auto o = Options::parse(R"({"sinks": [{"options": {"port": "abc"}}]})", "cfg.json");
    auto sink = o.objectList("sinks")[0].object("options");
    auto msg = errorOf([&] { sink.integer("port", 25); });
    EXPECT_THAT(msg, HasSubstr("cfg.json: sinks[0].options.port must be a whole number"));
    msg = errorOf([&] { sink.string("missing"); });
    EXPECT_THAT(msg, HasSubstr("sinks[0].options.missing is missing"));
}

TEST(Options, EnvStyleNamesVariables) {
    Options o;
    o.set("smtp_port", "58x").describe("/etc/pixsync/.env", KeyStyle::Env, "/etc/pixsync");
    EXPECT_THAT(errorOf([&] { o.integer("smtp_port", 587); }),
                HasSubstr("/etc/pixsync/.env: SMTP_PORT"));
}

TEST(Options, StringsConvertToNumbersAndBooleans) {
    Options o;
    o.set("port", "465").set("tls", "false").set("yes", "yes");
    EXPECT_EQ(o.integer("port", 0), 465);
    EXPECT_FALSE(o.boolean("tls", true));
    EXPECT_TRUE(o.boolean("yes", false));
    EXPECT_THROW(o.integer("port", 0, 1, 100), Error);
}

TEST(Options, SecretFromFile) {
    test::TempDir dir;
    test::writeFile(dir / "pw", "s3cret-value\n");
    auto o = Options::parse(R"({"password_file": "pw"})", (dir / "cfg.json").string());
    EXPECT_EQ(o.secret("password"), "s3cret-value");
    auto missing = Options::parse(R"({"password_file": "nope"})", (dir / "cfg.json").string());
    EXPECT_THAT(errorOf([&] { missing.secret("password"); }), HasSubstr("password_file"));
}

TEST(Options, ASecretFileThatNeverEndsIsRefusedNotRead) {
    // A wrong path (a device, a disk image) costs an error, not the machine's memory.
    auto o = Options::parse(R"({"password_file": "/dev/zero"})", "cfg.json");
    EXPECT_THAT(
        errorOf([&] { o.secret("password"); }),
        AllOf(HasSubstr("password_file"), HasSubstr("/dev/zero"), HasSubstr("no password or key")));
}

TEST(Options, CopiesAndViewsAreIndependentValues) {
    Options a = Options::parse(R"({"port": 1, "profile": {"width": 800}})", "/etc/p.json");
    Options b = a;
    b.set("port", std::int64_t{2});
    EXPECT_EQ(a.integer("port"), 1);
    EXPECT_EQ(b.integer("port"), 2);
    // A view of a nested object is a value too: changing it leaves its parent alone, and it
    // keeps naming the place it came from.
    Options profile = a.object("profile");
    profile.set("width", std::int64_t{1024}).placeKey("height", "elsewhere");
    EXPECT_EQ(a.object("profile").integer("width"), 800);
    EXPECT_EQ(profile.integer("width"), 1024);
    EXPECT_EQ(profile.where("width"), "/etc/p.json: profile.width");
    EXPECT_EQ(a.object("profile").where("height"), "/etc/p.json: profile.height");
    Options c = a;
    c.describe("other", KeyStyle::Env, {});
    EXPECT_EQ(a.origin(), "/etc/p.json");
}
