#include "mime_text.hpp"

#include <Poco/Base64Decoder.h>
#include <gtest/gtest.h>

#include <sstream>

namespace pixsync::pixstar {
namespace {

TEST(SafeFileName, KeepsOrdinaryNames) {
    EXPECT_EQ(safeFileName("IMG_0001.JPG"), "IMG_0001.JPG");
    EXPECT_EQ(safeFileName("IMG_0001.HEIC", ".jpg"), "IMG_0001.jpg");
    EXPECT_EQ(safeFileName("clip.mov"), "clip.mov");
    EXPECT_EQ(safeFileName("Été à Paris.heic", ".jpg"), "Été à Paris.jpg");
}

TEST(SafeFileName, RemovesHeaderAndPathBreakers) {
    EXPECT_EQ(safeFileName("a\r\nBcc: x@y.z.jpg"), "aBcc: x@y.z.jpg");
    EXPECT_EQ(safeFileName("../../etc/passwd"), "etcpasswd");
    EXPECT_EQ(safeFileName("..\\..\\boot.ini"), "boot.ini");
    EXPECT_EQ(safeFileName("say \"cheese\" 'now'.png"), "say cheese now.png");
    EXPECT_EQ(safeFileName(std::string("nul\0byte\x7f.jpg", 13)), "nulbyte.jpg");
    EXPECT_EQ(safeFileName("tab\there.jpg"), "tabhere.jpg");
}

TEST(SafeFileName, EmptyOrHiddenNamesGetAFallback) {
    EXPECT_EQ(safeFileName("", ".jpg"), "photo.jpg");
    EXPECT_EQ(safeFileName("\r\n/\\\"", ".jpg"), "photo.jpg");
    EXPECT_EQ(safeFileName(".hidden"), "hidden");
    EXPECT_EQ(safeFileName("...", ""), "photo");
}

TEST(SafeFileName, InvalidUtf8BecomesUnderscore) {
    EXPECT_EQ(safeFileName("bad\xff\xfe.jpg"), "bad__.jpg");
    EXPECT_EQ(safeFileName("cut\xe2\x82.jpg"), "cut__.jpg");
}

TEST(SafeFileName, CapsLengthOnACharacterBoundaryKeepingTheExtension) {
    std::string longName;
    for (int i = 0; i < 300; ++i) longName += "\xc3\xa9";  // é, two bytes each
    const std::string safe = safeFileName(longName + ".heic", ".jpg");
    EXPECT_LE(safe.size(), kMaxFileNameBytes);
    EXPECT_TRUE(safe.ends_with(".jpg"));
    EXPECT_EQ((safe.size() - 4) % 2, 0u) << "no character cut in half";
    const std::string ascii = safeFileName(std::string(300, 'a') + ".png");
    EXPECT_EQ(ascii.size(), kMaxFileNameBytes);
    EXPECT_TRUE(ascii.ends_with(".png"));
}

TEST(SingleLine, TurnsControlsIntoSpaces) {
    EXPECT_EQ(singleLine("a\r\nb\tc"), "a  b c");
    EXPECT_EQ(singleLine("ok"), "ok");
}

std::string decodeWords(const std::string& encoded) {
    std::string out;
    std::istringstream words(encoded);
    std::string word;
    while (words >> word) {
        EXPECT_TRUE(word.starts_with("=?UTF-8?B?")) << word;
        EXPECT_TRUE(word.ends_with("?=")) << word;
        EXPECT_LE(word.size(), 75u) << "RFC 2047 limits an encoded-word to 75 characters";
        std::istringstream b64(word.substr(10, word.size() - 12));
        Poco::Base64Decoder decoder(b64);
        out += std::string(std::istreambuf_iterator<char>(decoder), {});
    }
    return out;
}

TEST(EncodeHeaderWords, LeavesAsciiAlone) {
    EXPECT_EQ(encodeHeaderWords("Holiday 2024"), "Holiday 2024");
}

TEST(EncodeHeaderWords, EncodesUtf8InWholeCharacters) {
    std::string text = "Grand-mère \xf0\x9f\x93\xb7 ";
    for (int i = 0; i < 20; ++i) text += "\xf0\x9f\x8c\x85";  // 🌅, four bytes
    const std::string encoded = encodeHeaderWords(text);
    EXPECT_EQ(encoded.find('\r'), std::string::npos);
    EXPECT_EQ(encoded.find('\n'), std::string::npos);
    const std::size_t space = encoded.find(' ');
    ASSERT_NE(space, std::string::npos) << "long text is split into several words: " << encoded;
    EXPECT_GT(space, 0u);
    EXPECT_EQ(decodeWords(encoded), text);
}

TEST(ExpandTemplate, ReplacesPlaceholders) {
    EXPECT_EQ(expandTemplate("From {user}: {file} ({file})", "jane", "a.jpg"),
              "From jane: a.jpg (a.jpg)");
    EXPECT_EQ(expandTemplate("{unknown} {user", "u", "f"), "{unknown} {user");
}

}  // namespace
}  // namespace pixsync::pixstar
