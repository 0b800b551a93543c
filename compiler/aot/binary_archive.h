#pragma once
// The little-endian binary archive behind the TABLES section of a .gwo. A Writer and a Reader
// walk the same field list (`fields(archive, value)`, declared next to the types it serialises
// in namespace tables_detail), so writer and reader cannot drift. The Reader bounds-checks every
// length before using it and never allocates more elements than bytes remain, so a truncated or
// lying input only clears `ok`. Internal to compiler/aot; not thread-safe (one archive per call).
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

// Writer, Reader and the field lists share a named namespace so the archives find `fields` for
// ir:: and policy:: types by argument-dependent lookup at instantiation.
namespace gw::aot::tables_detail {

/// Appends values to `out`.
class Writer {
 public:
  std::string out;
  template <typename T>
  void operator()(const T& v) {
    if constexpr (std::is_enum_v<T>) {
      (*this)(static_cast<std::underlying_type_t<T>>(v));
    } else if constexpr (std::is_same_v<T, bool>) {
      out.push_back(v ? 1 : 0);
    } else if constexpr (std::is_integral_v<T>) {
      auto u = static_cast<std::make_unsigned_t<T>>(v);
      for (size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
    } else if constexpr (std::is_same_v<T, double>) {
      uint64_t bits = 0;
      std::memcpy(&bits, &v, sizeof bits);
      (*this)(bits);
    } else {
      fields(*this, const_cast<T&>(v));
    }
  }
  void operator()(const std::string& s) {
    (*this)(static_cast<uint32_t>(s.size()));
    out.append(s);
  }
  template <typename T>
  void operator()(const std::vector<T>& v) {
    (*this)(static_cast<uint32_t>(v.size()));
    for (const T& x : v) (*this)(x);
  }
  template <typename A, typename B>
  void operator()(const std::pair<A, B>& p) { (*this)(p.first); (*this)(p.second); }
  template <typename T>
  void operator()(const std::optional<T>& v) {
    (*this)(v.has_value());
    if (v) (*this)(*v);
  }
};

/// Reads values back; any short or malformed input clears `ok` (and later reads do nothing).
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok = true;
  bool done() const { return ok && pos_ == in_.size(); }

  template <typename T>
  void operator()(T& v) {
    if constexpr (std::is_enum_v<T>) {
      std::underlying_type_t<T> raw{};
      (*this)(raw);
      v = static_cast<T>(raw);
    } else if constexpr (std::is_same_v<T, bool>) {
      uint8_t b = 0;
      (*this)(b);
      ok = ok && b <= 1;
      v = b != 0;
    } else if constexpr (std::is_integral_v<T>) {
      if (!ok || in_.size() - pos_ < sizeof(T)) {
        ok = false;
        return;
      }
      if constexpr (std::endian::native == std::endian::little) {
        // The archive is little-endian: on such a host a value is its bytes. One load instead
        // of a shift-and-or per byte (the byte loop was the decode's hottest function).
        std::memcpy(&v, in_.data() + pos_, sizeof(T));
      } else {
        std::make_unsigned_t<T> u = 0;
        for (size_t i = 0; i < sizeof(T); ++i) {
          u |= static_cast<std::make_unsigned_t<T>>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
        }
        v = static_cast<T>(u);
      }
      pos_ += sizeof(T);
    } else if constexpr (std::is_same_v<T, double>) {
      uint64_t bits = 0;
      (*this)(bits);
      std::memcpy(&v, &bits, sizeof bits);
    } else {
      fields(*this, v);
    }
  }
  void operator()(std::string& s) {
    uint32_t n = 0;
    (*this)(n);
    if (!ok || in_.size() - pos_ < n) {
      ok = false;
      return;
    }
    s.assign(in_.substr(pos_, n));
    pos_ += n;
  }
  template <typename T>
  void operator()(std::vector<T>& v) {
    uint32_t n = 0;
    (*this)(n);
    if (!ok || n > in_.size() - pos_) {  // every element takes at least one byte
      ok = false;
      return;
    }
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                  std::endian::native == std::endian::little) {
      // A list of plain integers (call arguments, index lists) is its bytes: one copy.
      if (n > (in_.size() - pos_) / sizeof(T)) {
        ok = false;
        return;
      }
      v.resize(n);
      if (n != 0) std::memcpy(v.data(), in_.data() + pos_, size_t(n) * sizeof(T));
      pos_ += size_t(n) * sizeof(T);
      return;
    }
    v.resize(n);
    for (T& x : v) {
      if (!ok) return;
      (*this)(x);
    }
  }
  template <typename A, typename B>
  void operator()(std::pair<A, B>& p) { (*this)(p.first); (*this)(p.second); }
  template <typename T>
  void operator()(std::optional<T>& v) {
    bool has = false;
    (*this)(has);
    if (has) {
      v.emplace();
      (*this)(*v);
    }
  }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace gw::aot::tables_detail
