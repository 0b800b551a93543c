#pragma once
// Writes a message head into a caller's std::string through a raw pointer.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "runtime/server/copy_bytes.h"

namespace gw::server {

/// Appends to `out` without std::string's per-append bookkeeping: the room for the whole head
/// is made once (`expected`, the caller's estimate), every piece is a bounds check and a copy
/// through a pointer, and finish() sets the final length. A head built with ~40 appends paid
/// a capacity check, a length update and a memcpy (or strlen) call for each; with a resize per
/// field, a memset call as well (session 10's profile: ~2 k instructions per proxied request
/// for both heads). The estimate only sizes the room: a piece that does not fit grows it, so
/// a wrong estimate costs time, never memory safety. Single use; not thread-safe.
class HeadBuffer {
 public:
  HeadBuffer(std::string& out, std::size_t expected) : out_(out), start_(out.size()) {
    out_.resize(start_ + expected);
    p_ = out_.data() + start_;
    end_ = out_.data() + out_.size();
  }
  HeadBuffer(const HeadBuffer&) = delete;
  HeadBuffer& operator=(const HeadBuffer&) = delete;

  /// Ends the head: `out` holds what was put, nothing more. Call once, last.
  void finish() { out_.resize(static_cast<std::size_t>(p_ - out_.data())); }

  void put(std::string_view s) {
    room(s.size());
    copyBytes(p_, s.data(), s.size());
    p_ += s.size();
  }
  /// A string literal: a fixed-size copy.
  template <std::size_t N>
  void put(const char (&literal)[N]) {
    room(N - 1);
    std::memcpy(p_, literal, N - 1);
    p_ += N - 1;
  }
  void put(char c) {
    room(1);
    *p_++ = c;
  }
  void number(std::uint64_t v) {
    room(20);
    p_ = std::to_chars(p_, p_ + 20, v).ptr;
  }
  /// "name: value\r\n".
  void field(std::string_view name, std::string_view value) {
    room(name.size() + value.size() + 4);
    copyBytes(p_, name.data(), name.size());
    p_ += name.size();
    std::memcpy(p_, ": ", 2);
    p_ += 2;
    copyBytes(p_, value.data(), value.size());
    p_ += value.size();
    std::memcpy(p_, "\r\n", 2);
    p_ += 2;
  }

 private:
  void room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) {
      grow(n);
    }
  }
  void grow(std::size_t n) {
    const std::size_t used = static_cast<std::size_t>(p_ - out_.data());
    out_.resize(used + n + out_.size());  // at least doubles what the head has
    p_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }

  std::string& out_;
  std::size_t start_;
  char* p_ = nullptr;
  char* end_ = nullptr;
};

}  // namespace gw::server
