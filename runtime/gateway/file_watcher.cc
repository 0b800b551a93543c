#include "runtime/gateway/file_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <boost/asio/post.hpp>

#include "runtime/gateway/dir_of.h"

namespace gw::gateway {

FileWatcher::FileWatcher(boost::asio::io_context& ioc,
                         std::function<void(const std::string&)> onChange)
    : ioc_(ioc), onChange_(std::move(onChange)), debounce_(ioc) {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ >= 0) {
    stream_ = std::make_unique<boost::asio::posix::stream_descriptor>(ioc_, fd_);
    readLoop();
  }
}

FileWatcher::~FileWatcher() { stop(); }

void FileWatcher::stop() {
  if (stream_) {
    boost::system::error_code ec;
    stream_->close(ec);  // closes fd_
    stream_.reset();
    fd_ = -1;
  }
  debounce_.cancel();
}

void FileWatcher::watch(const std::vector<std::string>& files) {
  boost::asio::post(ioc_, [this, files] { apply(files); });
}

void FileWatcher::apply(std::vector<std::string> files) {
  if (fd_ < 0) return;
  files_.clear();
  for (const std::string& f : files) {
    files_.insert(f);
    std::string dir = dirOf(f);
    bool known = false;
    for (const auto& [wd, d] : dirs_) known = known || d == dir;
    if (known) continue;
    int wd = inotify_add_watch(fd_, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE);
    if (wd >= 0) dirs_[wd] = dir;
  }
}

void FileWatcher::readLoop() {
  stream_->async_read_some(
      boost::asio::buffer(buf_), [this](const boost::system::error_code& ec, size_t n) {
        if (ec) return;  // closed
        size_t off = 0;
        bool hit = false;
        while (off + sizeof(inotify_event) <= n) {
          auto* ev = reinterpret_cast<const inotify_event*>(buf_ + off);
          auto it = dirs_.find(ev->wd);
          if (it != dirs_.end() && ev->len > 0) {
            std::string path = it->second == "." ? std::string(ev->name)
                                                 : it->second + "/" + ev->name;
            if (files_.count(path) != 0) {
              hit = true;
              changed_ = path;
            }
          }
          off += sizeof(inotify_event) + ev->len;
        }
        if (hit) {
          // Editors write in several steps: wait for the burst to end, then reload once.
          debounce_.expires_after(std::chrono::milliseconds(150));
          debounce_.async_wait([this](const boost::system::error_code& e) {
            if (!e) onChange_(changed_);
          });
        }
        readLoop();
      });
}

}  // namespace gw::gateway
