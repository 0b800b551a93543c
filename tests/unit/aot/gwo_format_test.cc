// The .gwo container: round trip, and every damaged or mismatched file is refused with the
// right kind of error (never a crash, never a partial result).
#include "compiler/aot/gwo_format.h"

#include <gtest/gtest.h>

#include <random>

namespace gw::aot {
namespace {

GwoContents sample() {
  GwoContents c;
  c.abiVersion = 7;
  c.sourceHash = sha256("route r { match { path \"/a\" } }");
  c.triple = "x86_64-pc-linux-gnu";
  c.cpu = "skylake";
  c.features = "+sse4.2,+avx2";
  c.symbols = {"gw_match", "gw_fn_0", "gw_authz_3"};
  c.tables = std::string("tables\0with\0nuls", 16);
  c.object = std::string(300, '\x7f');
  c.sharedFunctions = {0, 0, UINT32_MAX, 3};
  c.sharedAuthz = {UINT32_MAX, 1, 1};
  return c;
}

TEST(GwoFormat, RoundTripsEveryField) {
  GwoContents in = sample();
  std::string bytes = encodeGwo(in);
  GwoError error;
  auto out = decodeGwo(bytes, 7, &error);
  ASSERT_TRUE(out.has_value()) << error.message;
  EXPECT_EQ(out->abiVersion, 7u);
  EXPECT_EQ(out->sourceHash, in.sourceHash);
  EXPECT_EQ(out->triple, in.triple);
  EXPECT_EQ(out->cpu, in.cpu);
  EXPECT_EQ(out->features, in.features);
  EXPECT_EQ(out->symbols, in.symbols);
  EXPECT_EQ(out->tables, in.tables);
  EXPECT_EQ(out->object, in.object);
  EXPECT_EQ(out->sharedFunctions, in.sharedFunctions);
  EXPECT_EQ(out->sharedAuthz, in.sharedAuthz);
}

// The loader's path: the two big sections as views into the input (no copies), and the file's
// SHA-256 from the checksum's pass; same bytes and hash as the copying decode and sha256().
TEST(GwoFormat, InPlaceDecodeGivesTheSameSectionsAndTheFileHash) {
  GwoContents in = sample();
  std::string bytes = encodeGwo(in);
  GwoError error;
  GwoPayloads payloads;
  Sha256 fileHash{};
  auto out = decodeGwo(bytes, 7, &error, &payloads, &fileHash);
  ASSERT_TRUE(out.has_value()) << error.message;
  EXPECT_EQ(payloads.tables, in.tables);
  EXPECT_EQ(payloads.object, in.object);
  EXPECT_TRUE(out->tables.empty() && out->object.empty());
  EXPECT_GE(payloads.object.data(), bytes.data());
  EXPECT_LE(payloads.object.data() + payloads.object.size(), bytes.data() + bytes.size());
  EXPECT_EQ(fileHash, sha256(bytes));
  EXPECT_EQ(out->symbols, in.symbols);
  bytes[bytes.size() / 2] ^= 1;
  EXPECT_FALSE(decodeGwo(bytes, 7, &error, &payloads, &fileHash).has_value());
  EXPECT_EQ(error.kind, GwoError::Kind::Corrupt);
  EXPECT_EQ(fileHash, sha256(bytes)) << "the hash is of the bytes given, checksum or not";
}

TEST(GwoFormat, Sha256MatchesTheStandardVector) {
  EXPECT_EQ(toHex(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(GwoFormat, RefusesAFileThatIsNotAGwo) {
  GwoError error;
  EXPECT_FALSE(decodeGwo("route r {}", 7, &error).has_value());
  EXPECT_EQ(error.kind, GwoError::Kind::NotGwo);
  EXPECT_FALSE(decodeGwo("", 7, &error).has_value());
  EXPECT_EQ(error.kind, GwoError::Kind::NotGwo);
}

TEST(GwoFormat, RefusesAnotherAbiVersionWithAClearMessage) {
  GwoError error;
  EXPECT_FALSE(decodeGwo(encodeGwo(sample()), 8, &error).has_value());
  EXPECT_EQ(error.kind, GwoError::Kind::AbiMismatch);
  EXPECT_EQ(error.message,
            "compiled policy was built for ABI version 7 but this gw uses ABI version 8; "
            "recompile it with `gwc compile`");
}

// Format 3 files (objects with alias symbols, no SHARING section) predate this reader: refused
// by version, with the way out in the message, before their checksum is even looked at.
TEST(GwoFormat, RefusesAFormat3FileAskingForARecompile) {
  std::string bytes = encodeGwo(sample());
  bytes[8] = 3;
  GwoError error;
  EXPECT_FALSE(decodeGwo(bytes, 7, &error).has_value());
  EXPECT_EQ(error.kind, GwoError::Kind::FormatVersion);
  EXPECT_EQ(error.message,
            "compiled policy format version 3 is not supported (expected 5); recompile it with this gwc");
}

TEST(GwoFormat, ASharingListLongerThanItsSectionIsRefused) {
  GwoContents c = sample();
  std::string bytes = encodeGwo(c);
  // The SHARING section is the last one: its first count sits right after its 16-byte header.
  size_t payload = 4 * (1 + c.sharedFunctions.size()) + 4 * (1 + c.sharedAuthz.size());
  size_t at = bytes.size() - kGwoChecksumSize - payload;
  bytes[at + 2] = 0x10;  // functions count: 0x100004
  Sha256 sum = sha256(std::string_view(bytes).substr(0, bytes.size() - kGwoChecksumSize));
  bytes.replace(bytes.size() - kGwoChecksumSize, kGwoChecksumSize,
                reinterpret_cast<const char*>(sum.data()), sum.size());
  GwoError error;
  EXPECT_FALSE(decodeGwo(bytes, 7, &error).has_value());
  EXPECT_EQ(error.kind, GwoError::Kind::Corrupt);
}

TEST(GwoFormat, RefusesAnotherFormatVersion) {
  std::string bytes = encodeGwo(sample());
  bytes[8] = 9;
  GwoError error;
  EXPECT_FALSE(decodeGwo(bytes, 7, &error).has_value());
  EXPECT_EQ(error.kind, GwoError::Kind::FormatVersion);
}

TEST(GwoFormat, EveryFlippedByteIsDetected) {
  std::string good = encodeGwo(sample());
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    GwoError error;
    EXPECT_FALSE(decodeGwo(bad, 7, &error).has_value()) << "byte " << i;
    EXPECT_FALSE(error.message.empty());
  }
}

TEST(GwoFormat, EveryTruncationIsDetected) {
  std::string good = encodeGwo(sample());
  for (size_t n = 0; n < good.size(); ++n) {
    GwoError error;
    EXPECT_FALSE(decodeGwo(std::string_view(good).substr(0, n), 7, &error).has_value()) << n;
  }
}

/// A file with a valid checksum but lying section sizes (an attacker or a buggy writer can
/// recompute the checksum): the bounds checks must hold on their own.
std::string resealed(std::string bytes) {
  bytes.resize(bytes.size() - kGwoChecksumSize);
  Sha256 sum = sha256(bytes);
  bytes.append(reinterpret_cast<const char*>(sum.data()), sum.size());
  return bytes;
}

TEST(GwoFormat, LyingLengthsUnderAValidChecksumAreRefused) {
  std::string good = encodeGwo(sample());
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    std::string bad = good;
    size_t at = kGwoHeaderSize + rng() % (bad.size() - kGwoHeaderSize - kGwoChecksumSize);
    bad[at] = static_cast<char>(rng());
    bad = resealed(bad);
    GwoError error;
    auto out = decodeGwo(bad, 7, &error);  // must not crash; may decode if only payload changed
    if (!out) {
      EXPECT_EQ(error.kind, GwoError::Kind::Corrupt);
    }
  }
  std::string hugeCount = good;
  hugeCount[48] = '\xff';
  hugeCount[49] = '\xff';
  GwoError error;
  EXPECT_FALSE(decodeGwo(resealed(hugeCount), 7, &error).has_value());
  EXPECT_EQ(error.kind, GwoError::Kind::Corrupt);
}

}  // namespace
}  // namespace gw::aot
