// /healthz and /metrics over Poco's HTTP server connections, behind a request gate that
// bounds how long and how much a client may take to send its request (request_gate.hpp).
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

#include "pixsync/error.hpp"
#include "pixsync/health.hpp"
#include "pixsync/strings.hpp"
#include "request_gate.hpp"

namespace pixsync {

namespace {

class Handler final : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(const Metrics& m) : metrics_(m) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        using Poco::Net::HTTPResponse;
        std::string body;
        if (request.getMethod() != "GET") {
            response.setStatus(HTTPResponse::HTTP_METHOD_NOT_ALLOWED);
            body = "only GET\n";
        } else if (request.getURI() == "/healthz") {
            bool ok = metrics_.healthy();
            response.setStatus(ok ? HTTPResponse::HTTP_OK : HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
            body = metrics_.healthText() + "\n";
        } else if (request.getURI() == "/metrics") {
            response.setContentType("text/plain; version=0.0.4");
            body = metrics_.prometheus();
        } else {
            response.setStatus(HTTPResponse::HTTP_NOT_FOUND);
            body = "try /healthz or /metrics\n";
        }
        if (response.getContentType() == "text/html" || response.getContentType().empty())
            response.setContentType("text/plain");
        response.setContentLength(static_cast<std::streamsize>(body.size()));
        response.send() << body;
    }

private:
    const Metrics& metrics_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(const Metrics& m) : metrics_(m) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(metrics_);
    }

private:
    const Metrics& metrics_;
};

}  // namespace

struct HealthServer::Impl {
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

HealthServer::HealthServer(const std::string& listen, const Metrics& metrics)
    : impl_(std::make_unique<Impl>()) {
    try {
        impl_->socket.bind(Poco::Net::SocketAddress(listen), true);
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
        new Poco::Net::HTTPServerConnectionFactory(params, new Factory(metrics)), impl_->workers,
        params);
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
