// `pixsync plugins`: one line per plugin found: <name> <kind> <version> <file>.
// `pixsync plugins --options NAME`: what that plugin declares, one option per line.
#include <cstdio>

#include "app.hpp"
#include "original/original_config.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::cli {

namespace {

/// "integer, default 587, 1..65535, required, secret".
std::string facts(const OptionDeclaration& d) {
    std::string text = toString(d.type);
    if (d.defaultValue) {
        std::string value = d.defaultValue;
        for (std::size_t at = value.find('\n'); at != std::string::npos; at = value.find('\n', at))
            value.replace(at, 1, "\\n");
        text += cat(", default ", value);
    }
    if ((d.type == OptionType::Integer || d.type == OptionType::Number) &&
        (d.min != INT64_MIN || d.max != INT64_MAX))
        text += cat(", ", d.min, "..", d.max);
    if (d.choices) text += cat(", one of ", join(split(d.choices, '|'), ", "));
    if (d.required) text += ", required";
    if (d.secret) text += cat(", secret (or ", d.name, "_file)");
    return text;
}

void printDeclarations(std::span<const OptionDeclaration> declared, bool envStyle) {
    for (const auto& d : declared)
        std::printf("  %s  (%s)\n      %s\n",
                    (envStyle ? toUpper(d.name) : std::string(d.name)).c_str(), facts(d).c_str(),
                    d.description ? d.description : "");
}

}  // namespace

int runPlugins(App& app, const std::string& optionsOf) {
    std::vector<std::filesystem::path> configDirs;
    // A configuration is optional here; its plugin_dirs count when there is one.
    if (!app.options.configFile.empty()) configDirs = app.loadConfig().pluginDirs;
    if (optionsOf == "pixsync") {
        for (const auto& sections : {coreOptionDeclarations(), original::optionDeclarations()})
            for (const auto& section : sections) {
                std::printf("%s:\n", section.name);
                printDeclarations(section.options, std::string_view(section.name) == ".env");
            }
        return 0;
    }
    app.loadAllPlugins(configDirs);
    if (!optionsOf.empty()) {
        for (const auto& p : app.registry.plugins()) {
            if (p.name() != optionsOf) continue;
            const auto declared = declaredOptions(*p.descriptor);
            std::printf("%s %s %s: %s\n", p.name().c_str(), toString(p.kind()),
                        p.descriptor->version,
                        p.descriptor->description ? p.descriptor->description : "");
            if (declared.empty())
                std::printf(
                    "  declares no options (built before ABI %u.1, or declares none): "
                    "its options are passed to it unchecked\n",
                    kPluginAbiMajor);
            printDeclarations(declared, false);
            return 0;
        }
        std::vector<std::string> names{"pixsync"};
        for (const auto& p : app.registry.plugins()) names.push_back(p.name());
        const std::string best = closestName(optionsOf, names);
        throw usageError(cat("--options ", optionsOf, ": no plugin of that name",
                             best.empty() ? std::string() : cat("; did you mean ", best, "?"),
                             " (found: ", join(names, ", "), ")"));
    }
    for (const auto& p : app.registry.plugins())
        std::printf("%s %s %s %s\n", p.name().c_str(), toString(p.kind()), p.descriptor->version,
                    p.file.c_str());
    return 0;
}

}  // namespace pixsync::cli
