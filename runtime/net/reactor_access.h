#pragma once

// What runtime/net's own reactor operations (ready_io.h, peer_watch.h) need from Asio's epoll
// reactor beyond its public API: the socket's descriptor and reactor registration, and the
// reactor itself. Written against Boost 1.81's epoll_reactor, refused at compile time for others.
#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/query.hpp>

#if !defined(BOOST_ASIO_HAS_EPOLL) || defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT)
#error "runtime/net drives Asio's epoll reactor directly"
#endif

namespace gw::net {

namespace reactor_detail {

/// The socket's service implementation (descriptor and reactor state), which basic_socket keeps
/// protected. A pointer to member formed in a derived class may be applied to any socket.
struct SocketAccess : boost::asio::ip::tcp::socket {
  static auto& implementation(boost::asio::ip::tcp::socket& s) {
    return (s.*(&SocketAccess::impl_)).get_implementation();
  }
};

}  // namespace reactor_detail

/// The reactor serving `socket` (a service lookup under the registry's lock: look it up once per
/// connection and keep it, as Transport does).
inline boost::asio::detail::reactor& reactorOf(boost::asio::ip::tcp::socket& socket) {
  return boost::asio::use_service<boost::asio::detail::reactor>(
      boost::asio::query(socket.get_executor(), boost::asio::execution::context));
}

}  // namespace gw::net
