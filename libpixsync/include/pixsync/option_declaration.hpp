#pragma once
/// @file option_declaration.hpp
/// What a plugin (or the core) accepts as options: one OptionDeclaration per key. pixsync
/// checks every configured object against its declarations before anything starts: an
/// unknown key, a wrong type, a value out of range or not among the allowed ones, and a
/// required key that is missing stop pixsync with exit code 2, naming the file, the key and
/// the closest declared name. `pixsync plugins --options NAME` prints a plugin's declarations.
///
/// The structures are plain data so that a plugin can keep them in static storage and the
/// descriptor can point at them across the shared-object boundary (see plugin.hpp).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pixsync {

class Options;

/// The type of an option's value. Values that come from an environment file are strings;
/// they are converted as the Options accessors do ("587" is an integer, "yes" a boolean).
enum class OptionType : std::uint32_t {
    String = 1,
    Integer = 2,     ///< a whole number within [min, max]
    Number = 3,      ///< an integer or a decimal within [min, max]
    Boolean = 4,     ///< true/false (or yes/no, on/off, 1/0 as strings)
    Path = 5,        ///< a string; relative paths resolve against the config file's folder
    StringList = 6,  ///< a list of strings (a single string counts as a list of one)
    Object = 7,      ///< a nested object, checked by whoever reads it
    ObjectList = 8,  ///< a list of objects, checked by whoever reads them
};

/// "string", "integer", ... as `pixsync plugins --options` prints them.
const char* toString(OptionType type) noexcept;

/// One option. Write them with designated initializers:
///   {.name = "smtp_port", .type = OptionType::Integer, .defaultValue = "587", .min = 1,
///    .max = 65535, .description = "the SMTP server's port"}
struct OptionDeclaration {
    const char* name = nullptr;  ///< the key as written in a native config (lower case)
    OptionType type = OptionType::String;
    const char* defaultValue = nullptr;  ///< as shown to users; nullptr: no default
    std::int64_t min = INT64_MIN;        ///< Integer and Number: the smallest allowed value
    std::int64_t max = INT64_MAX;        ///< Integer and Number: the largest allowed value
    const char* choices = nullptr;       ///< String: the allowed values, "a|b|c"; nullptr: any
    bool required = false;               ///< missing (or empty) is a configuration error
    bool secret = false;                 ///< never logged; `<name>_file` may hold it instead
    const char* description = nullptr;   ///< one line for `pixsync plugins --options`
};

/// A plugin's declarations as the descriptor carries them.
struct OptionList {
    const OptionDeclaration* items = nullptr;
    std::size_t count = 0;
};

/// For the PIXSYNC_*_PLUGIN macros: a static array of declarations, or nothing.
template <std::size_t N>
constexpr OptionList optionList(const OptionDeclaration (&items)[N]) noexcept {
    return OptionList{items, N};
}
constexpr OptionList optionList() noexcept { return OptionList{}; }

/// The declaration named `name`, or nullptr.
const OptionDeclaration* findDeclaration(std::span<const OptionDeclaration> declarations,
                                         std::string_view name) noexcept;

/// The candidate closest to `name` (ignoring case, `-` and `_`), or "" when none is close
/// enough to be a likely typo.
std::string closestName(std::string_view name, const std::vector<std::string>& candidates);

/// How validateOptions() words its messages.
struct ValidationContext {
    /// What the object is, for "is not an option of ..." ("the pixstar sink", "a route").
    std::string owner = {};
    /// Where the full list can be seen ("`pixsync plugins --options pixstar`"); may be empty.
    std::string reference = {};
    /// Keys accepted besides the declared ones (handled elsewhere), not suggested.
    std::vector<std::string> alsoAccepted = {};
    /// More names to suggest from (e.g. the core's .env keys next to a plugin's).
    std::vector<std::string> alsoSuggested = {};
    /// Check that required keys are present (off for a source's template options, which a
    /// route completes).
    bool checkRequired = true;
};

/// Checks `options` against `declarations`: every key must be declared (or `<secret>_file`,
/// or in `alsoAccepted`), every value of the declared type, range and choices, and every
/// required key present. Throws Error(Config) naming the file, the key as the user wrote it
/// and, for an unknown key, the closest declared name ("did you mean `smtp_password`?").
void validateOptions(const Options& options, std::span<const OptionDeclaration> declarations,
                     const ValidationContext& context);

}  // namespace pixsync
