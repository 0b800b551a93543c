#pragma once
// The .gwo container: an ahead-of-time compiled policy.
//
//   offset  size  field
//   0       8     magic "\x7fGWO\r\n\x1a\n" (binary-safe: catches text-mode and truncating copies)
//   8       4     format version (kGwoFormatVersion), little-endian
//   12      4     GW_ABI_VERSION the object was generated against
//   16      32    SHA-256 of the policy source text(s)
//   48      4     section count N
//   52      4     reserved (0)
//   56      ...   N sections: u32 tag, u32 reserved (0), u64 size, `size` bytes
//   end-32  32    SHA-256 of every byte before it (corruption check)
//
// Sections: TARGET (triple, cpu, features), SYMBOLS (the native functions to resolve), TABLES
// (everything CompiledPolicy needs besides code), OBJECT (the ELF relocatable object), SHARING
// (which program and route runs which canonical code: u32 count + u32 per IR function, u32
// count + u32 per route; codegen::SharedPrograms).
// Readers reject unknown format versions, a wrong checksum, a missing section and any size that
// runs past the end; they never trust a length before checking it against the buffer.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gw::aot {

// Version 2: the runtime settings in TABLES are binary field lists (version 1 carried JSON).
// Version 3: routes carry `aggregate` parts and `body json` set values.
// Version 4: the SHARING section; the object defines canonical programs only (no aliases).
// Version 5: retry `buffer`, a listener's `handshake_timeout`, a route's `retry_methods`.
inline constexpr uint32_t kGwoFormatVersion = 5;
inline constexpr size_t kGwoHeaderSize = 56;
inline constexpr size_t kGwoChecksumSize = 32;

using Sha256 = std::array<uint8_t, 32>;

/// The decoded contents of a .gwo; plain data, owned by value.
struct GwoContents {
  uint32_t abiVersion = 0;
  Sha256 sourceHash{};
  std::string triple;
  std::string cpu;
  std::string features;
  std::vector<std::string> symbols;
  std::string tables;  // serialized policy tables (see policy_tables_codec.h)
  std::string object;  // ELF relocatable object
  std::vector<uint32_t> sharedFunctions;  // by IR function: canonical index (UINT32_MAX: none)
  std::vector<uint32_t> sharedAuthz;      // by route: canonical route (UINT32_MAX: none)
};

/// Why a .gwo was refused; `message` is a complete sentence for the user.
struct GwoError {
  enum class Kind : uint8_t { NotGwo, FormatVersion, Corrupt, AbiMismatch, TargetMismatch, Link };
  Kind kind = Kind::Corrupt;
  std::string message;
};

/// Serializes `contents` into the container format (checksum included).
std::string encodeGwo(const GwoContents& contents);

/// The TABLES and OBJECT sections in place: views into the bytes given to decodeGwo, valid
/// while those are. Together they are nearly all of a .gwo (12.8 MB at 10 000 routes), so the
/// loader reads them where they lie instead of copying them first.
struct GwoPayloads {
  std::string_view tables;
  std::string_view object;
};

/// Parses and verifies a container. Checks, in order: magic, format version, checksum,
/// section bounds, required sections, ABI version (against `expectedAbi`). With `inPlace`,
/// the tables and the object are returned there and `tables`/`object` stay empty. `fileHash`
/// (optional) receives sha256(bytes), computed in the checksum's pass; it is set once the
/// checksum has been computed (the container passed the magic, size and version checks).
std::optional<GwoContents> decodeGwo(std::string_view bytes, uint32_t expectedAbi, GwoError* error,
                                     GwoPayloads* inPlace = nullptr, Sha256* fileHash = nullptr);

/// SHA-256 of `text` (OpenSSL: SHA-NI or AVX2 where the CPU has them).
Sha256 sha256(std::string_view text);
/// The policy's source identity, as stored in a .gwo header and shown by gw's /status: SHA-256
/// of the texts in load order, each length-prefixed ("<size>:<text>") so no two lists collide.
Sha256 hashSourceTexts(const std::vector<std::string>& texts);
/// Lower-case hex of a hash, for messages and `gwc compile` output.
std::string toHex(const Sha256& hash);

}  // namespace gw::aot
