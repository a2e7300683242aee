// /healthz, /metrics, the status page and /api/status over Poco's HTTP server connections, behind a
// request gate that bounds how long and how much a client may take to send its request
// (request_gate.hpp).
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerConnectionFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/TCPServerDispatcher.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include "listen_access.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/health.hpp"
#include "pixsync/util/strings.hpp"
#include "request_gate.hpp"
#include "status_page.hpp"

namespace pixsync {

namespace {

using Poco::Net::HTTPResponse;

/// What every answer of the port may carry: the page shows e-mail addresses and family photos.
void secureHeaders(Poco::Net::HTTPServerResponse& response, bool page) {
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Referrer-Policy", "no-referrer");
    if (page) {
        response.set("Content-Security-Policy",
                     "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
        response.set("Cache-Control", "no-store");
    }
}

class Handler final : public Poco::Net::HTTPRequestHandler {
  public:
    Handler(const Metrics& m, const StatusPageSettings& page) : metrics_(m), page_(page) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        std::string body;
        std::string type = "text/plain; charset=utf-8";
        bool page = false;
        const std::string& uri = request.getURI();
        const bool allowed = carriesToken(request, page_.token);
        if (request.getMethod() != "GET" && request.getMethod() != "HEAD") {
            // Read-only: nothing on this port changes anything.
            response.setStatusAndReason(HTTPResponse::HTTP_METHOD_NOT_ALLOWED);
            response.set("Allow", "GET, HEAD");
            body = "only GET and HEAD\n";
        } else if (uri == "/healthz") {
            const bool ok = metrics_.healthy();
            response.setStatusAndReason(ok ? HTTPResponse::HTTP_OK
                                           : HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
            // Without the token, the state only: the reasons name addresses and servers.
            body = (allowed ? metrics_.healthText() : std::string(ok ? "ok" : "failing")) + "\n";
        } else if (!allowed) {
            response.setStatusAndReason(HTTPResponse::HTTP_UNAUTHORIZED);
            response.set("WWW-Authenticate", "Basic realm=\"pixsync\", charset=\"UTF-8\"");
            body =
                "this needs the listen token: Authorization: Bearer <token>, or HTTP Basic "
                "with the token as password\n";
        } else if (uri == "/metrics") {
            type = "text/plain; version=0.0.4";
            body = metrics_.prometheus();
        } else if (page_.board && (uri == "/" || uri == "/api/status")) {
            page = true;
            auto report = page_.board->latest();
            if (!report) {
                response.setStatusAndReason(HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
                response.set("Retry-After", "5");
                body = "starting: the first status is not ready yet\n";
            } else if (uri == "/") {
                type = "text/html; charset=utf-8";
                const Thumbnails* thumbnails = page_.thumbnails;
                body = renderStatusPage(
                    *report,
                    StatusPageInfo{page_.pollInterval, [thumbnails](const std::string& id) {
                                       return thumbnails && thumbnails->has(id);
                                   }});
            } else {
                type = "application/json";
                body = statusJson(*report) + "\n";
            }
        } else if (uri.starts_with("/thumb/")) {
            std::string id;
            std::optional<std::string> picture;
            try {
                Poco::URI::decode(uri.substr(7), id);
                if (page_.thumbnails) picture = page_.thumbnails->read(id);
            } catch (const Poco::Exception&) {
                // a malformed escape names no thumbnail
            }
            if (picture) {
                type = "image/jpeg";
                response.set("Cache-Control", "private, max-age=3600");
                body = std::move(*picture);
            } else {
                response.setStatusAndReason(HTTPResponse::HTTP_NOT_FOUND);
                body = "no such thumbnail\n";
            }
        } else {
            response.setStatusAndReason(HTTPResponse::HTTP_NOT_FOUND);
            body = page_.board ? "try /, /api/status, /healthz or /metrics\n"
                               : "try /healthz or /metrics\n";
        }
        secureHeaders(response, page);
        response.setContentType(type);
        response.setContentLength(static_cast<std::streamsize>(body.size()));
        response.send() << body;
    }

  private:
    const Metrics& metrics_;
    const StatusPageSettings& page_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    Factory(const Metrics& m, const StatusPageSettings& page) : metrics_(m), page_(page) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new Handler(metrics_, page_);
    }

  private:
    const Metrics& metrics_;
    const StatusPageSettings& page_;
};

}  // namespace

struct HealthServer::Impl {
    StatusPageSettings page;  // before the workers that read it, so it outlives them
    Poco::Net::ServerSocket socket;
    // Workers answer requests whose head is complete, so each needs a few milliseconds; the
    // pool and its queue are small and bounded. The per-read/write timeout only covers a
    // client that stops reading its answer.
    Poco::ThreadPool workers{1, 2, 60};
    Poco::Net::TCPServerDispatcher* dispatcher = nullptr;  // reference-counted by Poco
    std::unique_ptr<RequestGate> gate;

    ~Impl() {
        gate.reset();  // no new connections for the workers
        if (dispatcher) {
            dispatcher->stop();
            dispatcher->release();
        }
        workers.joinAll();
    }
};

HealthServer::HealthServer(const std::string& listen, const Metrics& metrics,
                           StatusPageSettings page)
    : impl_(std::make_unique<Impl>()) {
    impl_->page = std::move(page);
    Poco::Net::SocketAddress address;
    try {
        address = Poco::Net::SocketAddress(listen);
    } catch (const Poco::Exception& e) {
        throw configError(cat("--listen ", listen, ": ", e.displayText(),
                              " (use HOST:PORT, e.g. 127.0.0.1:9464, with a free port)"));
    }
    if (!address.host().isLoopback() && impl_->page.token.empty())
        throw configError(cat("--listen ", listen,
                              " is reachable from other machines, and the status page shows "
                              "e-mail addresses and family photos: set ",
                              impl_->page.tokenSetting, ", or listen on 127.0.0.1"));
    try {
        impl_->socket.bind(address, true);
        impl_->socket.listen(128);
    } catch (const Poco::Exception& e) {
        throw configError(cat("--listen ", listen, ": ", e.displayText(),
                              " (use HOST:PORT, e.g. 127.0.0.1:9464, with a free port)"));
    }
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(2);
    params->setMaxQueued(32);
    params->setKeepAlive(false);
    params->setTimeout(Poco::Timespan(5, 0));
    impl_->dispatcher = new Poco::Net::TCPServerDispatcher(
        new Poco::Net::HTTPServerConnectionFactory(params, new Factory(metrics, impl_->page)),
        impl_->workers, params);
    Poco::Net::TCPServerDispatcher* dispatcher = impl_->dispatcher;
    impl_->gate = std::make_unique<RequestGate>(
        impl_->socket, RequestGateLimits{},
        [dispatcher, params](const Poco::Net::StreamSocket& ready) {
            // A full queue would drop the connection: let it wait at the gate instead.
            if (dispatcher->queuedConnections() >= params->getMaxQueued()) return false;
            dispatcher->enqueue(ready);
            return true;
        });
}

HealthServer::~HealthServer() = default;

int HealthServer::port() const { return impl_->socket.address().port(); }

}  // namespace pixsync
