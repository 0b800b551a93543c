#pragma once
// A single-producer single-consumer byte ring: the worker appends whole lines, the writer
// thread drains them. Wait-free on both sides; no allocation after construction.
#include <algorithm>
#include <bit>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace gw::accesslog {

/// Capacity is a power of two. push() only from the producer thread; readable()/consume() only
/// from the consumer thread.
class ByteRing {
 public:
  explicit ByteRing(std::size_t capacity) : cap_(std::bit_ceil(capacity)), data_(new char[cap_]) {}

  std::size_t capacity() const { return cap_; }

  /// Appends all of `bytes`, or nothing when they do not fit (returns false). Producer only.
  bool push(std::string_view bytes) noexcept {
    std::uint64_t head = head_.load(std::memory_order_relaxed);
    std::uint64_t tail = tail_.load(std::memory_order_acquire);
    if (bytes.size() > cap_ - (head - tail)) {
      return false;
    }
    std::size_t at = static_cast<std::size_t>(head & (cap_ - 1));
    std::size_t first = std::min(bytes.size(), cap_ - at);
    std::memcpy(data_.get() + at, bytes.data(), first);
    std::memcpy(data_.get(), bytes.data() + first, bytes.size() - first);
    head_.store(head + bytes.size(), std::memory_order_release);
    return true;
  }

  /// Bytes in use as seen by the producer (for the early-wake threshold).
  std::size_t used() const noexcept {
    return static_cast<std::size_t>(head_.load(std::memory_order_relaxed) -
                                    tail_.load(std::memory_order_relaxed));
  }

  /// Up to two contiguous spans holding every complete byte published so far. Consumer only.
  struct Spans {
    std::string_view a, b;
    std::size_t size() const { return a.size() + b.size(); }
  };
  Spans readable() const noexcept {
    std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    std::uint64_t head = head_.load(std::memory_order_acquire);
    std::size_t n = static_cast<std::size_t>(head - tail);
    std::size_t at = static_cast<std::size_t>(tail & (cap_ - 1));
    std::size_t first = std::min(n, cap_ - at);
    return {{data_.get() + at, first}, {data_.get(), n - first}};
  }

  /// Releases `n` bytes returned by readable(). Consumer only.
  void consume(std::size_t n) noexcept {
    tail_.store(tail_.load(std::memory_order_relaxed) + n, std::memory_order_release);
  }

 private:
  const std::size_t cap_;
  std::unique_ptr<char[]> data_;
  alignas(64) std::atomic<std::uint64_t> head_{0};  // producer-owned
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // consumer-owned
};

}  // namespace gw::accesslog
