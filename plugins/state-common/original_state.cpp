#include "original_state.hpp"

#include "pixsync/util/bounded_json.hpp"
#include "pixsync/util/strings.hpp"
#include "state_files.hpp"

namespace pixsync::state {

namespace {

bool isBlank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

rapidjson::Document parseStateJson(const std::filesystem::path& file, std::string_view text) {
    if (isBlank(text)) throw unusableState(file, "is empty");
    const std::size_t size = text.size();
    rapidjson::Document document;
    // kParseStopWhenDoneFlag is not used: anything after the top-level value is an error.
    const JsonParseResult parsed = parseBoundedJson(document, text);
    if (!parsed) {
        if (parsed.tooDeep)
            throw unusableState(file, cat("is not a state pixsync can read: ", parsed.reason(),
                                          " (at byte ", parsed.offset, ")"));
        if (parsed.offset >= size || parsed.code == rapidjson::kParseErrorDocumentEmpty)
            throw unusableState(file, cat("is truncated (the JSON ends after ", size,
                                          " bytes before it is complete)"));
        throw unusableState(
            file, cat("is not valid JSON (", parsed.reason(), " at byte ", parsed.offset, ")"));
    }
    if (!document.IsObject())
        throw unusableState(file, "does not hold a JSON object at the top level");
    return document;
}

SentByRoute readSentByRoute(const rapidjson::Value& root, const std::filesystem::path& file) {
    SentByRoute sent;
    auto byUser = root.FindMember("by_user");
    if (byUser == root.MemberEnd()) return sent;
    if (!byUser->value.IsObject())
        throw unusableState(file, "\"by_user\" is not an object of user -> list of asset ids");
    sent.reserve(byUser->value.MemberCount());
    for (const auto& user : byUser->value.GetObject()) {
        std::string route(user.name.GetString(), user.name.GetStringLength());
        if (!user.value.IsArray())
            throw unusableState(file, cat("by_user[\"", route, "\"] is not a list of asset ids"));
        std::vector<std::string> ids;
        ids.reserve(user.value.Size());
        rapidjson::SizeType index = 0;
        for (const auto& id : user.value.GetArray()) {
            if (!id.IsString() || id.GetStringLength() == 0)
                throw unusableState(file, cat("by_user[\"", route, "\"][", index,
                                              "] is not an asset id (a non-empty string)"));
            ids.emplace_back(id.GetString(), id.GetStringLength());
            ++index;
        }
        sent.emplace_back(std::move(route), std::move(ids));
    }
    return sent;
}

SentByRoute loadOriginalState(const std::filesystem::path& file) {
    std::optional<std::string> text = readStateFile(file);
    if (!text) throw unusableState(file, "does not exist");
    rapidjson::Document document = parseStateJson(file, *text);
    return readSentByRoute(document, file);
}

std::size_t countIds(const SentByRoute& sent) {
    std::size_t n = 0;
    for (const auto& [route, ids] : sent) n += ids.size();
    return n;
}

}  // namespace pixsync::state
