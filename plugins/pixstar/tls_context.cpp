#include "tls_context.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SSLManager.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::pixstar {

namespace {

using Poco::Net::Context;

/// Where the TlsContext of an SSL_CTX is kept, for the verify callback.
int contextIndex() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

}  // namespace

TlsContext::TlsContext(const SmtpSettings& settings) {
    Poco::Net::initializeSSL();  // one reference per context, released in the destructor
    Context::Params params;
    params.verificationMode = settings.insecureTls ? Context::VERIFY_NONE : Context::VERIFY_RELAXED;
    params.loadDefaultCAs = true;
    if (!settings.caFile.empty()) params.caLocation = settings.caFile.string();
    try {
        context_ = new Context(Context::TLS_CLIENT_USE, params);
        context_->requireMinimumProtocol(Context::PROTO_TLSV1_2);
    } catch (const Poco::Exception& e) {
        context_ = nullptr;
        Poco::Net::uninitializeSSL();
        throw configError(cat("cannot set up TLS for ", settings.endpoint(), ": ",
                              trim(e.displayText()), " (check ", settings.key("smtp_ca_file"),
                              ")"));
    }
    if (settings.insecureTls) return;

    // OpenSSL checks the name during the handshake; Poco's own check after it would add
    // nothing but its loopback exception.
    context_->enableExtendedCertificateVerification(false);
    SSL_CTX* ctx = context_->sslContext();
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    Poco::Net::IPAddress address;
    if (Poco::Net::IPAddress::tryParse(settings.host, address))
        X509_VERIFY_PARAM_set1_ip_asc(param, settings.host.c_str());
    else
        X509_VERIFY_PARAM_set1_host(param, settings.host.c_str(), settings.host.size());
    SSL_CTX_set_ex_data(ctx, contextIndex(), this);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &TlsContext::onVerify);
}

TlsContext::~TlsContext() {
    context_ = nullptr;
    Poco::Net::uninitializeSSL();
}

int TlsContext::onVerify(int ok, X509_STORE_CTX* store) {
    if (ok) return ok;
    auto* ssl =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* self =
        ssl ? static_cast<TlsContext*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), contextIndex()))
            : nullptr;
    if (self && self->refusal_.empty())
        self->refusal_ = X509_verify_cert_error_string(X509_STORE_CTX_get_error(store));
    return ok;
}

}  // namespace pixsync::pixstar
