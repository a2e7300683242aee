// A photo whose Immich file name is longer than any file system allows (over 4,096
// characters) is delivered under a shortened name that keeps its extension and stays valid
// UTF-8, instead of being skipped.
#include <gmock/gmock.h>

#include "daemon_fixture.hpp"

using namespace pixsync::test;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

/// True when `text` is well-formed UTF-8.
bool validUtf8(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t length = c < 0x80         ? 1
                                   : (c >> 5) == 6  ? 2
                                   : (c >> 4) == 14 ? 3
                                   : (c >> 3) == 30 ? 4
                                                    : 0;
        if (length == 0 || i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
        i += length;
    }
    return true;
}

/// The string value of `key` in read_eml.py's JSON output (values hold no quotes here).
std::string field(const std::string& json, const std::string& key) {
    const std::string start = "\"" + key + "\": \"";
    const auto from = json.find(start);
    if (from == std::string::npos) return {};
    const auto begin = from + start.size();
    return json.substr(begin, json.find('"', begin) - begin);
}

class LongNameTest : public DaemonTest {
  protected:
    /// 2,100 two-byte characters, then 2,100 ASCII ones: 4,204 characters, 6,304 bytes.
    const std::string stem = [] {
        std::string s;
        for (int i = 0; i < 2100; ++i) s += "\xC3\xA9";  // é
        return s + std::string(2100, 'a');
    }();

    void SetUp() override {
        const std::string photo = (mediaFixtures() / "orientation-1.jpg").string();
        const auto manifest =
            writeFile(dir / "immich" / "library.json", R"({
  "users": [
    {"id": "10000000-0000-4000-8000-000000000001", "email": "john@example.com", "name": "John",
     "apiKeys": [{"key": ")" + std::string(kJohnKey) + R"(", "permissions": ["all"]}]},
    {"id": "10000000-0000-4000-8000-000000000002", "email": "admin@example.com", "name": "Admin",
     "isAdmin": true,
     "apiKeys": [{"key": ")" + std::string(kAdminKey) + R"(", "permissions": ["all"]}]}
  ],
  "assets": [
    {"id": ")" + assetId(1) + R"(", "owner": "john@example.com", "file": ")" +
                                                           photo + R"(", "originalFileName": ")" +
                                                           stem + R"(.jpeg", "checksum": ")" +
                                                           checksumOf(1) + R"("}
  ]
})");
        immich = std::make_unique<FakeImmich>(manifest);
        immichPort = immich->port();
        startSmtp();
        writeConfig();
    }
};

TEST_F(LongNameTest, AnOverLongNameIsShortenedAndThePhotoDelivered) {
    const auto once = pixsync({"once"});
    EXPECT_EQ(once.exitCode, 0) << once.out << once.err;
    EXPECT_THAT(logText(), Not(HasSubstr("lacks checksum or originalFileName")));
    ASSERT_EQ(smtp->messages().size(), kJohnFrames.size()) << logText();

    for (const auto& message : smtp->messages()) {
        const auto parsed = run(
            {python(), (supportDir() / "smtp_server" / "read_eml.py").string(), message.string()});
        ASSERT_EQ(parsed.exitCode, 0) << parsed.err;
        // The attachment's name is the sink's own safe version of the shortened name.
        const std::string name = field(parsed.out, "filename");
        EXPECT_LE(name.size(), 255u) << name;
        EXPECT_TRUE(validUtf8(name)) << name;
        EXPECT_EQ(name.rfind(stem.substr(0, 40), 0), 0u) << "keeps the beginning: " << name;
        EXPECT_EQ(name.substr(name.size() - 4), ".jpg") << name;
        const std::string subject = field(parsed.out, "subject");
        EXPECT_TRUE(validUtf8(subject)) << subject;
        EXPECT_LT(subject.size(), 400u) << subject;
    }
    // The log names the photo as the source shortened it: its beginning, a mark where it was
    // cut, and its extension; never the whole name.
    EXPECT_THAT(logText(), HasSubstr(stem.substr(0, 200) + "~.jpeg")) << logText().substr(0, 3000);
    EXPECT_THAT(logText(), Not(HasSubstr(stem.substr(0, 300))));
    const auto status = pixsync({"status", "--json"});
    std::string compact;
    for (char c : status.out)
        if (c != ' ' && c != '\n') compact += c;
    EXPECT_THAT(compact, HasSubstr("\"delivered\":2"));
    EXPECT_THAT(compact, HasSubstr("\"failed\":0"));
}

}  // namespace
