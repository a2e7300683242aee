#include "oauth2_token.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <memory>
#include <system_error>

#include "pixsync/error.hpp"
#include "pixsync/util/small_file.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::pixstar {

bool usesOAuth2(const SmtpSettings& settings) {
    return !settings.oauth2TokenFile.empty() || !settings.oauth2TokenCommand.empty();
}

namespace {

// An access token is a few KiB at most; more means the wrong file or command.
constexpr std::size_t kMaxTokenBytes = 64 * 1024;

struct PipeCloser {
    void operator()(FILE* f) const noexcept { ::pclose(f); }
};

std::string runTokenCommand(const std::string& command) {
    FILE* raw = ::popen(command.c_str(), "r");
    if (!raw) throw unavailableError(cat("cannot run smtp_oauth2_token_command '", command, "'"));
    std::unique_ptr<FILE, PipeCloser> pipe(raw);
    std::string output;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0 &&
           output.size() < kMaxTokenBytes)
        output.append(buffer, n);
    const int status = ::pclose(pipe.release());
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw unavailableError(cat("smtp_oauth2_token_command '", command, "' failed (status ",
                                   status, "); run it by hand to see why"));
    return trim(output);
}

}  // namespace

std::string readOAuth2Token(const SmtpSettings& settings) {
    std::string token;
    if (!settings.oauth2TokenFile.empty()) {
        try {
            token = trim(readSmallFile(settings.oauth2TokenFile, kMaxTokenBytes));
        } catch (const std::system_error& e) {
            throw unavailableError(cat("cannot read smtp_oauth2_token_file ",
                                       settings.oauth2TokenFile.string(), ": ",
                                       e.code().message()));
        }
    } else {
        token = runTokenCommand(settings.oauth2TokenCommand);
    }
    if (token.empty())
        throw unavailableError(
            "the XOAUTH2 access token is empty; check the token file or command");
    return token;
}

}  // namespace pixsync::pixstar
