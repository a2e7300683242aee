// What people read: file names from Immich never forge lines or drive the terminal, refusal
// reasons name no temporary file or library, and log lines carry ISO 8601 UTC timestamps.
#include <gmock/gmock.h>

#include <regex>

#include "daemon_fixture.hpp"

using namespace pixsync::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

/// A hostile name: CR/LF that would forge a "Bcc:" line, and an ANSI colour escape.
constexpr const char* kHostileNameJson = R"(IMG\r\nBcc: evil@example.com\u001b[31m.jpg)";
constexpr const char* kHostileNameShown = R"(IMG\r\nBcc: evil@example.com\x1b[31m.jpg)";

/// Control characters other than the newline that ends each line.
bool hasRawControl(const std::string& text) {
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n') || u == 0x7f) return true;
    }
    return false;
}

class ReadableOutputTest : public DaemonTest {
  protected:
    void SetUp() override {
        // One damaged photo with the hostile name, so it fails and `status` lists it.
        startImmich(0);
        immich->admin("POST", "/assets",
                      R"({"id": ")" + assetId(1) + R"(", "owner": "john@example.com", "file": ")" +
                          (mediaFixtures() / "truncated.jpg").string() +
                          R"(", "originalFileName": ")" + kHostileNameJson + R"(", "checksum": ")" +
                          checksumOf(1) + R"("})");
        startSmtp();
        writeConfig();
    }
};

TEST_F(ReadableOutputTest, DryRunShowsAHostileFileNameEscaped) {
    const auto r = pixsync({"once", "--dry-run"});
    EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr(std::string("would send ") + kHostileNameShown + " (" +
                                 assetId(1) + ") to john-frame@mypixstar.com\n"));
    EXPECT_FALSE(hasRawControl(r.out)) << r.out;
    EXPECT_FALSE(hasRawControl(r.err)) << r.err;
}

TEST_F(ReadableOutputTest, StatusShowsTheNameEscapedAndTheReasonInWordsForPeople) {
    const auto once = pixsync({"once"});
    EXPECT_FALSE(hasRawControl(once.out + once.err)) << once.err;
    const auto status = pixsync({"status"});
    EXPECT_THAT(status.out, HasSubstr(std::string("failed: ") + kHostileNameShown +
                                      " to kitchen@mypixstar.com: the original file is damaged "
                                      "(truncated JPEG)\n"));
    EXPECT_FALSE(hasRawControl(status.out)) << status.out;
    // No temporary path, no libvips wording, in status or in the log at info level.
    EXPECT_THAT(status.out, Not(HasSubstr("/"))) << status.out;
    for (const auto& line : lines(logText(), "WARNING", "failed:"))
        EXPECT_THAT(line, Not(HasSubstr("/"))) << line;
    for (const std::string& text : {status.out, logText()}) {
        EXPECT_THAT(text, Not(HasSubstr("Vips"))) << text;
        EXPECT_THAT(text, Not(HasSubstr("VIPS"))) << text;
        EXPECT_THAT(text, Not(HasSubstr("Premature"))) << text;
    }
    EXPECT_FALSE(hasRawControl(logText())) << logText();
    EXPECT_TRUE(smtp->messages().empty());
}

TEST_F(ReadableOutputTest, LogLinesCarryIso8601UtcTimestamps) {
    const auto once = pixsync({"once"});
    const std::regex stamp(
        R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARNING|ERROR) )");
    int checked = 0;
    for (const std::string& text : {logText(), once.err}) {
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t end = text.find('\n', start);
            if (end == std::string::npos) end = text.size();
            const std::string line = text.substr(start, end - start);
            EXPECT_TRUE(std::regex_search(line, stamp)) << line;
            ++checked;
            start = end + 1;
        }
    }
    EXPECT_GT(checked, 2);
}

TEST_F(ReadableOutputTest, ALoginTheServerRefusesIsExplainedWithTheKeyToCheck) {
    writeConfig({{"SMTP_PASSWORD", "not-the-password"}});
    addFavorite(2);  // a sound photo, so that sending reaches the login
    const auto once = pixsync({"once"});
    EXPECT_THAT(once.err, HasSubstr("refused the login of sender@example.com (535 5.7.8): check "
                                    "SMTP_PASSWORD; Gmail needs an app password"));
    EXPECT_THAT(once.err + logText(), Not(HasSubstr("SMTP Exception")));
    const auto check = pixsync({"check"});
    EXPECT_THAT(check.out, HasSubstr("(535 5.7.8): check SMTP_PASSWORD"));
}

}  // namespace

namespace {

// Without the original's state file there is nothing to import: said once, on the first
// start, not at every start after it.
TEST_F(ReadableOutputTest, NothingToImportIsSaidOnceNotAtEveryStart) {
    for (int i = 0; i < 3; ++i) EXPECT_EQ(pixsync({"once"}).exitCode, 0);
    const std::string log = logText();
    std::size_t said = 0;
    for (std::size_t at = log.find("nothing to import"); at != std::string::npos;
         at = log.find("nothing to import", at + 1))
        ++said;
    EXPECT_EQ(said, 1u) << log;
}

}  // namespace
