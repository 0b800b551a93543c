#include "runtime/server/send_batch.h"

#include <algorithm>
#include <boost/asio/post.hpp>

namespace gw::server {

void SendBatch::add(Sender* sender) {
  pending_.push_back(sender);
  if (!posted_) {
    posted_ = true;
    // Behind the handlers the last epoll_wait made ready: the rest of this batch's client
    // reads run first and add their sends here.
    boost::asio::post(ex_, [this] { flush(); });
  }
}

void SendBatch::withdraw(Sender* sender) {
  auto it = std::find(pending_.begin(), pending_.end(), sender);
  if (it != pending_.end()) {
    pending_.erase(it);
  }
}

void SendBatch::flush() {
  posted_ = false;
  flushing_.swap(pending_);  // a send that adds or withdraws (none does) touches pending_ only
  for (Sender* s : flushing_) {
    s->sendDeferred();
  }
  flushing_.clear();
}

}  // namespace gw::server
