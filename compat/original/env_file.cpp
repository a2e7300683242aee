// `.env` files, the original service's configuration format.
#include <cctype>
#include <sstream>

#include "original_config.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::original {

Environment parseEnvFile(const std::filesystem::path& file) {
    std::istringstream in(readConfigFile(file));
    Environment env;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        if (t.rfind("export ", 0) == 0) t = trim(t.substr(7));
        auto eq = t.find('=');
        std::string key = eq == t.npos ? t : trim(t.substr(0, eq));
        bool validKey = !key.empty() && !std::isdigit(static_cast<unsigned char>(key[0]));
        for (char c : key)
            validKey = validKey && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
        if (eq == t.npos || !validKey)
            throw configError(
                cat(file.string(), ": line ", number,
                    ": expected KEY=VALUE (letters, digits and _ in the key), found '",
                    t.substr(0, 40), "'"));
        std::string value = trim(t.substr(eq + 1));
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front()) {
            value = value.substr(1, value.size() - 2);
        } else if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
            throw configError(cat(file.string(), ": line ", number, ": ", key,
                                  " has an opening quote without a closing one"));
        } else if (auto hash = value.find(" #"); hash != value.npos) {
            value = trim(value.substr(0, hash));  // an unquoted value may carry a trailing comment
        }
        env[key] = value;
    }
    return env;
}

}  // namespace pixsync::original
