#pragma once
/// @file bounded_json.hpp
/// Parses JSON that pixsync did not write itself (configuration, state files, the folder
/// index, Immich's replies) with a bounded stack: RapidJSON's iterative parser, and a refusal
/// of anything nested deeper than a limit. A document that passed here has bounded depth, so
/// code that walks it recursively (RapidJSON's Writer, a Value copy) uses bounded stack too.
///
/// Header-only, because it hands out RapidJSON types and libpixsync keeps RapidJSON private:
/// include it only where RapidJSON's headers are on the include path.

#include <rapidjson/document.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pixsync {

/// The deepest nesting of objects and lists pixsync reads. Its own files nest at most 5 levels
/// and Immich's replies about 4; a limit this far above keeps room for keys other tools add.
inline constexpr unsigned kMaxJsonDepth = 256;

/// How a bounded parse ended.
struct JsonParseResult {
    rapidjson::ParseErrorCode code = rapidjson::kParseErrorNone;
    /// The byte the parse stopped at, when it failed.
    std::size_t offset = 0;
    /// True when the text was refused for nesting deeper than `maxDepth`.
    bool tooDeep = false;
    unsigned maxDepth = kMaxJsonDepth;

    explicit operator bool() const { return code == rapidjson::kParseErrorNone; }

    /// Why the parse failed, to follow the name of the file and the place:
    /// "it nests objects and lists deeper than 256 levels" or RapidJSON's own words.
    std::string reason() const {
        if (tooDeep)
            return "it nests objects and lists deeper than " + std::to_string(maxDepth) +
                   " levels (pixsync reads JSON up to that depth)";
        return rapidjson::GetParseError_En(code);
    }
};

namespace detail {

/// Passes the parser's events on to a Document, refusing to open a level past the limit.
class DepthLimitedHandler {
  public:
    using Ch = rapidjson::Document::Ch;
    using SizeType = rapidjson::SizeType;

    DepthLimitedHandler(rapidjson::Document& doc, unsigned maxDepth)
        : doc_(doc), maxDepth_(maxDepth) {}

    bool Null() { return doc_.Null(); }
    bool Bool(bool b) { return doc_.Bool(b); }
    bool Int(int i) { return doc_.Int(i); }
    bool Uint(unsigned i) { return doc_.Uint(i); }
    bool Int64(std::int64_t i) { return doc_.Int64(i); }
    bool Uint64(std::uint64_t i) { return doc_.Uint64(i); }
    bool Double(double d) { return doc_.Double(d); }
    bool RawNumber(const Ch* s, SizeType n, bool copy) { return doc_.RawNumber(s, n, copy); }
    bool String(const Ch* s, SizeType n, bool copy) { return doc_.String(s, n, copy); }
    bool Key(const Ch* s, SizeType n, bool copy) { return doc_.Key(s, n, copy); }
    bool StartObject() { return enter() && doc_.StartObject(); }
    bool EndObject(SizeType members) {
        --depth_;
        return doc_.EndObject(members);
    }
    bool StartArray() { return enter() && doc_.StartArray(); }
    bool EndArray(SizeType elements) {
        --depth_;
        return doc_.EndArray(elements);
    }

    bool tooDeep() const { return tooDeep_; }

  private:
    bool enter() {
        if (depth_ >= maxDepth_) {
            tooDeep_ = true;
            return false;
        }
        ++depth_;
        return true;
    }

    rapidjson::Document& doc_;
    unsigned maxDepth_;
    unsigned depth_ = 0;
    bool tooDeep_ = false;
};

}  // namespace detail

/// Parses `text` (UTF-8, not necessarily terminated) into `doc` with `Flags` plus
/// kParseIterativeFlag, refusing nesting deeper than `maxDepth`. Strings are copied into
/// `doc`, so `text` need not outlive it. On failure `doc` is left null and the result says
/// why; the caller names the file.
template <unsigned Flags = rapidjson::kParseDefaultFlags>
JsonParseResult parseBoundedJson(rapidjson::Document& doc, std::string_view text,
                                 unsigned maxDepth = kMaxJsonDepth) {
    static_assert((Flags & rapidjson::kParseInsituFlag) == 0, "in-place parsing is not supported");
    JsonParseResult result;
    result.maxDepth = maxDepth;
    doc.SetNull();
    auto generate = [&](rapidjson::Document& target) {
        rapidjson::MemoryStream memory(text.data(), text.size());
        rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(memory);
        detail::DepthLimitedHandler handler(target, maxDepth);
        rapidjson::Reader reader;
        const rapidjson::ParseResult parsed =
            reader.Parse<Flags | rapidjson::kParseIterativeFlag>(in, handler);
        result.code = parsed.Code();
        result.offset = parsed.Offset();
        result.tooDeep = handler.tooDeep();
        return !parsed.IsError();
    };
    doc.Populate(generate);
    return result;
}

}  // namespace pixsync
