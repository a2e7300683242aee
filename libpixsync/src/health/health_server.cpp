// /healthz and /metrics over Poco's HTTP server.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "pixsync/error.hpp"
#include "pixsync/health.hpp"
#include "pixsync/strings.hpp"

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
    std::unique_ptr<Poco::Net::HTTPServer> server;
};

HealthServer::HealthServer(const std::string& listen, const Metrics& metrics) : impl_(std::make_unique<Impl>()) {
    try {
        impl_->socket.bind(Poco::Net::SocketAddress(listen), true);
        impl_->socket.listen();
    } catch (const Poco::Exception& e) {
        throw configError(cat("--listen ", listen, ": ", e.displayText(),
                              " (use HOST:PORT, e.g. 127.0.0.1:9464, with a free port)"));
    }
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(2);
    params->setKeepAlive(false);
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(new Factory(metrics), impl_->socket, params);
    impl_->server->start();
}

HealthServer::~HealthServer() {
    if (impl_ && impl_->server) impl_->server->stopAll(true);
}

int HealthServer::port() const { return impl_->socket.address().port(); }

}  // namespace pixsync
