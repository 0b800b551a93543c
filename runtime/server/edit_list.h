#pragma once
// The lists of header names and fields a Decision carries (edits of the forwarded request and
// of the response, a local response's extra fields). A Decision lives as long as its session
// and is cleared before each request; with std::vector<std::string> that clear() destroyed
// every string, so each request paid a malloc and a free per edited field (peers.gw: the
// X-Service set, the rate-limit fields, the stripped names: ~8 % of gw's user-space samples
// in session 7's profile). EditList keeps its elements, and their strings' capacity, across
// clear(): a new element is assigned into the storage a previous request left behind.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "runtime/server/copy_bytes.h"

namespace gw::server {

/// A sequence of `std::string` (a name) or `std::pair<std::string, std::string>` (a field)
/// whose clear() and erase keep the element storage for reuse. The subset of std::vector's
/// interface the edit lists need; iterators are invalidated by any insertion. Not thread-safe
/// (one session's Decision, used on its worker thread).
template <class T>
class EditList {
 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  EditList() = default;
  EditList(const EditList& other) { *this = other; }
  EditList& operator=(const EditList& other) {
    if (this == &other) return *this;
    clear();
    for (const T& e : other) pushCopy(e);
    return *this;
  }
  /// Takes the elements; `other` is left empty (and usable).
  EditList(EditList&& other) noexcept
      : slots_(std::move(other.slots_)), size_(std::exchange(other.size_, 0)) {
    other.slots_.clear();
  }
  EditList& operator=(EditList&& other) noexcept {
    slots_ = std::move(other.slots_);
    size_ = std::exchange(other.size_, 0);
    other.slots_.clear();
    return *this;
  }

  /// Appends an element made from `args` (a name; or a field's name and value), reusing a
  /// cleared element's strings when one is left.
  template <class... Args>
  T& emplace_back(Args&&... args) {
    if (size_ < slots_.size()) {
      assign(slots_[size_], std::forward<Args>(args)...);
    } else {
      slots_.emplace_back(std::forward<Args>(args)...);
    }
    return slots_[size_++];
  }
  template <class A>
  T& push_back(A&& a) {
    return emplace_back(std::forward<A>(a));
  }

  /// Removes every element for which `pred` is true, keeping the others' order (their storage
  /// moves behind the live elements for reuse). Returns how many were removed.
  template <class Pred>
  std::size_t eraseIf(Pred pred) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < size_; ++i) {
      if (pred(std::as_const(slots_[i]))) continue;
      if (kept != i) std::swap(slots_[kept], slots_[i]);
      ++kept;
    }
    std::size_t removed = size_ - kept;
    size_ = kept;
    return removed;
  }

  void clear() noexcept { size_ = 0; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  T& operator[](std::size_t i) noexcept { return slots_[i]; }
  const T& operator[](std::size_t i) const noexcept { return slots_[i]; }
  T& back() noexcept { return slots_[size_ - 1]; }
  iterator begin() noexcept { return slots_.data(); }
  iterator end() noexcept { return slots_.data() + size_; }
  const_iterator begin() const noexcept { return slots_.data(); }
  const_iterator end() const noexcept { return slots_.data() + size_; }

 private:
  /// s = v. Into a kept string whose capacity suffices (the steady state) this is a length
  /// update and a copy: std::string::assign goes through _M_replace, whose overlap handling
  /// cost ~40 instructions more per string, ~0.5 k per proxied request with rate-limit fields.
  ///
  /// Of the same length as the kept string, v is copied over it in place: a field name lands in
  /// the slot that held the same name for the last request, a counter mostly keeps its width
  /// (the five rate-limit fields of every limited request: clear() + append cost a memcpy call
  /// and a length update per string, ~0.3 k instructions per request).
  static void assign(std::string& s, std::string_view v) {
    const std::less_equal<const char*> le;
    const bool inside = le(s.data(), v.data()) && le(v.data(), s.data() + s.capacity());
    if (v.size() > s.capacity() || inside) {
      s.assign(v);
      return;
    }
    if (v.size() == s.size()) {
      copyBytes(s.data(), v.data(), v.size());
      return;
    }
    s.clear();
    s.append(v.data(), v.size());
  }
  template <class N, class V>
  static void assign(std::pair<std::string, std::string>& f, N&& name, V&& value) {
    assign(f.first, std::string_view(name));
    assign(f.second, std::string_view(value));
  }
  static void assign(std::pair<std::string, std::string>& f,
                     const std::pair<std::string, std::string>& from) {
    assign(f, from.first, from.second);
  }
  void pushCopy(const T& e) {
    if constexpr (std::is_same_v<T, std::string>) {
      emplace_back(std::string_view(e));
    } else {
      emplace_back(e.first, e.second);
    }
  }

  std::vector<T> slots_;  ///< [0, size_) live; the rest kept for their capacity
  std::size_t size_ = 0;
};

/// Header field names (fields to remove).
using NameList = EditList<std::string>;
/// Header fields, name and value.
using FieldList = EditList<std::pair<std::string, std::string>>;

}  // namespace gw::server
