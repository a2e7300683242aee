// Options: a view of one JSON object with typed, self-describing accessors.
#include "pixsync/options.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include "config_file.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/config.hpp"
#include "pixsync/util/bounded_json.hpp"
#include "pixsync/util/small_file.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

namespace fs = std::filesystem;

namespace {

struct Document {
    rapidjson::Document doc;
    std::string origin;
    KeyStyle style = KeyStyle::Json;
    fs::path baseDir;
};

const char* typeName(const rapidjson::Value& v) {
    switch (v.GetType()) {
        case rapidjson::kNullType:
            return "null";
        case rapidjson::kFalseType:
        case rapidjson::kTrueType:
            return "a boolean";
        case rapidjson::kObjectType:
            return "an object";
        case rapidjson::kArrayType:
            return "a list";
        case rapidjson::kStringType:
            return "a string";
        case rapidjson::kNumberType:
            return "a number";
    }
    return "unknown";
}

rapidjson::Value makeString(std::string_view s, rapidjson::Document::AllocatorType& a) {
    return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

}  // namespace

namespace {
void setMember(rapidjson::Value& obj, std::string_view key, rapidjson::Value v,
               rapidjson::Document::AllocatorType& a) {
    auto it = obj.FindMember(rapidjson::StringRef(key.data(), key.size()));
    if (it != obj.MemberEnd())
        it->value = std::move(v);
    else
        obj.AddMember(makeString(key, a), std::move(v), a);
}
}  // namespace

struct Options::Node {
    std::shared_ptr<Document> doc;
    rapidjson::Value* value;
    /// Where keys laid over this object by mergedWith() were written, as where(key) says it.
    std::map<std::string, std::string, std::less<>> places = {};
};

Options::Options() {
    auto d = std::make_shared<Document>();
    d->doc.SetObject();
    node_ = std::make_shared<Node>(Node{d, &d->doc});
}

Options::Options(std::shared_ptr<Node> node, std::string path)
    : node_(std::move(node)), path_(std::move(path)) {}

Options Options::parse(std::string_view text, std::string origin) {
    auto d = std::make_shared<Document>();
    d->origin = origin;
    d->baseDir = origin.empty() ? fs::path() : fs::path(origin).parent_path();
    constexpr unsigned flags = rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag |
                               rapidjson::kParseStopWhenDoneFlag;
    const JsonParseResult parsed = parseBoundedJson<flags>(d->doc, text);
    if (!parsed) {
        std::size_t line = 1, column = 1;
        for (std::size_t i = 0; i < parsed.offset && i < text.size(); ++i) {
            if (text[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        throw configError(cat(
            origin, ": line ", line, ", column ", column, ": ", parsed.reason(),
            parsed.tooDeep ? "; look for a runaway [ or { there"
                           : " (the file must be JSON; comments and trailing commas are allowed)"));
    }
    if (!d->doc.IsObject())
        throw configError(
            cat(origin, ": the top level must be a JSON object {...}, found ", typeName(d->doc)));
    return Options(std::make_shared<Node>(Node{d, &d->doc}), "");
}

Options Options::load(const fs::path& file) { return parse(readConfigFile(file), file.string()); }

namespace {
const rapidjson::Value* member(const rapidjson::Value* obj, std::string_view key) {
    if (!obj->IsObject()) return nullptr;
    auto it = obj->FindMember(rapidjson::StringRef(key.data(), key.size()));
    if (it == obj->MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
}
}  // namespace

bool Options::has(std::string_view key) const { return member(node_->value, key) != nullptr; }

std::vector<std::string> Options::keys() const {
    std::vector<std::string> out;
    if (!node_->value->IsObject()) return out;
    for (auto it = node_->value->MemberBegin(); it != node_->value->MemberEnd(); ++it)
        out.emplace_back(it->name.GetString(), it->name.GetStringLength());
    return out;
}

std::string Options::where(std::string_view key) const {
    if (auto it = node_->places.find(key); it != node_->places.end()) return it->second;
    const auto& d = *node_->doc;
    std::string name = d.style == KeyStyle::Env ? toUpper(key)
                       : path_.empty()          ? std::string(key)
                                                : path_ + "." + std::string(key);
    return d.origin.empty() ? name : d.origin + ": " + name;
}

std::string keyNameIn(KeyStyle style, std::string_view key) {
    return style == KeyStyle::Env ? toUpper(key) : std::string(key);
}

std::string Options::keyName(std::string_view key) const {
    return keyNameIn(node_->doc->style, key);
}

KeyStyle Options::keyStyle() const { return node_->doc->style; }

Options& Options::placeKey(std::string_view key, std::string where) {
    detach();
    node_->places.insert_or_assign(std::string(key), std::move(where));
    return *this;
}

std::string Options::where() const {
    const auto& d = *node_->doc;
    if (path_.empty()) return d.origin;
    return d.origin.empty() ? path_ : d.origin + ": " + path_;
}

const std::string& Options::origin() const { return node_->doc->origin; }
fs::path Options::baseDir() const { return node_->doc->baseDir; }

std::string Options::string(std::string_view key) const {
    const auto* v = member(node_->value, key);
    if (!v) throw configError(where(key) + " is missing (it is required)");
    if (!v->IsString())
        throw configError(cat(where(key), " must be a string, found ", typeName(*v)));
    if (v->GetStringLength() == 0) throw configError(where(key) + " is empty (it is required)");
    return std::string(v->GetString(), v->GetStringLength());
}

std::string Options::string(std::string_view key, std::string_view fallback) const {
    auto v = optionalString(key);
    return v ? *v : std::string(fallback);
}

std::optional<std::string> Options::optionalString(std::string_view key) const {
    const auto* v = member(node_->value, key);
    if (!v) return std::nullopt;
    if (v->IsString()) return std::string(v->GetString(), v->GetStringLength());
    if (v->IsNumber() || v->IsBool())
        throw configError(cat(where(key), " must be a string, found ", typeName(*v),
                              " (put the value in quotes)"));
    throw configError(cat(where(key), " must be a string, found ", typeName(*v)));
}

std::int64_t Options::integer(std::string_view key) const {
    if (!has(key)) throw configError(where(key) + " is missing (it is required)");
    return integer(key, 0);
}

std::int64_t Options::integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                              std::int64_t max) const {
    const auto* v = member(node_->value, key);
    if (!v) return fallback;
    std::int64_t result = 0;
    if (v->IsInt64()) {
        result = v->GetInt64();
    } else if (v->IsString()) {
        std::string s = trim(std::string_view(v->GetString(), v->GetStringLength()));
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), result);
        if (s.empty() || ec != std::errc() || end != s.data() + s.size())
            throw configError(cat(where(key), " must be a whole number, found '", s, "'"));
    } else {
        throw configError(cat(where(key), " must be a whole number, found ", typeName(*v)));
    }
    if (result < min || result > max)
        throw configError(
            cat(where(key), " is ", result, "; it must be between ", min, " and ", max));
    return result;
}

double Options::number(std::string_view key, double fallback) const {
    const auto* v = member(node_->value, key);
    if (!v) return fallback;
    if (v->IsNumber()) return v->GetDouble();
    if (v->IsString()) {
        std::string s = trim(v->GetString());
        char* end = nullptr;
        double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && end == s.c_str() + s.size()) return d;
        throw configError(cat(where(key), " must be a number, found '", s, "'"));
    }
    throw configError(cat(where(key), " must be a number, found ", typeName(*v)));
}

bool Options::boolean(std::string_view key, bool fallback) const {
    const auto* v = member(node_->value, key);
    if (!v) return fallback;
    if (v->IsBool()) return v->GetBool();
    if (v->IsString()) {
        std::string s = toLower(trim(v->GetString()));
        if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
        if (s == "false" || s == "no" || s == "off" || s == "0") return false;
        if (s.empty()) return fallback;
        throw configError(cat(where(key), " must be true or false, found '", v->GetString(), "'"));
    }
    throw configError(cat(where(key), " must be true or false, found ", typeName(*v)));
}

std::vector<std::string> Options::stringList(std::string_view key) const {
    const auto* v = member(node_->value, key);
    std::vector<std::string> out;
    if (!v) return out;
    if (v->IsString()) {
        out.emplace_back(v->GetString(), v->GetStringLength());
        return out;
    }
    if (!v->IsArray())
        throw configError(cat(where(key), " must be a list of strings, found ", typeName(*v)));
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
        const auto& e = (*v)[i];
        if (!e.IsString())
            throw configError(cat(where(key), "[", i, "] must be a string, found ", typeName(e)));
        out.emplace_back(e.GetString(), e.GetStringLength());
    }
    return out;
}

Options Options::object(std::string_view key) const {
    std::string sub = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    auto* v = const_cast<rapidjson::Value*>(member(node_->value, key));
    if (!v) {
        // An empty object that still reports the right place in messages.
        Options empty;
        auto& d = *empty.node_->doc;
        d.origin = node_->doc->origin;
        d.style = node_->doc->style;
        d.baseDir = node_->doc->baseDir;
        empty.path_ = sub;
        return empty;
    }
    if (!v->IsObject())
        throw configError(cat(where(key), " must be an object {...}, found ", typeName(*v)));
    return Options(std::make_shared<Node>(Node{node_->doc, v}), sub);
}

std::vector<Options> Options::objectList(std::string_view key,
                                         std::string_view shorthandKey) const {
    std::vector<Options> out;
    auto* v = const_cast<rapidjson::Value*>(member(node_->value, key));
    if (!v) return out;
    if (!v->IsArray())
        throw configError(cat(where(key), " must be a list of objects, found ", typeName(*v)));
    std::string base = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
        auto& e = (*v)[i];
        if (e.IsString() && !shorthandKey.empty()) {
            Options o;
            auto& d = *o.node_->doc;
            d.origin = node_->doc->origin;
            d.style = node_->doc->style;
            d.baseDir = node_->doc->baseDir;
            o.path_ = cat(base, "[", i, "]");
            o.set(shorthandKey, std::string_view(e.GetString(), e.GetStringLength()));
            out.push_back(o);
            continue;
        }
        if (!e.IsObject())
            throw configError(
                cat(where(key), "[", i, "] must be an object {...}, found ", typeName(e)));
        out.push_back(
            Options(std::make_shared<Node>(Node{node_->doc, &e}), cat(base, "[", i, "]")));
    }
    return out;
}

std::string Options::secret(std::string_view key) const {
    std::string fileKey = std::string(key) + "_file";
    if (auto direct = optionalString(key); direct && !direct->empty()) return *direct;
    if (auto file = optionalString(fileKey); file && !file->empty()) {
        fs::path p = path(fileKey);
        try {
            return trim(readSmallFile(p, config_detail::kMaxSecretFileBytes));
        } catch (const std::system_error& e) {
            throw configError(cat(where(fileKey), ": cannot read ", p.string(), ": ",
                                  e.code() == std::errc::file_too_large
                                      ? cat("more than ", config_detail::kMaxSecretFileBytes / 1024,
                                            " KiB, which is no password or key")
                                      : e.code().message()));
        }
    }
    return {};
}

std::string Options::requiredSecret(std::string_view key) const {
    std::string value = secret(key);
    if (value.empty()) {
        const std::string fileKey = std::string(key) + "_file";
        throw configError(cat(where(key), " is missing (it is required); set ", keyName(key),
                              " or ", keyName(fileKey), " (a file holding it)"));
    }
    return value;
}

namespace {
fs::path resolved(const std::string& text, const fs::path& base) {
    fs::path p(text);
    if (p.is_relative() && !base.empty()) p = base / p;
    return p;
}
}  // namespace

fs::path Options::path(std::string_view key) const {
    // string(key) throws naming the key when it is missing or empty: a required path is never
    // quietly empty (which would fail much later, as "cannot open ").
    return resolved(trim(string(key)), baseDir());
}

fs::path Options::path(std::string_view key, std::string_view fallback) const {
    std::string s = string(key, fallback);
    if (s.empty()) return {};
    return resolved(s, baseDir());
}

std::optional<fs::path> Options::optionalPath(std::string_view key) const {
    auto s = optionalString(key);
    if (!s) return std::nullopt;
    if (trim(*s).empty())
        throw configError(where(key) + " is empty; give a path or remove the key");
    return resolved(*s, baseDir());
}

void Options::visitStrings(
    const std::function<void(std::string_view, std::string_view)>& visit) const {
    // An explicit stack rather than recursion: the walk's depth never depends on the file.
    std::vector<std::pair<std::string_view, const rapidjson::Value*>> pending{{{}, node_->value}};
    while (!pending.empty()) {
        const auto [key, v] = pending.back();
        pending.pop_back();
        if (v->IsString()) {
            visit(key, std::string_view(v->GetString(), v->GetStringLength()));
        } else if (v->IsObject()) {
            // Pushed in reverse, so values are visited in file order.
            for (auto it = v->MemberEnd(); it != v->MemberBegin();) {
                --it;
                pending.emplace_back(
                    std::string_view(it->name.GetString(), it->name.GetStringLength()), &it->value);
            }
        } else if (v->IsArray()) {
            for (auto it = v->End(); it != v->Begin();) pending.emplace_back(key, --it);
        }
    }
}

Options Options::mergedWith(const Options& overrides) const {
    Options copy;
    auto& d = *copy.node_->doc;
    static_cast<rapidjson::Value&>(d.doc) = copyJsonValue(*node_->value, d.doc.GetAllocator());
    if (!d.doc.IsObject()) d.doc.SetObject();
    d.origin = node_->doc->origin;
    d.style = node_->doc->style;
    d.baseDir = node_->doc->baseDir;
    copy.path_ = path_;
    copy.node_->places = node_->places;
    const auto* o = overrides.node_->value;
    if (o->IsObject())
        for (auto it = o->MemberBegin(); it != o->MemberEnd(); ++it) {
            std::string_view key(it->name.GetString(), it->name.GetStringLength());
            setMember(d.doc, key, copyJsonValue(it->value, d.doc.GetAllocator()),
                      d.doc.GetAllocator());
            // Messages about the key name the place it was written (a route's source_options).
            copy.node_->places.insert_or_assign(std::string(key), overrides.where(key));
        }
    return copy;
}

std::string Options::toJson() const {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    writeJsonValue(w, *node_->value);
    return std::string(buf.GetString(), buf.GetSize());
}

void Options::detach() {
    if (node_.use_count() == 1 && node_->doc.use_count() == 1) return;
    auto d = std::make_shared<Document>();
    static_cast<rapidjson::Value&>(d->doc) = copyJsonValue(*node_->value, d->doc.GetAllocator());
    d->origin = node_->doc->origin;
    d->style = node_->doc->style;
    d->baseDir = node_->doc->baseDir;
    node_ = std::make_shared<Node>(Node{d, &d->doc, node_->places});
}

Options& Options::set(std::string_view key, std::string_view value) {
    detach();
    auto& a = node_->doc->doc.GetAllocator();
    setMember(*node_->value, key, makeString(value, a), a);
    return *this;
}

Options& Options::set(std::string_view key, std::int64_t value) {
    detach();
    auto& a = node_->doc->doc.GetAllocator();
    setMember(*node_->value, key, rapidjson::Value(value), a);
    return *this;
}

Options& Options::set(std::string_view key, bool value) {
    detach();
    auto& a = node_->doc->doc.GetAllocator();
    setMember(*node_->value, key, rapidjson::Value(value), a);
    return *this;
}

Options& Options::set(std::string_view key, const std::vector<std::string>& values) {
    detach();
    auto& a = node_->doc->doc.GetAllocator();
    rapidjson::Value arr(rapidjson::kArrayType);
    for (const auto& s : values) arr.PushBack(makeString(s, a), a);
    setMember(*node_->value, key, std::move(arr), a);
    return *this;
}

Options& Options::set(std::string_view key, const Options& object) {
    detach();
    auto& a = node_->doc->doc.GetAllocator();
    setMember(*node_->value, key, copyJsonValue(*object.node_->value, a), a);
    return *this;
}

Options& Options::set(std::string_view key, const std::vector<Options>& objects) {
    detach();
    auto& a = node_->doc->doc.GetAllocator();
    rapidjson::Value arr(rapidjson::kArrayType);
    for (const auto& o : objects) arr.PushBack(copyJsonValue(*o.node_->value, a), a);
    setMember(*node_->value, key, std::move(arr), a);
    return *this;
}

Options& Options::describe(std::string origin, KeyStyle style, fs::path baseDir) {
    detach();
    auto& d = *node_->doc;
    d.origin = std::move(origin);
    d.style = style;
    d.baseDir = std::move(baseDir);
    return *this;
}

}  // namespace pixsync
