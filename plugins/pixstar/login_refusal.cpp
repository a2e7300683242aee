#include "login_refusal.hpp"

#include <regex>

#include "oauth2_token.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::pixstar {

namespace {

/// The first enhanced status code ("5.7.8") in the text, or "".
std::string enhancedCode(std::string_view text) {
    static const std::regex pattern(R"(\b([245]\.\d{1,3}\.\d{1,3})\b)");
    std::match_results<std::string_view::const_iterator> match;
    if (std::regex_search(text.begin(), text.end(), match, pattern)) return match[1];
    return {};
}

}  // namespace

std::string describeLoginRefusal(const SmtpSettings& settings, int code,
                                 std::string_view serverText) {
    const std::string enhanced = enhancedCode(serverText);
    const std::string reply = code == 0          ? enhanced
                              : enhanced.empty() ? std::to_string(code)
                                                 : cat(code, " ", enhanced);
    const std::string who = cat("the SMTP server at ", settings.endpoint());
    const std::string codeText = reply.empty() ? "" : cat(" (", reply, ")");
    // Microsoft 365 and others answer this way once basic authentication is switched off.
    if (enhanced == "5.7.30" || enhanced == "5.7.139")
        return cat(who, " no longer accepts a password for ", settings.user, codeText, ": use ",
                   settings.key("smtp_oauth2_token_file"), " or ",
                   settings.key("smtp_oauth2_token_command"), " (XOAUTH2)");
    if (usesOAuth2(settings))
        return cat(who, " refused the OAuth2 token of ", settings.user, codeText,
                   ": check that the token is current and grants SMTP sending");
    if (code >= 400 && code < 500)
        return cat(who, " refused the login of ", settings.user, " for now", codeText,
                   ": it will be tried again; if it persists, check ",
                   settings.key("smtp_password"));
    return cat(who, " refused the login of ", settings.user, codeText, ": check ",
               settings.key("smtp_password"), "; Gmail needs an app password");
}

}  // namespace pixsync::pixstar
