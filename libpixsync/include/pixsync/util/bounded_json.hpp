#pragma once
/// @file bounded_json.hpp
/// JSON that pixsync did not write itself (configuration, state files, the folder index,
/// Immich's replies) handled with a bounded call stack: parsed by RapidJSON's iterative parser
/// with a refusal of anything nested deeper than a limit, and copied and written by loops
/// with a stack of their own (RapidJSON's Value copy and Accept() recurse once per level).
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
#include <vector>

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

/// A deep copy of `source` whose strings and containers live in `allocator`, made without
/// recursion.
inline rapidjson::Value copyJsonValue(const rapidjson::Value& source,
                                      rapidjson::Document::AllocatorType& allocator) {
    // Each entry is a container being filled and the index of its next child. A parent is not
    // changed while a child of it is on the stack, so the pointers stay valid.
    struct Level {
        const rapidjson::Value* from;
        rapidjson::Value* to;
        rapidjson::SizeType next;
    };
    std::vector<Level> stack;
    // Copies a scalar, or makes an empty container and puts it on the stack.
    auto start = [&](const rapidjson::Value& from, rapidjson::Value& to) {
        if (from.IsObject()) {
            to.SetObject();
            stack.push_back({&from, &to, 0});
        } else if (from.IsArray()) {
            to.SetArray();
            to.Reserve(from.Size(), allocator);
            stack.push_back({&from, &to, 0});
        } else {
            to.CopyFrom(from, allocator);  // a scalar: no recursion
        }
    };
    rapidjson::Value root;
    start(source, root);
    while (!stack.empty()) {
        const Level level = stack.back();
        if (level.from->IsArray()) {
            if (level.next == level.from->Size()) {
                stack.pop_back();
                continue;
            }
            ++stack.back().next;
            level.to->PushBack(rapidjson::Value(), allocator);
            start((*level.from)[level.next], (*level.to)[level.to->Size() - 1]);
        } else {
            if (level.next == level.from->MemberCount()) {
                stack.pop_back();
                continue;
            }
            ++stack.back().next;
            const auto& member = *(level.from->MemberBegin() + level.next);
            level.to->AddMember(rapidjson::Value(member.name, allocator), rapidjson::Value(),
                                allocator);
            start(member.value, (level.to->MemberEnd() - 1)->value);
        }
    }
    return root;
}

/// Sends `value` to a RapidJSON Writer (what value.Accept(writer) does) without recursion.
template <class Writer>
bool writeJsonValue(Writer& writer, const rapidjson::Value& value) {
    struct Level {
        const rapidjson::Value* container;
        rapidjson::SizeType next;
    };
    std::vector<Level> stack;
    // Writes a scalar, or opens a container and puts it on the stack.
    auto start = [&](const rapidjson::Value& v) {
        switch (v.GetType()) {
            case rapidjson::kNullType:
                return writer.Null();
            case rapidjson::kFalseType:
                return writer.Bool(false);
            case rapidjson::kTrueType:
                return writer.Bool(true);
            case rapidjson::kStringType:
                return writer.String(v.GetString(), v.GetStringLength(), true);
            case rapidjson::kObjectType:
                stack.push_back({&v, 0});
                return writer.StartObject();
            case rapidjson::kArrayType:
                stack.push_back({&v, 0});
                return writer.StartArray();
            case rapidjson::kNumberType:
                if (v.IsDouble()) return writer.Double(v.GetDouble());
                if (v.IsInt()) return writer.Int(v.GetInt());
                if (v.IsUint()) return writer.Uint(v.GetUint());
                if (v.IsInt64()) return writer.Int64(v.GetInt64());
                return writer.Uint64(v.GetUint64());
        }
        return false;
    };
    if (!start(value)) return false;
    while (!stack.empty()) {
        Level& level = stack.back();
        const rapidjson::Value& container = *level.container;
        if (container.IsArray()) {
            if (level.next == container.Size()) {
                stack.pop_back();
                if (!writer.EndArray(container.Size())) return false;
                continue;
            }
            if (!start(container[level.next++])) return false;
        } else {
            if (level.next == container.MemberCount()) {
                stack.pop_back();
                if (!writer.EndObject(container.MemberCount())) return false;
                continue;
            }
            const auto& member = *(container.MemberBegin() + level.next++);
            if (!writer.Key(member.name.GetString(), member.name.GetStringLength(), true) ||
                !start(member.value))
                return false;
        }
    }
    return true;
}

}  // namespace pixsync
