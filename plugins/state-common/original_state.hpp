#pragma once
/// @file original_state.hpp
/// The original service's state file, `{"by_user": {"<immichUser email>": ["<assetId>", ...]}}`,
/// read strictly: the SQLite store imports it and the JSON store is a superset of it, and
/// both must refuse (never half-read) a file that is not exactly that shape.

#include <rapidjson/document.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pixsync::state {

/// The asset ids already sent, per route (the original's `immichUser`), in file order.
using SentByRoute = std::vector<std::pair<std::string, std::vector<std::string>>>;

/// Parses state JSON (the document owns its strings). Empty, truncated or malformed text,
/// nesting deeper than kMaxJsonDepth, or a top level that is not an object, is Error(State)
/// naming `file`.
rapidjson::Document parseStateJson(const std::filesystem::path& file, std::string_view text);

/// Reads `by_user` from a parsed state. Missing means nothing was sent yet; a `by_user` that
/// is not an object of string arrays (a list, a number among the ids, an empty id) is
/// Error(State) naming `file` and the offending entry.
SentByRoute readSentByRoute(const rapidjson::Value& root, const std::filesystem::path& file);

/// Reads and parses a whole original state file. A missing file is Error(State) too: the
/// caller asked for this file by name.
SentByRoute loadOriginalState(const std::filesystem::path& file);

/// Number of ids in all routes.
std::size_t countIds(const SentByRoute& sent);

}  // namespace pixsync::state
