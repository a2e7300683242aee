#include "listen_access.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/String.h>

#include <algorithm>

namespace pixsync {

bool equalInConstantTime(std::string_view a, std::string_view b) noexcept {
    // Every byte of the longer string is looked at, whatever differs first.
    const std::size_t n = std::max(a.size(), b.size());
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
        const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
        diff = static_cast<unsigned char>(diff | (x ^ y));
    }
    return diff == 0;
}

bool carriesToken(const Poco::Net::HTTPServerRequest& request, const std::string& token) {
    if (token.empty()) return true;
    if (!request.hasCredentials()) return false;
    try {
        std::string scheme, info;
        request.getCredentials(scheme, info);
        if (Poco::icompare(scheme, "Bearer") == 0) return equalInConstantTime(info, token);
        if (Poco::icompare(scheme, "Basic") == 0) {
            Poco::Net::HTTPBasicCredentials basic(info);
            return equalInConstantTime(basic.getPassword(), token);
        }
    } catch (const Poco::Exception&) {
        // A malformed Authorization header carries no token.
    }
    return false;
}

}  // namespace pixsync
