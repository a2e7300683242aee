// The README's option tables against what the plugins and the core declare: a key in one and
// not the other, or a default that differs, fails here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "original/original_config.hpp"
#include "pixsync/host/config.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "pixsync/util/strings.hpp"
#include "test_support.hpp"

using namespace pixsync;

namespace {

namespace fs = std::filesystem;

/// Key → default cell of the Markdown table that follows the line containing `heading`.
/// A row naming several keys (`A`, `B`) with as many comma-separated defaults maps them in
/// order; "required" stays as it is.
std::map<std::string, std::string> readTable(const fs::path& file, const std::string& heading) {
    const std::string text = test::readFile(file);
    std::size_t at = text.find(heading);
    EXPECT_NE(at, std::string::npos) << file << " has no " << heading;
    std::map<std::string, std::string> rows;
    if (at == std::string::npos) return rows;
    at = text.find("\n|", at);
    bool header = true;
    while (at != std::string::npos && at + 1 < text.size() && text[at + 1] == '|') {
        const std::size_t end = text.find('\n', at + 1);
        const std::string line = text.substr(at + 1, end - at - 1);
        at = end;
        if (header || line.starts_with("| ---") || line.starts_with("|---")) {
            header = line.starts_with("| ---") || line.starts_with("|---") ? false : header;
            continue;
        }
        const auto cells = split(line, '|');  // "", key, default, meaning, ""
        if (cells.size() < 3) continue;
        std::vector<std::string> keys;
        for (const auto& k : split(cells[1], ','))
            if (auto t = trim(k); t.size() > 2 && t.front() == '`')
                keys.push_back(t.substr(1, t.size() - 2));
        std::string cell = trim(cells[2]);
        std::vector<std::string> defaults;
        for (const auto& d : split(cell, ',')) defaults.push_back(trim(d));
        for (std::size_t i = 0; i < keys.size(); ++i)
            rows[keys[i]] = defaults.size() == keys.size() ? defaults[i] : cell;
    }
    return rows;
}

/// A README default as a declaration writes it: no backticks or parentheses, lower case.
std::string plain(std::string text) {
    std::string out;
    for (char c : text)
        if (c != '`' && c != '(' && c != ')') out += c;
    out = toLower(trim(out));
    return out == "none" ? std::string() : out;
}

std::string declaredDefault(const OptionDeclaration& d) {
    if (d.required) return "required";
    return d.defaultValue ? toLower(d.defaultValue) : std::string();
}

class ReadmeOptions : public ::testing::Test {
  protected:
    PluginRegistry registry;
    const fs::path readme = test::supportDir().parent_path().parent_path() / "README.md";

    std::map<std::string, std::span<const OptionDeclaration>> loaded;

    std::span<const OptionDeclaration> plugin(const std::string& name) {
        if (!loaded.contains(name))
            loaded[name] = declaredOptions(
                *registry.load(test::pluginDir() / ("pixsync-" + name + ".so")).descriptor);
        return loaded[name];
    }

    static void compare(const std::map<std::string, std::string>& documented,
                        const std::map<std::string, const OptionDeclaration*>& declared,
                        const std::string& table) {
        for (const auto& [key, d] : declared) {
            auto it = documented.find(key);
            if (it == documented.end()) {
                ADD_FAILURE() << key << " is declared but missing from " << table;
                continue;
            }
            // Templates are described in words ("like the original's").
            if (d->defaultValue && std::string(d->defaultValue).find('{') != std::string::npos)
                continue;
            EXPECT_EQ(plain(it->second), declaredDefault(*d)) << key << "'s default in " << table;
        }
        for (const auto& [key, value] : documented)
            EXPECT_TRUE(declared.contains(key))
                << table << " documents " << key << ", which nothing declares";
    }
};

TEST_F(ReadmeOptions, TheEnvTableMatchesTheDeclarations) {
    std::map<std::string, const OptionDeclaration*> declared;
    for (const auto& section : original::optionDeclarations())
        if (std::string_view(section.name) == ".env")
            for (const auto& d : section.options) declared[toUpper(d.name)] = &d;
    // The original's .env reaches the immich source's immich_* options and every option of
    // the pixstar sink that a variable can hold (not the nested "profiles").
    for (const auto& d : plugin("immich"))
        if (std::string_view(d.name).starts_with("immich_")) declared[toUpper(d.name)] = &d;
    for (const auto& d : plugin("pixstar"))
        if (d.type != OptionType::Object) declared[toUpper(d.name)] = &d;
    compare(readTable(readme, "`.env` keys"), declared, "the README's .env table");
}

TEST_F(ReadmeOptions, TheRouteTableMatchesTheImmichSelectionOptions) {
    std::map<std::string, const OptionDeclaration*> declared;
    for (const auto& d : plugin("immich")) {
        const std::string_view name = d.name;
        if (!name.starts_with("immich_") && name != "user" && name != "api_key")
            declared[d.name] = &d;
    }
    // The table's second column is the meaning, not a default: compare names only.
    auto documented = readTable(readme, "### What a route follows");
    for (auto& [key, value] : documented)
        if (auto it = declared.find(key); it != declared.end())
            value = declaredDefault(*it->second);
    compare(documented, declared, "the README's \"What a route follows\" table");
}

TEST_F(ReadmeOptions, TheFolderTableMatchesTheFolderSink) {
    std::map<std::string, const OptionDeclaration*> declared;
    for (const auto& d : plugin("folder")) declared[d.name] = &d;
    compare(readTable(readme.parent_path() / "plugins" / "folder" / "README.md", "| option |"),
            declared, "plugins/folder/README.md");
}

TEST_F(ReadmeOptions, TheStateStoreTableMatchesTheStatePlugins) {
    const std::string text = test::readFile(readme);
    for (const std::string name : {"sqlite", "json"}) {
        SCOPED_TRACE(name);
        const auto row = text.find("| `" + name + "`", text.find("### State stores"));
        ASSERT_NE(row, std::string::npos);
        const std::string line = text.substr(row, text.find('\n', row) - row);
        const std::string options = split(line, '|')[2];
        std::set<std::string> documented;
        for (const auto& part : split(options, ',')) {
            std::string t = trim(part);
            const auto close = t.find('`', 1);
            documented.insert(t.substr(1, close - 1));
            const auto open = t.find('(');
            if (open == std::string::npos) continue;
            const std::string value = t.substr(open + 1, t.find(')') - open - 1);
            const auto* d = findDeclaration(plugin(name), t.substr(1, close - 1));
            ASSERT_NE(d, nullptr) << t;
            EXPECT_EQ(value, d->defaultValue ? d->defaultValue : "") << t;
        }
        std::set<std::string> declared;
        for (const auto& d : plugin(name)) declared.insert(d.name);
        EXPECT_EQ(documented, declared);
    }
}

}  // namespace
