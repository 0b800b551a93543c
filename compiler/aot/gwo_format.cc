#include "compiler/aot/gwo_format.h"

#include <algorithm>
#include <cstring>

#include <openssl/evp.h>

namespace gw::aot {

namespace {

constexpr char kMagic[8] = {'\x7f', 'G', 'W', 'O', '\r', '\n', '\x1a', '\n'};

enum class Tag : uint32_t { Target = 1, Symbols = 2, Tables = 3, Object = 4, Sharing = 5 };
constexpr uint32_t kSectionCount = 5;

void putU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}

void putU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}

void putString(std::string& out, std::string_view s) {
  putU32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

uint64_t getLe(std::string_view bytes, size_t at, int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) {
    v |= uint64_t(static_cast<uint8_t>(bytes[at + i])) << (8 * i);
  }
  return v;
}

/// A bounds-checked reader over one section's payload.
struct Cursor {
  std::string_view data;
  size_t pos = 0;
  bool ok = true;

  uint32_t u32() {
    if (!ok || data.size() - pos < 4) {
      ok = false;
      return 0;
    }
    auto v = static_cast<uint32_t>(getLe(data, pos, 4));
    pos += 4;
    return v;
  }
  std::string str() {
    uint32_t n = u32();
    if (!ok || data.size() - pos < n) {
      ok = false;
      return {};
    }
    std::string s(data.substr(pos, n));
    pos += n;
    return s;
  }
};

void addSection(std::string& out, Tag tag, std::string_view payload) {
  putU32(out, static_cast<uint32_t>(tag));
  putU32(out, 0);
  putU64(out, payload.size());
  out.append(payload);
}

bool fail(GwoError* error, GwoError::Kind kind, std::string message) {
  if (error) {
    error->kind = kind;
    error->message = std::move(message);
  }
  return false;
}

bool decodeTarget(std::string_view payload, GwoContents& out) {
  Cursor c{payload};
  out.triple = c.str();
  out.cpu = c.str();
  out.features = c.str();
  return c.ok && c.pos == payload.size();
}

bool decodeSymbols(std::string_view payload, GwoContents& out) {
  Cursor c{payload};
  uint32_t n = c.u32();
  // Each name needs at least its 4-byte length: bound the count before reserving.
  if (!c.ok || n > payload.size() / 4) {
    return false;
  }
  for (uint32_t i = 0; i < n && c.ok; ++i) {
    out.symbols.push_back(c.str());
  }
  return c.ok && c.pos == payload.size();
}

bool decodeIndexList(Cursor& c, std::string_view payload, std::vector<uint32_t>& out) {
  uint32_t n = c.u32();
  if (!c.ok || n > (payload.size() - c.pos) / 4) {
    return false;  // bound the count before reserving
  }
  out.reserve(n);
  for (uint32_t i = 0; i < n && c.ok; ++i) {
    out.push_back(c.u32());
  }
  return c.ok;
}

bool decodeSharing(std::string_view payload, GwoContents& out) {
  Cursor c{payload};
  return decodeIndexList(c, payload, out.sharedFunctions) && decodeIndexList(c, payload, out.sharedAuthz) &&
         c.pos == payload.size();
}

void putIndexList(std::string& out, const std::vector<uint32_t>& list) {
  putU32(out, static_cast<uint32_t>(list.size()));
  for (uint32_t v : list) {
    putU32(out, v);
  }
}

bool decodeSections(std::string_view body, uint32_t count, GwoContents& out, GwoPayloads* inPlace,
                    GwoError* error) {
  size_t pos = 0;
  bool seen[kSectionCount + 1] = {};
  for (uint32_t i = 0; i < count; ++i) {
    if (body.size() - pos < 16) {
      return fail(error, GwoError::Kind::Corrupt, "the compiled policy is truncated (section header)");
    }
    uint32_t tag = static_cast<uint32_t>(getLe(body, pos, 4));
    uint64_t size = getLe(body, pos + 8, 8);
    pos += 16;
    if (size > body.size() - pos) {
      return fail(error, GwoError::Kind::Corrupt, "a section of the compiled policy runs past its end");
    }
    std::string_view payload = body.substr(pos, size);
    pos += size;
    if (tag < 1 || tag > kSectionCount || seen[tag]) {
      return fail(error, GwoError::Kind::Corrupt, "the compiled policy has an unknown or repeated section");
    }
    seen[tag] = true;
    bool ok = true;
    switch (static_cast<Tag>(tag)) {
      case Tag::Target: ok = decodeTarget(payload, out); break;
      case Tag::Symbols: ok = decodeSymbols(payload, out); break;
      case Tag::Tables:
        if (inPlace) inPlace->tables = payload; else out.tables.assign(payload);
        break;
      case Tag::Object:
        if (inPlace) inPlace->object = payload; else out.object.assign(payload);
        break;
      case Tag::Sharing: ok = decodeSharing(payload, out); break;
    }
    if (!ok) {
      return fail(error, GwoError::Kind::Corrupt, "a section of the compiled policy is malformed");
    }
  }
  if (pos != body.size() || !std::all_of(seen + 1, seen + kSectionCount + 1, [](bool b) { return b; })) {
    return fail(error, GwoError::Kind::Corrupt, "the compiled policy is missing a section");
  }
  return true;
}

/// OpenSSL picks the SHA-NI / AVX2 code path at run time; LLVM's portable SHA-256 was about a
/// fifth of loading a large .gwo. Same digest, so the format did not change for it. False (a
/// zero digest) only if OpenSSL has no SHA-256, which a reader treats as a failed check.
bool digest(std::string_view text, Sha256* out) {
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), out->data(), &len, EVP_sha256(), nullptr) == 1 &&
      len == out->size()) {
    return true;
  }
  out->fill(0);
  return false;
}

/// digest() of `covered` and, from the same pass, SHA-256 of `covered` + `trailer` into
/// `whole`: SHA-256 reads its input in order, so a copy of the state after `covered` goes on
/// with the trailer. `gw run x.gwo` wants both (the checksum and the file's identity), and one
/// pass over a 12.8 MB .gwo instead of two is several milliseconds of its load.
bool digestWithTrailer(std::string_view covered, std::string_view trailer, Sha256* out, Sha256* whole) {
  out->fill(0);
  whole->fill(0);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_MD_CTX* rest = EVP_MD_CTX_new();
  unsigned int len = 0, wholeLen = 0;
  bool ok = ctx && rest && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx, covered.data(), covered.size()) == 1 && EVP_MD_CTX_copy_ex(rest, ctx) == 1 &&
            EVP_DigestFinal_ex(ctx, out->data(), &len) == 1 && len == out->size() &&
            EVP_DigestUpdate(rest, trailer.data(), trailer.size()) == 1 &&
            EVP_DigestFinal_ex(rest, whole->data(), &wholeLen) == 1 && wholeLen == whole->size();
  EVP_MD_CTX_free(rest);
  EVP_MD_CTX_free(ctx);
  if (!ok) {
    out->fill(0);
    whole->fill(0);
  }
  return ok;
}

}  // namespace

Sha256 sha256(std::string_view text) {
  Sha256 out{};
  digest(text, &out);
  return out;
}

Sha256 hashSourceTexts(const std::vector<std::string>& texts) {
  std::string joined;
  for (const std::string& text : texts) {
    joined += std::to_string(text.size()) + ":" + text;
  }
  return sha256(joined);
}

std::string toHex(const Sha256& hash) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : hash) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::string encodeGwo(const GwoContents& contents) {
  std::string out(kMagic, sizeof(kMagic));
  putU32(out, kGwoFormatVersion);
  putU32(out, contents.abiVersion);
  out.append(reinterpret_cast<const char*>(contents.sourceHash.data()), contents.sourceHash.size());
  putU32(out, kSectionCount);
  putU32(out, 0);
  std::string target;
  putString(target, contents.triple);
  putString(target, contents.cpu);
  putString(target, contents.features);
  std::string symbols;
  putU32(symbols, static_cast<uint32_t>(contents.symbols.size()));
  for (const std::string& s : contents.symbols) {
    putString(symbols, s);
  }
  addSection(out, Tag::Target, target);
  addSection(out, Tag::Symbols, symbols);
  addSection(out, Tag::Tables, contents.tables);
  addSection(out, Tag::Object, contents.object);
  std::string sharing;
  putIndexList(sharing, contents.sharedFunctions);
  putIndexList(sharing, contents.sharedAuthz);
  addSection(out, Tag::Sharing, sharing);
  Sha256 sum = sha256(out);
  out.append(reinterpret_cast<const char*>(sum.data()), sum.size());
  return out;
}

std::optional<GwoContents> decodeGwo(std::string_view bytes, uint32_t expectedAbi, GwoError* error,
                                     GwoPayloads* inPlace, Sha256* fileHash) {
  if (bytes.size() < sizeof(kMagic) || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    fail(error, GwoError::Kind::NotGwo, "not a compiled gw policy (bad magic number)");
    return std::nullopt;
  }
  if (bytes.size() < kGwoHeaderSize + kGwoChecksumSize) {
    fail(error, GwoError::Kind::Corrupt, "the compiled policy is truncated");
    return std::nullopt;
  }
  auto format = static_cast<uint32_t>(getLe(bytes, 8, 4));
  if (format != kGwoFormatVersion) {
    fail(error, GwoError::Kind::FormatVersion,
         "compiled policy format version " + std::to_string(format) + " is not supported (expected " +
             std::to_string(kGwoFormatVersion) + "); recompile it with this gwc");
    return std::nullopt;
  }
  std::string_view covered = bytes.substr(0, bytes.size() - kGwoChecksumSize);
  Sha256 sum{};
  bool digested = fileHash ? digestWithTrailer(covered, bytes.substr(covered.size()), &sum, fileHash)
                           : digest(covered, &sum);
  if (!digested || std::memcmp(sum.data(), bytes.data() + covered.size(), kGwoChecksumSize) != 0) {
    fail(error, GwoError::Kind::Corrupt, "the compiled policy is corrupt (checksum mismatch)");
    return std::nullopt;
  }
  GwoContents out;
  out.abiVersion = static_cast<uint32_t>(getLe(bytes, 12, 4));
  std::memcpy(out.sourceHash.data(), bytes.data() + 16, out.sourceHash.size());
  auto count = static_cast<uint32_t>(getLe(bytes, 48, 4));
  if (!decodeSections(covered.substr(kGwoHeaderSize), count, out, inPlace, error)) {
    return std::nullopt;
  }
  if (out.abiVersion != expectedAbi) {
    fail(error, GwoError::Kind::AbiMismatch,
         "compiled policy was built for ABI version " + std::to_string(out.abiVersion) +
             " but this gw uses ABI version " + std::to_string(expectedAbi) + "; recompile it with `gwc compile`");
    return std::nullopt;
  }
  return out;
}

}  // namespace gw::aot
