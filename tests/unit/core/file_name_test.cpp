// shortenFileName(): over-long names from a source are cut to a bounded length, keeping the
// extension and valid UTF-8.
#include "pixsync/file_name.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pixsync {
namespace {

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

TEST(ShortenFileName, ANameThatFitsIsUnchanged) {
    EXPECT_EQ(shortenFileName("IMG_0042.HEIC"), "IMG_0042.HEIC");
    const std::string exact(255, 'a');
    EXPECT_EQ(shortenFileName(exact), exact);
    EXPECT_EQ(shortenFileName(""), "");
}

TEST(ShortenFileName, AnOverLongNameKeepsItsBeginningAndExtension) {
    const std::string name = std::string(5000, 'b') + ".jpeg";
    const std::string s = shortenFileName(name);
    EXPECT_EQ(s.size(), 255u);
    EXPECT_EQ(s, std::string(249, 'b') + "~.jpeg");
}

TEST(ShortenFileName, MultiByteCharactersAreNeverCut) {
    // Every width of UTF-8 sequence, at every alignment against the cut.
    for (const std::string character : {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"}) {
        for (std::size_t pad = 0; pad < 4; ++pad) {
            std::string name(pad, 'x');
            while (name.size() < 6000) name += character;
            const std::string s = shortenFileName(name + ".png");
            EXPECT_LE(s.size(), 255u);
            EXPECT_GE(s.size(), 255u - 3);
            EXPECT_TRUE(validUtf8(s)) << "width " << character.size() << ", pad " << pad;
            EXPECT_EQ(s.substr(s.size() - 5), "~.png");
        }
    }
}

TEST(ShortenFileName, SomethingThatIsNotAnExtensionIsNotKeptAsOne) {
    // A "dot" far from the end, or followed by other than letters and digits.
    const std::string farDot = "a." + std::string(5000, 'c');
    EXPECT_EQ(shortenFileName(farDot), "a." + std::string(252, 'c') + "~");
    const std::string oddTail = std::string(5000, 'd') + ".j/g";
    EXPECT_EQ(shortenFileName(oddTail).size(), 255u);
    EXPECT_EQ(shortenFileName(oddTail).back(), '~');
}

TEST(ShortenFileName, ASmallBoundIsHonouredEvenWithAnExtension) {
    EXPECT_EQ(shortenFileName("abcdefghij.jpeg", 8), "ab~.jpeg");
    EXPECT_EQ(shortenFileName("abcdefghij.jpeg", 6), "abcde~") << "no room for a stem too";
    EXPECT_EQ(shortenFileName("abcdefghijklmnop.jpg", 12), "abcdefg~.jpg");
}

}  // namespace
}  // namespace pixsync
