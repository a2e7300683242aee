#pragma once
// Who may read the --listen port: anyone on loopback, or whoever shows the token.

#include <string>
#include <string_view>

namespace Poco::Net {
class HTTPServerRequest;
}

namespace pixsync {

/// True when `token` is empty, or the request carries it: `Authorization: Bearer <token>`,
/// or HTTP Basic with any user name and the token as password. Compared in constant time.
bool carriesToken(const Poco::Net::HTTPServerRequest& request, const std::string& token);

/// Equal strings, in a time that depends only on their lengths.
bool equalInConstantTime(std::string_view a, std::string_view b) noexcept;

}  // namespace pixsync
