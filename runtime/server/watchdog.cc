#include "runtime/server/watchdog.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gw::server {

boost::asio::awaitable<void> Watchdog::run() {
  namespace asio = boost::asio;
  while (!stopped_) {
    timer_.expires_at(deadline_);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (stopped_) {
      break;
    }
    if (deadline_ <= Clock::now()) {
      fired_ = true;
      deadline_ = Clock::time_point::max();
      cancelWatched();
    }
  }
}

}  // namespace gw::server
