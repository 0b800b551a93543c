// SendBatch: the deferred upstream sends of one batch of ready handlers go out together, after
// every handler that was ready when the first one was deferred, in the order they were added,
// for the price of one posted flush per batch.
#include "runtime/server/send_batch.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <string>
#include <vector>

namespace gw::server {
namespace {

namespace asio = boost::asio;

/// Records its send in the shared log.
class Recorder final : public SendBatch::Sender {
 public:
  Recorder(std::string name, std::vector<std::string>& log) : name_(std::move(name)), log_(log) {}
  void sendDeferred() override { log_.push_back("send " + name_); }

 private:
  std::string name_;
  std::vector<std::string>& log_;
};

TEST(SendBatch, SendsAfterTheHandlersReadyBeforeInOrder) {
  asio::io_context ioc;
  SendBatch batch(ioc.get_executor());
  std::vector<std::string> log;
  Recorder a("a", log), b("b", log), c("c", log);
  // Three "client reads" ready at once: each defers its send; the sends come after all three.
  asio::post(ioc, [&] { log.push_back("read a"); batch.add(&a); });
  asio::post(ioc, [&] { log.push_back("read b"); batch.add(&b); });
  asio::post(ioc, [&] { log.push_back("read c"); batch.add(&c); });
  std::size_t handlers = ioc.run();
  EXPECT_EQ(log, (std::vector<std::string>{"read a", "read b", "read c", "send a", "send b",
                                           "send c"}));
  EXPECT_EQ(handlers, 4u);  // the three reads and one flush
  EXPECT_EQ(batch.pending(), 0u);
}

TEST(SendBatch, ANewBatchAfterTheFlushPostsAgain) {
  asio::io_context ioc;
  SendBatch batch(ioc.get_executor());
  std::vector<std::string> log;
  Recorder a("a", log), b("b", log);
  batch.add(&a);
  EXPECT_EQ(ioc.run(), 1u);
  batch.add(&b);
  ioc.restart();
  EXPECT_EQ(ioc.run(), 1u);
  EXPECT_EQ(log, (std::vector<std::string>{"send a", "send b"}));
}

TEST(SendBatch, AWithdrawnSendIsNotMade) {
  asio::io_context ioc;
  SendBatch batch(ioc.get_executor());
  std::vector<std::string> log;
  Recorder a("a", log), b("b", log), c("c", log);
  batch.add(&a);
  batch.add(&b);
  batch.add(&c);
  batch.withdraw(&b);  // its exchange ended first (the connection failed)
  batch.withdraw(&b);  // a second withdraw, or one after the send, changes nothing
  EXPECT_EQ(batch.pending(), 2u);
  ioc.run();
  EXPECT_EQ(log, (std::vector<std::string>{"send a", "send c"}));
  batch.withdraw(&a);
  EXPECT_EQ(batch.pending(), 0u);
}

}  // namespace
}  // namespace gw::server
