#pragma once
// The XOAUTH2 access token, fetched fresh for every connection (tokens expire hourly).

#include <string>

#include "settings.hpp"

namespace pixsync::pixstar {

/// True when XOAUTH2 is configured.
bool usesOAuth2(const SmtpSettings& settings);

/// Reads the token from smtp_oauth2_token_file or the output of smtp_oauth2_token_command
/// (run with /bin/sh). Throws Error(Unavailable) naming the file or command.
std::string readOAuth2Token(const SmtpSettings& settings);

}  // namespace pixsync::pixstar
