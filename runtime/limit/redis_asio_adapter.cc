#include "runtime/limit/redis_asio_adapter.h"

#include <hiredis/async.h>

namespace gw::limit {

void RedisAsioAdapter::attach(boost::asio::io_context& io, redisAsyncContext* ac,
                              std::atomic<std::uint64_t>* writes) {
  auto adapter = std::make_shared<RedisAsioAdapter>(io, ac, ac->c.fd, writes);
  adapter->self_ = adapter;
  ac->ev.data = adapter.get();
  ac->ev.addRead = &RedisAsioAdapter::addRead;
  ac->ev.delRead = &RedisAsioAdapter::delRead;
  ac->ev.addWrite = &RedisAsioAdapter::addWrite;
  ac->ev.delWrite = &RedisAsioAdapter::delWrite;
  ac->ev.cleanup = &RedisAsioAdapter::cleanup;
}

RedisAsioAdapter::RedisAsioAdapter(boost::asio::io_context& io, redisAsyncContext* ac, int fd,
                                   std::atomic<std::uint64_t>* writes)
    : ac_(ac), socket_(io, fd), writes_(writes) {}

void RedisAsioAdapter::addRead(void* self) {
  auto* a = static_cast<RedisAsioAdapter*>(self);
  a->wantRead_ = true;
  a->armRead();
}

void RedisAsioAdapter::delRead(void* self) { static_cast<RedisAsioAdapter*>(self)->wantRead_ = false; }

void RedisAsioAdapter::addWrite(void* self) {
  auto* a = static_cast<RedisAsioAdapter*>(self);
  a->wantWrite_ = true;
  a->armWrite();
}

void RedisAsioAdapter::delWrite(void* self) {
  static_cast<RedisAsioAdapter*>(self)->wantWrite_ = false;
}

void RedisAsioAdapter::cleanup(void* self) {
  auto* a = static_cast<RedisAsioAdapter*>(self);
  a->ac_ = nullptr;
  a->wantRead_ = false;
  a->wantWrite_ = false;
  if (a->socket_.is_open()) {
    (void)a->socket_.release();  // cancels the waits; hiredis closes the fd
  }
  a->self_.reset();  // pending waits still hold a reference until they complete
}

// A wait outstanding after delRead/delWrite is harmless: its completion sees want*_ false.
void RedisAsioAdapter::armRead() {
  if (readArmed_ || ac_ == nullptr) {
    return;
  }
  readArmed_ = true;
  socket_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       self->readArmed_ = false;
                       if (ec || self->ac_ == nullptr || !self->wantRead_) {
                         return;
                       }
                       redisAsyncHandleRead(self->ac_);  // may free the context (cleanup)
                       if (self->ac_ != nullptr && self->wantRead_) {
                         self->armRead();
                       }
                     });
}

void RedisAsioAdapter::armWrite() {
  if (writeArmed_ || ac_ == nullptr) {
    return;
  }
  writeArmed_ = true;
  socket_.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       self->writeArmed_ = false;
                       if (ec || self->ac_ == nullptr || !self->wantWrite_) {
                         return;
                       }
                       // One flush of everything queued since the last one (hiredis writes
                       // its whole output buffer; the first flush also completes the connect).
                       if (self->writes_ != nullptr) {
                         self->writes_->fetch_add(1, std::memory_order_relaxed);
                       }
                       redisAsyncHandleWrite(self->ac_);  // may free the context (cleanup)
                       if (self->ac_ != nullptr && self->wantWrite_) {
                         self->armWrite();
                       }
                     });
}

}  // namespace gw::limit
