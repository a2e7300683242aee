#include "http/curl_failure.hpp"

#include "pixsync/util/strings.hpp"

namespace pixsync::http {

namespace {
std::string withDetail(const std::string& text, const std::string& detail) {
    return detail.empty() ? text : cat(text, " (", detail, ")");
}
// A reply that is not HTTP. On a kept-alive connection that is nearly always the rest of the
// previous answer: the server sent more than its Content-Length announced.
HttpError malformedReply(const FailureContext& c) {
    if (c.reused)
        return HttpError(
            HttpFailure::Malformed,
            withDetail(cat(c.server,
                           " sent a malformed reply: on the kept-alive connection, bytes that do "
                           "not start an HTTP answer arrived, left over from the previous answer, "
                           "which was longer than its Content-Length announced"),
                       c.detail));
    return HttpError(HttpFailure::Malformed,
                     withDetail(cat(c.server,
                                    " sent a malformed reply that is not HTTP; check that the "
                                    "URL's host and port lead to the right server"),
                                c.detail));
}

}  // namespace

HttpError failureFor(CURLcode code, const FailureContext& c) {
    switch (code) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
            return HttpError(
                HttpFailure::HostNotFound,
                withDetail(cat("cannot find the host of ", c.server,
                               ": the DNS lookup failed; check the host name in the URL"),
                           c.detail));
        case CURLE_COULDNT_CONNECT:
            return HttpError(HttpFailure::ConnectionRefused,
                             withDetail(cat("cannot connect to ", c.server,
                                            ": the connection was refused; is the server running "
                                            "and is the port in the URL right?"),
                                        c.detail));
        case CURLE_OPERATION_TIMEDOUT:
            if (!c.connected)
                return HttpError(HttpFailure::Timeout,
                                 cat("cannot connect to ", c.server, ": no answer within ",
                                     c.timeoutSeconds, " s; is the host reachable from here?"));
            return HttpError(HttpFailure::Timeout,
                             cat(c.server, " did not answer within ", c.timeoutSeconds, " s"));
        case CURLE_PEER_FAILED_VERIFICATION:
            return HttpError(
                HttpFailure::Tls,
                withDetail(cat("the TLS certificate of ", c.server,
                               " could not be verified; if the server uses a private or "
                               "self-signed certificate, set a CA file that trusts it"),
                           c.detail));
        case CURLE_SSL_CACERT_BADFILE:
            return HttpError(HttpFailure::Tls,
                             withDetail(cat("the CA file ", c.caFile.empty() ? "(none)" : c.caFile,
                                            " could not be used for ", c.server),
                                        c.detail));
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_ENGINE_NOTFOUND:
            return HttpError(HttpFailure::Tls,
                             withDetail(cat("the TLS handshake with ", c.server,
                                            " failed; check that the URL's scheme (http or https) "
                                            "and port match the server"),
                                        c.detail));
        case CURLE_GOT_NOTHING:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
            return HttpError(HttpFailure::ConnectionLost,
                             withDetail(cat("the connection to ", c.server,
                                            " was closed before a complete answer arrived"),
                                        c.detail));
        case CURLE_PARTIAL_FILE:
        case CURLE_BAD_CONTENT_ENCODING:
            return HttpError(
                HttpFailure::ConnectionLost,
                withDetail(cat("the answer from ", c.server, " was cut short"), c.detail));
        case CURLE_WEIRD_SERVER_REPLY:
            return malformedReply(c);
        case CURLE_UNSUPPORTED_PROTOCOL:
            // After the request went out this is about the reply ("Received HTTP/0.9"), not
            // the URL's scheme.
            if (c.requestSent) return malformedReply(c);
            [[fallthrough]];
        case CURLE_URL_MALFORMAT:
            return HttpError(
                HttpFailure::Other,
                withDetail(cat("the URL of ", c.server,
                               " is not valid; it must start with http:// or https://"),
                           c.detail));
        default:
            return HttpError(
                HttpFailure::Other,
                withDetail(cat("the request to ", c.server, " failed: ", curl_easy_strerror(code)),
                           c.detail));
    }
}

bool looksLikeStaleConnection(CURLcode code) noexcept {
    return code == CURLE_GOT_NOTHING || code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR;
}

}  // namespace pixsync::http
