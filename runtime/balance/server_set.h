#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace gw::balance {

/// One server of an upstream as the balancers see it. The caller (the proxy) fills these from
/// its configuration (weight), the health tracker and breakers (available) and its own
/// connection accounting (active_requests). Plain data; no ownership.
struct ServerSlot {
  std::uint32_t weight = 1;           ///< relative share; 0 means "never pick"
  bool available = true;              ///< healthy, not ejected, breaker not open
  std::uint32_t active_requests = 0;  ///< in-flight requests (used by least_request only)
};

/// A non-owning view over an upstream's servers; the position in the span is the server index
/// every balancer returns. Cheap to copy; the caller keeps the slots alive during a pick.
class ServerSet {
 public:
  ServerSet() = default;
  explicit ServerSet(std::span<const ServerSlot> slots) : slots_(slots) {}

  std::size_t size() const { return slots_.size(); }
  const ServerSlot& operator[](std::size_t i) const { return slots_[i]; }
  /// True when server i may receive traffic: available and with a positive weight.
  bool eligible(std::size_t i) const { return slots_[i].available && slots_[i].weight > 0; }
  std::span<const ServerSlot> slots() const { return slots_; }

 private:
  std::span<const ServerSlot> slots_;
};

/// Outcome of a pick. kNoneAvailable is distinct so the route can answer 503 with a reason.
enum class PickStatus : std::uint8_t {
  kOk,             ///< a server that was not tried yet (or any server, for a first pick)
  kOnlyTried,      ///< every eligible server was already tried; index is one of them
  kNoneAvailable,  ///< no eligible server at all; index is meaningless
};

/// Result of a balancer pick: status plus the chosen server's index into the ServerSet.
struct Pick {
  PickStatus status = PickStatus::kNoneAvailable;
  std::uint32_t index = 0;

  bool found() const { return status != PickStatus::kNoneAvailable; }
  static Pick none() { return {}; }
};

/// Servers already tried by one request (for retries "on another server"). Fixed inline
/// capacity so it never allocates; retries are bounded far below kCapacity. Not thread-safe:
/// it belongs to one request.
class TriedSet {
 public:
  static constexpr std::size_t kCapacity = 16;

  /// Records a server; returns false (and records nothing) when the set is full.
  bool insert(std::uint32_t index) {
    if (contains(index)) {
      return true;
    }
    if (size_ == kCapacity) {
      return false;
    }
    items_[size_++] = index;
    return true;
  }
  bool contains(std::uint32_t index) const {
    for (std::size_t i = 0; i < size_; ++i) {
      if (items_[i] == index) {
        return true;
      }
    }
    return false;
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }

 private:
  std::array<std::uint32_t, kCapacity> items_{};
  std::size_t size_ = 0;
};

/// The retry rule every balancer shares: pick among the servers not tried yet; when every
/// eligible server was tried, pick among all of them and say so (kOnlyTried). `pickFrom(exclude)`
/// is the balancer's own choice over the eligible servers not in `exclude` (nullptr: none
/// excluded).
template <typename PickFrom>
Pick pickUntriedFirst(const TriedSet& tried, PickFrom&& pickFrom) {
  Pick p = pickFrom(tried.empty() ? nullptr : &tried);
  if (p.found() || tried.empty()) {
    return p;
  }
  p = pickFrom(nullptr);
  if (p.found()) {
    p.status = PickStatus::kOnlyTried;
  }
  return p;
}

}  // namespace gw::balance
