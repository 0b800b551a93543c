#include "runtime/server/watchdog.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>

namespace gw::server {

boost::asio::awaitable<void> Watchdog::run() {
  namespace asio = boost::asio;
  while (!stopped_) {
    Clock::time_point wake = deadline_;
    if (cadence_ != Millis::max()) {
      wake = std::min(wake, Clock::now() + cadence_);  // see the class comment
    }
    timer_.expires_at(wake);
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
