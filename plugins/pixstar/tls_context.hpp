#pragma once
// The TLS client context for one SMTP server.

#include <Poco/Net/Context.h>

#include <string>

#include "settings.hpp"

namespace pixsync::pixstar {

/// TLS 1.2 or newer; trusts the system's CAs plus smtp_ca_file. Unless smtp_insecure_tls is
/// on, OpenSSL checks the chain and that the certificate is for smtp_host (a name, or an IP
/// address), for every host: Poco's relaxed mode skips the name for loopback addresses.
class TlsContext {
  public:
    /// Throws Error(Config) naming smtp_ca_file when the context cannot be made.
    explicit TlsContext(const SmtpSettings& settings);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    /// The context for SecureStreamSocket.
    Poco::Net::Context::Ptr context() const { return context_; }

    /// Why the certificate was refused in the last handshake ("certificate has expired",
    /// "hostname mismatch", ...), or empty.
    const std::string& refusal() const noexcept { return refusal_; }
    /// Forgets the last refusal (before a handshake).
    void clearRefusal() noexcept { refusal_.clear(); }

  private:
    static int onVerify(int ok, struct x509_store_ctx_st* store);

    Poco::Net::Context::Ptr context_;
    std::string refusal_;
};

}  // namespace pixsync::pixstar
