#include "runtime/server/client_input.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <string>

namespace gw::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

/// A connected loopback pair: `client` writes, `server` is what ClientInput reads.
struct Loopback {
  asio::io_context ioc;
  tcp::socket client{ioc};
  Transport server{ioc.get_executor()};

  Loopback() {
    tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server.socket());
  }
};

template <typename T>
T runAwaitable(asio::io_context& ioc, asio::awaitable<T> a) {
  auto fut = asio::co_spawn(ioc, std::move(a), asio::use_future);
  ioc.restart();
  ioc.run();
  return fut.get();
}

/// A head read as Session::run() makes it: into headRoom(), then addHead().
boost::system::error_code readHead(Loopback& lb, ClientInput& input) {
  asio::mutable_buffer room = input.headRoom();
  if (room.size() == 0) {
    return asio::error::message_size;
  }
  auto [ec, n] =
      runAwaitable(lb.ioc, lb.server.readSome(room, net::ShortRead::kDrainedWhenShort));
  input.addHead(n);
  return ec;
}

TEST(ClientInput, CarriesPipelinedBytesFromBodyBufferBackToHeadBuffer) {
  Loopback lb;
  ClientInput input(lb.server, 64, 32);
  asio::write(lb.client, asio::buffer(std::string("HEAD")));
  ASSERT_FALSE(readHead(lb, input));
  EXPECT_EQ(input.buffered(), "HEAD");
  input.consume(4);  // the head is parsed; the body comes next
  asio::write(lb.client, asio::buffer(std::string("bodyNEXT REQUEST")));
  ASSERT_FALSE(runAwaitable(lb.ioc, input.readBody(SIZE_MAX)));
  EXPECT_EQ(input.buffered(), "bodyNEXT REQUEST");
  input.consume(4);
  input.finishRequest();
  EXPECT_EQ(input.buffered(), "NEXT REQUEST");
}

TEST(ClientInput, ContentLengthReadsNeverOvershoot) {
  Loopback lb;
  ClientInput input(lb.server, 64, 32);
  asio::write(lb.client, asio::buffer(std::string("0123456789")));
  ASSERT_FALSE(runAwaitable(lb.ioc, input.readBody(3)));
  EXPECT_EQ(input.buffered(), "012");
}

TEST(ClientInput, HeadBufferFullIsAnError) {
  Loopback lb;
  ClientInput input(lb.server, 8, 8);
  asio::write(lb.client, asio::buffer(std::string("0123456789")));
  ASSERT_FALSE(readHead(lb, input));
  if (input.buffered().size() < 8) {
    ASSERT_FALSE(readHead(lb, input));
  }
  EXPECT_EQ(input.buffered(), "01234567");
  EXPECT_EQ(input.headRoom().size(), 0u);  // full of unconsumed bytes
  input.consume(5);
  ASSERT_FALSE(readHead(lb, input));  // compacts, then reads the rest
  EXPECT_EQ(input.buffered(), "56789");
}

}  // namespace
}  // namespace gw::server
