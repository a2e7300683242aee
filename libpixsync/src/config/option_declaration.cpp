// Declared options: checking a configured object against what its owner declares.
#include "pixsync/option_declaration.hpp"

#include <algorithm>
#include <cstring>

#include "pixsync/error.hpp"
#include "pixsync/options.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

const char* toString(OptionType type) noexcept {
    switch (type) {
        case OptionType::String:
            return "string";
        case OptionType::Integer:
            return "integer";
        case OptionType::Number:
            return "number";
        case OptionType::Boolean:
            return "boolean";
        case OptionType::Path:
            return "path";
        case OptionType::StringList:
            return "list of strings";
        case OptionType::Object:
            return "object";
        case OptionType::ObjectList:
            return "list of objects";
    }
    return "unknown";
}

const OptionDeclaration* findDeclaration(std::span<const OptionDeclaration> declarations,
                                         std::string_view name) noexcept {
    for (const auto& d : declarations)
        if (d.name && name == d.name) return &d;
    return nullptr;
}

namespace {

/// Lower case without `_` and `-`: "SMTP_PASSWORD", "smtpPassword" and "smtp-password" are
/// one name to a typo.
std::string normalized(std::string_view name) {
    std::string out;
    for (char c : name)
        if (c != '_' && c != '-')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`.
std::size_t editDistance(const std::string& a, const std::string& b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[n][m];
}

bool hasSuffix(std::string_view s, std::string_view suffix) {
    return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void checkValue(const Options& options, const OptionDeclaration& d) {
    const std::string_view key = d.name;
    if (!options.has(key)) return;
    switch (d.type) {
        case OptionType::String:
        case OptionType::Path: {
            auto value = options.optionalString(key);
            if (d.choices && value && !value->empty()) {
                const auto allowed = split(d.choices, '|');
                if (std::find(allowed.begin(), allowed.end(), toLower(trim(*value))) ==
                    allowed.end())
                    throw configError(cat(options.where(key), " is '", *value, "'; use one of ",
                                          join(allowed, ", ")));
            }
            break;
        }
        case OptionType::Integer:
            options.integer(key, 0, d.min, d.max);
            break;
        case OptionType::Number: {
            const double v = options.number(key, 0);
            if (v < static_cast<double>(d.min) || v > static_cast<double>(d.max))
                throw configError(cat(options.where(key), " is ", v, "; it must be between ", d.min,
                                      " and ", d.max));
            break;
        }
        case OptionType::Boolean:
            options.boolean(key, false);
            break;
        case OptionType::StringList:
            options.stringList(key);
            break;
        case OptionType::Object:
            options.object(key);
            break;
        // Lists of objects may abbreviate an object as a string ("destinations": ["a@x.com"]).
        case OptionType::ObjectList:
            options.objectList(key, "value");
            break;
    }
}

}  // namespace

std::string closestName(std::string_view name, const std::vector<std::string>& candidates) {
    // A likely typo is at most 4 edits away, so no name more than 4 characters longer or
    // shorter than a candidate can be one of it: such pairs are never compared, which keeps a
    // misspelt key of megabytes from costing seconds and gigabytes.
    constexpr std::size_t kMostEdits = 4;
    const std::string wanted = normalized(name);
    std::string best;
    std::size_t bestDistance = SIZE_MAX;
    for (const auto& c : candidates) {
        const std::string other = normalized(c);
        const std::size_t a = wanted.size(), b = other.size();
        if ((a > b ? a - b : b - a) > kMostEdits) continue;
        const std::size_t distance = editDistance(wanted, other);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = c;
        }
    }
    // A likely typo changes at most a third of the name (and never more than 4 characters).
    if (best.empty()) return {};
    const std::size_t longer = std::max(wanted.size(), normalized(best).size());
    if (bestDistance > kMostEdits || bestDistance * 3 > longer) return {};
    return best;
}

void validateOptions(const Options& options, std::span<const OptionDeclaration> declarations,
                     const ValidationContext& context) {
    std::vector<std::string> suggestions;
    for (const auto& d : declarations)
        if (d.name) suggestions.emplace_back(d.name);
    suggestions.insert(suggestions.end(), context.alsoSuggested.begin(),
                       context.alsoSuggested.end());

    for (const auto& key : options.keys()) {
        if (findDeclaration(declarations, key)) continue;
        if (std::find(context.alsoAccepted.begin(), context.alsoAccepted.end(), key) !=
            context.alsoAccepted.end())
            continue;
        if (hasSuffix(key, "_file")) {
            const auto* base = findDeclaration(declarations, key.substr(0, key.size() - 5));
            if (base && base->secret) {
                options.optionalString(key);
                continue;
            }
        }
        // A name too long to be any option's is shown cut, with its length.
        constexpr std::size_t kLongestShown = 64;
        std::string message =
            key.size() <= kLongestShown
                ? cat(options.where(key), " is not an option of ", context.owner)
                : cat(options.where(), options.where().empty() ? "" : ": ", "a name of ",
                      key.size(), " characters, `", options.keyName(key.substr(0, 32)),
                      "…`, is not an option of ", context.owner);
        if (auto best = closestName(key, suggestions); !best.empty())
            message += cat("; did you mean `", options.keyName(best), "`?");
        else
            message += "; remove it or correct its name";
        if (!context.reference.empty()) message += cat(" (all options: ", context.reference, ")");
        throw configError(message);
    }

    for (const auto& d : declarations) {
        if (!d.name) continue;
        checkValue(options, d);
        if (!d.required || !context.checkRequired) continue;
        const std::string fileKey = cat(d.name, "_file");
        if (d.secret && options.has(fileKey)) continue;
        const std::string what = d.description ? cat(": ", d.description) : std::string();
        const std::string orFile = d.secret ? cat(" (or ", options.keyName(fileKey), ")") : "";
        if (!options.has(d.name))
            throw configError(
                cat(options.where(d.name), " is missing", orFile, "; it is required", what));
        if ((d.type == OptionType::String || d.type == OptionType::Path) &&
            trim(options.string(d.name, "")).empty())
            throw configError(
                cat(options.where(d.name), " is empty", orFile, "; it is required", what));
    }
}

}  // namespace pixsync
