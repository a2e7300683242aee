#pragma once
/// @file options.hpp
/// Read access to configuration for the core and for plugins. An Options is a view of one
/// JSON object (a plugin instance's "options", a route, a profile). Every accessor that fails
/// throws a Config error that names the file and the key, so a plugin never writes its own
/// "where" text. Values that came from an environment file are strings; the typed accessors
/// convert them ("587" is an integer, "true"/"false"/"yes"/"no"/"1"/"0" are booleans).
/// Options are values: a copy, or an object() view, shares the parsed document only until
/// one of them is changed, so `Options b = a; b.set("port", 2);` leaves `a` as it was.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pixsync {

/// How keys are shown in messages: as JSON paths ("sinks[0].options.smtp_port") or as
/// environment variables ("SMTP_PORT"), matching what the user actually wrote.
enum class KeyStyle { Json, Env };

/// `key` as written in that style: "SMTP_PORT" for Env, "smtp_port" for Json.
std::string keyNameIn(KeyStyle style, std::string_view key);

class Options {
  public:
    /// An empty object.
    Options();
    /// Parses JSON text that may contain // and /* */ comments and trailing commas.
    /// `origin` names the file in messages. Throws a Config error with line and column.
    static Options parse(std::string_view jsonText, std::string origin);
    /// Reads and parses a file (see parse()).
    static Options load(const std::filesystem::path& file);

    /// True when the key is present (and not null).
    bool has(std::string_view key) const;
    /// All keys of this object, in file order.
    std::vector<std::string> keys() const;

    /// A required string; throws naming the key when missing, empty or not a string.
    std::string string(std::string_view key) const;
    /// An optional string with a default.
    std::string string(std::string_view key, std::string_view fallback) const;
    std::optional<std::string> optionalString(std::string_view key) const;
    /// An integer within [min, max]; a string of digits is accepted.
    std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min = INT64_MIN,
                         std::int64_t max = INT64_MAX) const;
    std::int64_t integer(std::string_view key) const;
    /// A number (integer or decimal).
    double number(std::string_view key, double fallback) const;
    /// A boolean; true/false, or the strings true/false/yes/no/on/off/1/0.
    bool boolean(std::string_view key, bool fallback) const;
    /// A list of strings; a single string is accepted as a list of one; missing is empty.
    std::vector<std::string> stringList(std::string_view key) const;
    /// A nested object; missing is an empty Options.
    Options object(std::string_view key) const;
    /// A list of objects; missing is empty. With `shorthandKey`, a plain string in the list
    /// stands for the object {shorthandKey: string} ("destinations": ["a@x.com", {...}]).
    std::vector<Options> objectList(std::string_view key, std::string_view shorthandKey = {}) const;
    /// A secret: the value of `key`, or the trimmed content of the file named by `key_file`
    /// (relative paths resolve against the config file's folder). Returns an empty string
    /// when neither is set.
    std::string secret(std::string_view key) const;
    /// A secret that must be given: as secret(), but throws naming `key` (and `key_file`)
    /// when neither is set.
    std::string requiredSecret(std::string_view key) const;
    /// A required path; throws naming the key when it is missing or empty. Relative paths
    /// resolve against the config file's folder.
    std::filesystem::path path(std::string_view key) const;
    /// An optional path with a default (which may be empty: then an empty path means unset).
    std::filesystem::path path(std::string_view key, std::string_view fallback) const;
    /// An optional path: nullopt when the key is missing.
    std::optional<std::filesystem::path> optionalPath(std::string_view key) const;

    /// "file: key" for messages about a key of this object.
    std::string where(std::string_view key) const;
    /// `key` as the user writes it here: "SMTP_PASSWORD" in an environment file,
    /// "smtp_password" in JSON. For naming another key in a message ("set SMTP_USER too").
    std::string keyName(std::string_view key) const;
    /// How keys are shown: Env for options read from an environment file.
    KeyStyle keyStyle() const;
    /// Makes where(key) answer `where`: for a key the user wrote under another name (the
    /// original's `immichUser` is the immich source's `user`).
    Options& placeKey(std::string_view key, std::string where);
    /// "file: path" for messages about this object itself.
    std::string where() const;
    /// The file this object was read from ("" when built in code).
    const std::string& origin() const;
    /// The folder relative paths resolve against.
    std::filesystem::path baseDir() const;
    /// Calls `visit(key, value)` for every string value in this object and below (used to
    /// find secrets that must be redacted from logs).
    void visitStrings(
        const std::function<void(std::string_view key, std::string_view value)>& visit) const;
    /// A copy of this object with `overrides`' keys set over it (a route's source options over
    /// the source's). The copy keeps this object's origin for messages, but where() names the
    /// overridden keys where `overrides` has them.
    Options mergedWith(const Options& overrides) const;
    /// A compact JSON rendering (used to pass options around and in tests).
    std::string toJson() const;

    /// Builders, for configuration made in code (the original's files, embedding programs).
    Options& set(std::string_view key, std::string_view value);
    Options& set(std::string_view key, const char* value) {
        return set(key, std::string_view(value));
    }
    Options& set(std::string_view key, std::int64_t value);
    Options& set(std::string_view key, bool value);
    Options& set(std::string_view key, const std::vector<std::string>& values);
    Options& set(std::string_view key, const Options& object);
    Options& set(std::string_view key, const std::vector<Options>& objects);
    /// Sets the origin, key style and base folder used in messages and path resolution.
    Options& describe(std::string origin, KeyStyle style, std::filesystem::path baseDir);

    struct Node;  ///< implementation detail

  private:
    Options(std::shared_ptr<Node> node, std::string path);
    /// Gives this object a document of its own before it is changed, when others share it.
    void detach();
    std::shared_ptr<Node> node_;
    std::string path_;
};

}  // namespace pixsync
