#include "runtime/server/worker.h"

#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "runtime/base/thread_role.h"
#include "runtime/net/inq_recv.h"
#include "runtime/server/session.h"

namespace gw::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

Worker::Worker(std::size_t index, const ServerOptions& options, std::unique_ptr<Handler> handler)
    : index_(index),
      options_(options),
      acceptor_(ioc_),
      handler_(std::move(handler)),
      pool_(ioc_.get_executor(), options.pool),
      drainTimer_(ioc_) {}

Worker::~Worker() { join(); }

boost::system::error_code Worker::listen(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  if (acceptor_.open(endpoint.protocol(), ec); ec) {
    return ec;
  }
  if (acceptor_.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return ec;
  }
  if (acceptor_.set_option(ReusePort(true), ec); ec) {
    return ec;
  }
  // Accepted connections inherit TCP_INQ (no system call per connection): ClientInput's body
  // reads then know exactly when a client connection is drained (runtime/net/inq_recv.h).
  net::enableInq(acceptor_.native_handle());
  if (acceptor_.bind(endpoint, ec); ec) {
    return ec;
  }
  acceptor_.listen(options_.backlog, ec);
  return ec;
}

std::uint16_t Worker::port() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void Worker::start() {
  asio::co_spawn(ioc_, acceptLoop(), asio::detached);
  thread_ = std::thread([this] {
    std::string name = options_.threadName + "-" + std::to_string(index_);
    if (options_.background) {
      enterBackground(name.c_str());
    } else {
      nameThisThread(name.c_str());
    }
    ioc_.run();
  });
}

void Worker::join() {
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Worker::shutdown() {
  asio::post(ioc_, [this] { beginDrain(); });
}

asio::awaitable<void> Worker::acceptLoop() {
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
        break;
      }
      continue;  // EMFILE, ECONNABORTED...: keep serving the others
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::shared_ptr<const tls::ServerTlsContext> tls;
    if (options_.tlsContext) {
      tls = options_.tlsContext();
      if (!tls) {
        if (options_.onTlsFailure) {
          options_.onTlsFailure("", "the listener has no TLS context (not accepting)");
        }
        continue;  // the socket closes here: never serve plaintext on a TLS listener
      }
    }
    auto session = std::make_shared<Session>(*this, std::move(socket), std::move(tls));
    asio::co_spawn(ioc_, Session::run(std::move(session)), asio::detached);
  }
}

void Worker::add(Session* s) {
  s->next = sessions_;
  s->prev = nullptr;
  if (sessions_ != nullptr) {
    sessions_->prev = s;
  }
  sessions_ = s;
  ++sessionCount_;
}

void Worker::remove(Session* s) {
  if (s->prev != nullptr) {
    s->prev->next = s->next;
  } else {
    sessions_ = s->next;
  }
  if (s->next != nullptr) {
    s->next->prev = s->prev;
  }
  --sessionCount_;
  if (draining_ && sessionCount_ == 0) {
    drainTimer_.cancel();
    pool_.closeAll();
  }
}

void Worker::beginDrain() {
  if (draining_) {
    return;
  }
  draining_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  handler_->drain();
  // Idle sessions close now; onDrain never destroys a session synchronously.
  for (Session* s = sessions_; s != nullptr; s = s->next) {
    s->onDrain();
  }
  if (sessionCount_ == 0) {
    pool_.closeAll();
    return;
  }
  drainTimer_.expires_after(options_.drainTimeout);
  drainTimer_.async_wait([this](boost::system::error_code wec) {
    if (wec) {
      return;  // every session finished in time
    }
    for (Session* s = sessions_; s != nullptr; s = s->next) {
      s->abort();
    }
    pool_.closeAll();
  });
}

}  // namespace gw::server
