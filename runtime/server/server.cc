#include "runtime/server/server.h"

#include <boost/asio/ip/address.hpp>
#include <thread>

#include "runtime/server/worker.h"

namespace gw::server {

namespace asio = boost::asio;

Server::Server(ServerOptions options, HandlerFactory factory)
    : options_(std::move(options)), factory_(std::move(factory)) {
  if (options_.threads == 0) {
    options_.threads = std::max(1u, std::thread::hardware_concurrency());
  }
}

Server::~Server() {
  shutdown();
  wait();
}

boost::system::error_code Server::start() {
  boost::system::error_code ec;
  asio::ip::address addr = asio::ip::make_address(options_.address, ec);
  if (ec) {
    return ec;
  }
  port_ = options_.port;
  for (std::size_t i = 0; i < options_.threads; ++i) {
    auto worker = std::make_unique<Worker>(i, options_, factory_(i));
    ec = worker->listen(asio::ip::tcp::endpoint(addr, port_));
    if (ec) {
      workers_.clear();
      return ec;
    }
    port_ = worker->port();
    workers_.push_back(std::move(worker));
  }
  for (auto& w : workers_) {
    w->start();
  }
  return {};
}

void Server::shutdown() {
  for (auto& w : workers_) {
    w->shutdown();
  }
}

void Server::wait() {
  for (auto& w : workers_) {
    w->join();
  }
}

}  // namespace gw::server
