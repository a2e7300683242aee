#pragma once
/// @file field_reader.hpp
/// Strict field access for the JSON store's files (the state file and its journal): any
/// surprise is an Error(State) naming the field, because a state read wrongly is a state
/// that resends photos.

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "pixsync/clock.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::jsonstate {

/// Field access that reports the field's path on any type mismatch.
class FieldReader {
  public:
    using Value = rapidjson::Value;
    /// `failure` turns "<field> <problem>" into the error to throw (it names the file).
    explicit FieldReader(std::function<Error(const std::string&)> failure)
        : failure_(std::move(failure)) {}

    [[noreturn]] void fail(const std::string& where, const std::string& what) const {
        throw failure_(cat(where, " ", what));
    }

    const Value& object(const Value& v, const std::string& where) const {
        if (!v.IsObject()) fail(where, "is not an object");
        return v;
    }
    const Value& array(const Value& v, const std::string& where) const {
        if (!v.IsArray()) fail(where, "is not a list");
        return v;
    }
    /// A member that may be missing (nullptr) but must be of the right kind when present.
    const Value* member(const Value& obj, const char* key) const {
        auto it = obj.FindMember(key);
        return it == obj.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
    }
    std::string string(const Value& obj, const char* key, const std::string& where,
                       bool required = false) const {
        const Value* v = member(obj, key);
        if (!v) {
            if (required) fail(cat(where, ".", key), "is missing");
            return {};
        }
        if (!v->IsString()) fail(cat(where, ".", key), "is not a string");
        std::string s(v->GetString(), v->GetStringLength());
        if (required && s.empty()) fail(cat(where, ".", key), "is empty");
        return s;
    }
    std::int64_t int64(const Value& obj, const char* key, const std::string& where) const {
        const Value* v = member(obj, key);
        if (!v) return 0;
        if (!v->IsInt64()) fail(cat(where, ".", key), "is not an integer");
        return v->GetInt64();
    }
    std::uint64_t uint64(const Value& obj, const char* key, const std::string& where) const {
        const Value* v = member(obj, key);
        if (!v) return 0;
        if (!v->IsUint64()) fail(cat(where, ".", key), "is not a non-negative integer");
        return v->GetUint64();
    }
    /// A time in Unix milliseconds, within what pixsync's clock can hold.
    std::int64_t unixMillis(const Value& obj, const char* key, const std::string& where) const {
        std::int64_t ms = int64(obj, key, where);
        if (ms < kMinUnixMillis || ms > kMaxUnixMillis)
            fail(cat(where, ".", key), cat("is not a time pixsync can hold (", ms, " ms)"));
        return ms;
    }
    int smallInt(const Value& obj, const char* key, const std::string& where) const {
        std::int64_t n = int64(obj, key, where);
        if (n < 0 || n > std::numeric_limits<int>::max())
            fail(cat(where, ".", key), "is out of range");
        return static_cast<int>(n);
    }
    bool boolean(const Value& obj, const char* key, const std::string& where, bool fallback) const {
        const Value* v = member(obj, key);
        if (!v) return fallback;
        if (!v->IsBool()) fail(cat(where, ".", key), "is not true or false");
        return v->GetBool();
    }

  private:
    std::function<Error(const std::string&)> failure_;
};

}  // namespace pixsync::jsonstate
