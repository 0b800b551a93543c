#include "compiler/aot/host_cpu.h"

#include <cpuid.h>

#include <cstdint>
#include <sstream>

namespace gw::aot {

namespace {

enum Reg : uint8_t { kEax, kEbx, kEcx, kEdx };
// What the OS must save for the feature to be usable (XGETBV's XCR0).
enum class Needs : uint8_t { kNothing, kXsave, kAvx, kAvx512, kAmx, kApx };

struct Bit {
  const char* name;
  uint32_t leaf;
  uint32_t subleaf;
  Reg reg;
  uint8_t bit;
  Needs needs;
};

// After LLVM 19's X86 sys::getHostCPUFeatures (llvm/lib/TargetParser/Host.cpp): leaf, subleaf,
// register, bit and the register state the OS must save.
constexpr Bit kBits[] = {
    {"cx8", 1, 0, kEdx, 8, Needs::kNothing},       {"cmov", 1, 0, kEdx, 15, Needs::kNothing},
    {"mmx", 1, 0, kEdx, 23, Needs::kNothing},      {"fxsr", 1, 0, kEdx, 24, Needs::kNothing},
    {"sse", 1, 0, kEdx, 25, Needs::kNothing},      {"sse2", 1, 0, kEdx, 26, Needs::kNothing},
    {"sse3", 1, 0, kEcx, 0, Needs::kNothing},      {"pclmul", 1, 0, kEcx, 1, Needs::kNothing},
    {"ssse3", 1, 0, kEcx, 9, Needs::kNothing},     {"cx16", 1, 0, kEcx, 13, Needs::kNothing},
    {"sse4.1", 1, 0, kEcx, 19, Needs::kNothing},   {"sse4.2", 1, 0, kEcx, 20, Needs::kNothing},
    {"crc32", 1, 0, kEcx, 20, Needs::kNothing},    {"movbe", 1, 0, kEcx, 22, Needs::kNothing},
    {"popcnt", 1, 0, kEcx, 23, Needs::kNothing},   {"aes", 1, 0, kEcx, 25, Needs::kNothing},
    {"rdrnd", 1, 0, kEcx, 30, Needs::kNothing},    {"avx", 1, 0, kEcx, 28, Needs::kAvx},
    {"fma", 1, 0, kEcx, 12, Needs::kAvx},          {"f16c", 1, 0, kEcx, 29, Needs::kAvx},
    {"xsave", 1, 0, kEcx, 26, Needs::kXsave},
    {"sahf", 0x80000001, 0, kEcx, 0, Needs::kNothing},
    {"lzcnt", 0x80000001, 0, kEcx, 5, Needs::kNothing},
    {"sse4a", 0x80000001, 0, kEcx, 6, Needs::kNothing},
    {"prfchw", 0x80000001, 0, kEcx, 8, Needs::kNothing},
    {"xop", 0x80000001, 0, kEcx, 11, Needs::kAvx},
    {"lwp", 0x80000001, 0, kEcx, 15, Needs::kNothing},
    {"fma4", 0x80000001, 0, kEcx, 16, Needs::kAvx},
    {"tbm", 0x80000001, 0, kEcx, 21, Needs::kNothing},
    {"mwaitx", 0x80000001, 0, kEcx, 29, Needs::kNothing},
    {"64bit", 0x80000001, 0, kEdx, 29, Needs::kNothing},
    {"clzero", 0x80000008, 0, kEbx, 0, Needs::kNothing},
    {"rdpru", 0x80000008, 0, kEbx, 4, Needs::kNothing},
    {"wbnoinvd", 0x80000008, 0, kEbx, 9, Needs::kNothing},
    {"fsgsbase", 7, 0, kEbx, 0, Needs::kNothing},  {"sgx", 7, 0, kEbx, 2, Needs::kNothing},
    {"bmi", 7, 0, kEbx, 3, Needs::kNothing},       {"avx2", 7, 0, kEbx, 5, Needs::kAvx},
    {"bmi2", 7, 0, kEbx, 8, Needs::kNothing},      {"invpcid", 7, 0, kEbx, 10, Needs::kNothing},
    {"rtm", 7, 0, kEbx, 11, Needs::kNothing},      {"avx512f", 7, 0, kEbx, 16, Needs::kAvx512},
    {"avx512dq", 7, 0, kEbx, 17, Needs::kAvx512},  {"rdseed", 7, 0, kEbx, 18, Needs::kNothing},
    {"adx", 7, 0, kEbx, 19, Needs::kNothing},      {"avx512ifma", 7, 0, kEbx, 21, Needs::kAvx512},
    {"clflushopt", 7, 0, kEbx, 23, Needs::kNothing}, {"clwb", 7, 0, kEbx, 24, Needs::kNothing},
    {"avx512cd", 7, 0, kEbx, 28, Needs::kAvx512},  {"sha", 7, 0, kEbx, 29, Needs::kNothing},
    {"avx512bw", 7, 0, kEbx, 30, Needs::kAvx512},  {"avx512vl", 7, 0, kEbx, 31, Needs::kAvx512},
    {"avx512vbmi", 7, 0, kEcx, 1, Needs::kAvx512}, {"pku", 7, 0, kEcx, 4, Needs::kNothing},
    {"waitpkg", 7, 0, kEcx, 5, Needs::kNothing},   {"avx512vbmi2", 7, 0, kEcx, 6, Needs::kAvx512},
    {"shstk", 7, 0, kEcx, 7, Needs::kNothing},     {"gfni", 7, 0, kEcx, 8, Needs::kNothing},
    {"vaes", 7, 0, kEcx, 9, Needs::kAvx},          {"vpclmulqdq", 7, 0, kEcx, 10, Needs::kAvx},
    {"avx512vnni", 7, 0, kEcx, 11, Needs::kAvx512},
    {"avx512bitalg", 7, 0, kEcx, 12, Needs::kAvx512},
    {"avx512vpopcntdq", 7, 0, kEcx, 14, Needs::kAvx512},
    {"rdpid", 7, 0, kEcx, 22, Needs::kNothing},    {"kl", 7, 0, kEcx, 23, Needs::kNothing},
    {"cldemote", 7, 0, kEcx, 25, Needs::kNothing}, {"movdiri", 7, 0, kEcx, 27, Needs::kNothing},
    {"movdir64b", 7, 0, kEcx, 28, Needs::kNothing}, {"enqcmd", 7, 0, kEcx, 29, Needs::kNothing},
    {"uintr", 7, 0, kEdx, 5, Needs::kNothing},
    {"avx512vp2intersect", 7, 0, kEdx, 8, Needs::kAvx512},
    {"serialize", 7, 0, kEdx, 14, Needs::kNothing}, {"tsxldtrk", 7, 0, kEdx, 16, Needs::kNothing},
    {"pconfig", 7, 0, kEdx, 18, Needs::kNothing},  {"amx-bf16", 7, 0, kEdx, 22, Needs::kAmx},
    {"avx512fp16", 7, 0, kEdx, 23, Needs::kAvx512}, {"amx-tile", 7, 0, kEdx, 24, Needs::kAmx},
    {"amx-int8", 7, 0, kEdx, 25, Needs::kAmx},
    {"sha512", 7, 1, kEax, 0, Needs::kAvx},        {"sm3", 7, 1, kEax, 1, Needs::kAvx},
    {"sm4", 7, 1, kEax, 2, Needs::kAvx},           {"raoint", 7, 1, kEax, 3, Needs::kNothing},
    {"avxvnni", 7, 1, kEax, 4, Needs::kAvx},       {"avx512bf16", 7, 1, kEax, 5, Needs::kAvx512},
    {"cmpccxadd", 7, 1, kEax, 7, Needs::kNothing}, {"amx-fp16", 7, 1, kEax, 21, Needs::kAmx},
    {"hreset", 7, 1, kEax, 22, Needs::kNothing},   {"avxifma", 7, 1, kEax, 23, Needs::kAvx},
    {"avxvnniint8", 7, 1, kEdx, 4, Needs::kAvx},   {"avxneconvert", 7, 1, kEdx, 5, Needs::kAvx},
    {"amx-complex", 7, 1, kEdx, 8, Needs::kAmx},   {"avxvnniint16", 7, 1, kEdx, 10, Needs::kAvx},
    {"prefetchi", 7, 1, kEdx, 14, Needs::kNothing}, {"usermsr", 7, 1, kEdx, 15, Needs::kNothing},
    {"egpr", 7, 1, kEdx, 21, Needs::kApx},         {"push2pop2", 7, 1, kEdx, 21, Needs::kApx},
    {"ppx", 7, 1, kEdx, 21, Needs::kApx},          {"ndd", 7, 1, kEdx, 21, Needs::kApx},
    {"ccmp", 7, 1, kEdx, 21, Needs::kApx},         {"cf", 7, 1, kEdx, 21, Needs::kApx},
    {"xsaveopt", 0xd, 1, kEax, 0, Needs::kXsave},  {"xsavec", 0xd, 1, kEax, 1, Needs::kXsave},
    {"xsaves", 0xd, 1, kEax, 3, Needs::kXsave},    {"ptwrite", 0x14, 0, kEbx, 4, Needs::kNothing},
    {"widekl", 0x19, 0, kEbx, 2, Needs::kNothing},
};

struct Leaf {
  uint32_t r[4] = {0, 0, 0, 0};
};

Leaf cpuid(uint32_t leaf, uint32_t subleaf) {
  Leaf out;
  uint32_t top = __get_cpuid_max(leaf & 0x80000000u, nullptr);
  if (leaf <= top) __cpuid_count(leaf, subleaf, out.r[0], out.r[1], out.r[2], out.r[3]);
  return out;
}

uint64_t xcr0() {
  uint32_t lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

std::map<std::string, bool> detect() {
  Leaf one = cpuid(1, 0);
  bool osxsave = (one.r[kEcx] >> 27) & 1;
  uint64_t xcr = osxsave ? xcr0() : 0;
  bool avx = osxsave && (xcr & 0x6) == 0x6;
  bool ok[] = {
      true,                                              // kNothing
      avx,                                               // kXsave (LLVM: HasAVXSave)
      avx,                                               // kAvx
      avx && (xcr & 0xe0) == 0xe0,                       // kAvx512 (opmask, ZMM_Hi256, Hi16_ZMM)
      osxsave && (xcr & 0x60000) == 0x60000,             // kAmx (XTILECFG, XTILEDATA)
      osxsave && (xcr & 0x80000) == 0x80000,             // kApx (extended GPRs)
  };
  // A leaf-7 AVX10 CPU (avx10.1) has its own leaf; LLVM reports avx10.1-256/-512 from it.
  std::map<std::string, bool> out;
  for (const Bit& b : kBits) {
    Leaf l = cpuid(b.leaf, b.subleaf);
    out[b.name] = ((l.r[b.reg] >> b.bit) & 1) && ok[static_cast<int>(b.needs)];
  }
  // Not a CPUID bit: LLVM 19 reports "evex512" (512-bit EVEX vectors allowed) whenever avx512f
  // is usable, and a CPU name such as sapphirerapids puts "+evex512" in an object's features,
  // which the loader would otherwise refuse as unknown on the very host that compiled it.
  out["evex512"] = out["avx512f"];
  Leaf seven1 = cpuid(7, 1);
  bool avx10 = ((seven1.r[kEdx] >> 19) & 1) && ok[static_cast<int>(Needs::kAvx512)];
  Leaf l24 = cpuid(0x24, 0);
  out["avx10.1-256"] = avx10 && (l24.r[kEbx] & 0xff) >= 1;
  out["avx10.1-512"] = avx10 && (l24.r[kEbx] & 0xff) >= 1 && ((l24.r[kEbx] >> 18) & 1);
  return out;
}

}  // namespace

const char* hostTriple() { return GW_LLVM_HOST_TRIPLE; }

const std::map<std::string, bool>& hostCpuFeatures() {
  static const std::map<std::string, bool> features = detect();
  return features;
}

bool hostHasFeatures(const std::string& features, std::string* missing) {
  const std::map<std::string, bool>& host = hostCpuFeatures();
  std::stringstream in(features);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.size() < 2 || item[0] != '+') continue;
    auto it = host.find(item.substr(1));
    if (it == host.end() || !it->second) {
      *missing = item.substr(1);
      return false;
    }
  }
  return true;
}

}  // namespace gw::aot
