#pragma once
// What to tell a person when the SMTP server refuses the login.

#include <string>
#include <string_view>

#include "settings.hpp"

namespace pixsync::pixstar {

/// The reason and the fix for a refused AUTH, in words for `status` and the log: "the SMTP
/// server at smtp.gmail.com:587 refused the login of me@gmail.com (535): check SMTP_PASSWORD;
/// Gmail needs an app password". `code` is the reply code (535, 534, 530, ...), `serverText`
/// the server's words (only the enhanced status code is taken from them; the words go to
/// the debug log).
std::string describeLoginRefusal(const SmtpSettings& settings, int code,
                                 std::string_view serverText);

}  // namespace pixsync::pixstar
