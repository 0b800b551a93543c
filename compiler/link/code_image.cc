#include "compiler/link/code_image.h"

#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

namespace gw::link {

namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kPage = 4096;
// Far below 2 GiB, so every PC-relative 32-bit field between two places of the mapping fits
// (the overflow checks still run); a 10 000-route policy's object is ≈ 14 MB.
constexpr uint64_t kMaxImage = uint64_t{1} << 30;
constexpr uint64_t kStubSize = 8;  // jmp *slot(%rip) (6 bytes) + 2 int3
constexpr uint64_t kSlotSize = 8;

enum Segment { kText, kRodata, kData, kSegments };

uint64_t alignUp(uint64_t value, uint64_t align) { return (value + align - 1) & ~(align - 1); }

bool fitsInt32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

}  // namespace

/// One link; all state for CodeImage::link (a class only so that it may fill CodeImage).
class Linker {
 public:
  Linker(const ElfObject& object, const ExternalResolver& resolve, std::string* error)
      : obj_(object), resolve_(resolve), error_(error) {}

  std::unique_ptr<CodeImage> run();

 private:
  bool fail(std::string message) {
    if (error_) *error_ = std::move(message);
    return false;
  }
  bool layout();
  bool resolveSymbols();
  void planSlots();
  bool map();
  bool fill();
  bool relocate(const ElfRelocations& table);
  bool apply(const ElfRelocation& r, uint64_t place, uint32_t section, size_t index);
  bool protect();
  bool collectSymbols();
  uint64_t segmentAddress(int segment) const { return base_ + segmentOffset_[segment]; }
  uint64_t gotAddress(uint32_t symbol) const {
    return segmentAddress(kRodata) + gotOffset_ + uint64_t{gotSlot_[symbol]} * kSlotSize;
  }
  uint64_t stubAddress(uint32_t symbol) const {
    return segmentAddress(kText) + stubOffset_ + uint64_t{stub_[symbol]} * kStubSize;
  }

  const ElfObject& obj_;
  const ExternalResolver& resolve_;
  std::string* error_;
  std::unique_ptr<CodeImage> image_{new CodeImage()};
  uint64_t base_ = 0;
  uint64_t segmentSize_[kSegments] = {0, 0, 0};
  uint64_t segmentOffset_[kSegments] = {0, 0, 0};
  std::vector<int> sectionSegment_;        // by section: kSegments when not loaded
  std::vector<uint64_t> sectionOffset_;    // by section: offset inside its segment
  std::vector<uint64_t> symbolValue_;      // by symbol: external address, or offset for defined
  std::vector<uint32_t> gotSlot_;          // by symbol
  std::vector<uint32_t> stub_;             // by symbol
  uint64_t gotOffset_ = 0;                 // inside kRodata
  uint64_t stubOffset_ = 0;                // inside kText
  uint32_t gotCount_ = 0;
  uint32_t stubCount_ = 0;
};

bool Linker::layout() {
  const auto& sections = obj_.sections();
  sectionSegment_.assign(sections.size(), kSegments);
  sectionOffset_.assign(sections.size(), 0);
  for (uint32_t i = 0; i < sections.size(); ++i) {
    const ElfSection& s = sections[i];
    if (!isLoaded(s)) continue;
    std::string what = "section `" + std::string(s.name) + "`";
    if ((s.flags & SHF_TLS) != 0) return fail(what + " is thread-local, which generated code never uses");
    if (s.type == SHT_INIT_ARRAY || s.type == SHT_FINI_ARRAY || s.type == SHT_PREINIT_ARRAY) {
      return fail(what + " holds initializers, which the linker does not run");
    }
    if (s.type != SHT_PROGBITS && s.type != SHT_NOBITS) return fail(what + " has unsupported type " + std::to_string(s.type));
    bool exec = (s.flags & SHF_EXECINSTR) != 0;
    bool write = (s.flags & SHF_WRITE) != 0;
    if (exec && write) return fail(what + " is both writable and executable");
    if (s.align > kPage) return fail(what + " needs an alignment above the page size");
    if (s.size > kMaxImage) return fail(what + " is too large");
    // .data.rel.ro is written only by relocations (tables of addresses), all applied before
    // mprotect, so like a dynamic linker's RELRO it ends up read-only.
    bool relro = s.name.substr(0, 12) == ".data.rel.ro";
    int seg = exec ? kText : (write && !relro) ? kData : kRodata;
    sectionSegment_[i] = seg;
    sectionOffset_[i] = alignUp(segmentSize_[seg], s.align);
    segmentSize_[seg] = sectionOffset_[i] + s.size;
    if (segmentSize_[seg] > kMaxImage) return fail("the object's code and data are too large");
  }
  return true;
}

bool Linker::resolveSymbols() {
  const auto& symbols = obj_.symbols();
  symbolValue_.assign(symbols.size(), 0);
  for (uint32_t i = 1; i < symbols.size(); ++i) {
    const ElfSymbol& s = symbols[i];
    if (s.type == STT_TLS || s.type == STT_GNU_IFUNC) {
      return fail("symbol `" + std::string(s.name) + "` has an unsupported type " + std::to_string(s.type));
    }
    if (s.section == SHN_UNDEF) {
      if (s.name.empty()) return fail("symbol " + std::to_string(i) + " is undefined and unnamed");
      uint64_t address = resolve_(s.name);
      if (address == 0) {
        return fail("undefined symbol `" + std::string(s.name) +
                    "`: generated code may only call the native symbol map");
      }
      symbolValue_[i] = address;
    } else if (s.section == SHN_ABS) {
      symbolValue_[i] = s.value;
    } else if (sectionSegment_[s.section] != kSegments) {
      if (s.value > obj_.sections()[s.section].size) {
        return fail("symbol `" + std::string(s.name) + "` lies outside its section");
      }
      symbolValue_[i] = sectionOffset_[s.section] + s.value;  // made absolute once mapped
    }
  }
  return true;
}

void Linker::planSlots() {
  const auto& symbols = obj_.symbols();
  gotSlot_.assign(symbols.size(), kNone);
  stub_.assign(symbols.size(), kNone);
  for (const ElfRelocations& table : obj_.relocations()) {
    if (sectionSegment_[table.target] == kSegments) continue;
    for (const ElfRelocation& r : table.entries) {
      bool external = symbols[r.symbol].section == SHN_UNDEF;
      if (r.type == R_X86_64_GOTPCREL || r.type == R_X86_64_GOTPCRELX || r.type == R_X86_64_REX_GOTPCRELX) {
        if (gotSlot_[r.symbol] == kNone) gotSlot_[r.symbol] = gotCount_++;
      } else if ((r.type == R_X86_64_PLT32 || r.type == R_X86_64_PC32) && external) {
        // The stub jumps through the symbol's GOT slot.
        if (stub_[r.symbol] == kNone) stub_[r.symbol] = stubCount_++;
        if (gotSlot_[r.symbol] == kNone) gotSlot_[r.symbol] = gotCount_++;
      }
    }
  }
  stubOffset_ = alignUp(segmentSize_[kText], 16);
  segmentSize_[kText] = stubOffset_ + uint64_t{stubCount_} * kStubSize;
  gotOffset_ = alignUp(segmentSize_[kRodata], kSlotSize);
  segmentSize_[kRodata] = gotOffset_ + uint64_t{gotCount_} * kSlotSize;
}

bool Linker::map() {
  uint64_t total = 0;
  for (int seg = 0; seg < kSegments; ++seg) {
    segmentOffset_[seg] = total;
    total += alignUp(segmentSize_[seg], kPage);
  }
  if (total > kMaxImage) return fail("the object's code and data are too large");
  total = std::max(total, kPage);
  void* base = ::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return fail(std::string("cannot map memory for the code: ") + std::strerror(errno));
  image_->base_ = base;
  image_->size_ = total;
  base_ = reinterpret_cast<uint64_t>(base);
  return true;
}

bool Linker::fill() {
  const auto& sections = obj_.sections();
  for (uint32_t i = 0; i < sections.size(); ++i) {
    if (sectionSegment_[i] == kSegments || sections[i].type == SHT_NOBITS) continue;
    std::string_view bytes = obj_.contents(i);
    std::memcpy(reinterpret_cast<void*>(segmentAddress(sectionSegment_[i]) + sectionOffset_[i]), bytes.data(),
                bytes.size());
  }
  const auto& symbols = obj_.symbols();
  for (uint32_t i = 1; i < symbols.size(); ++i) {
    if (symbols[i].section != SHN_UNDEF && symbols[i].section != SHN_ABS) {
      if (sectionSegment_[symbols[i].section] != kSegments) symbolValue_[i] += segmentAddress(sectionSegment_[symbols[i].section]);
    }
  }
  for (uint32_t i = 1; i < symbols.size(); ++i) {
    if (gotSlot_[i] != kNone) std::memcpy(reinterpret_cast<void*>(gotAddress(i)), &symbolValue_[i], sizeof(uint64_t));
  }
  // A stub is `jmp *slot(%rip)`: the external may be anywhere in the address space, while the
  // stub is within the mapping, reachable by the 32-bit displacement of a call.
  for (uint32_t i = 1; i < symbols.size(); ++i) {
    if (stub_[i] == kNone) continue;
    uint64_t stub = stubAddress(i);
    auto disp = static_cast<int64_t>(gotAddress(i) - (stub + 6));
    if (!fitsInt32(disp)) return fail("a stub cannot reach its GOT slot");
    auto disp32 = static_cast<int32_t>(disp);
    unsigned char code[kStubSize] = {0xff, 0x25, 0, 0, 0, 0, 0xcc, 0xcc};
    std::memcpy(code + 2, &disp32, sizeof(disp32));
    std::memcpy(reinterpret_cast<void*>(stub), code, kStubSize);
  }
  return true;
}

bool Linker::relocate(const ElfRelocations& table) {
  uint64_t sectionBase = segmentAddress(sectionSegment_[table.target]) + sectionOffset_[table.target];
  const ElfSection& target = obj_.sections()[table.target];
  for (size_t k = 0; k < table.entries.size(); ++k) {
    const ElfRelocation& r = table.entries[k];
    const ElfSymbol& symbol = obj_.symbols()[r.symbol];
    if (symbol.section != SHN_UNDEF && symbol.section != SHN_ABS && sectionSegment_[symbol.section] == kSegments) {
      return fail("relocation " + std::to_string(k) + " of `" + std::string(target.name) +
                  "` refers to a section that is not loaded (`" + std::string(obj_.sections()[symbol.section].name) + "`)");
    }
    if (!apply(r, sectionBase + r.offset, table.target, k)) return false;
  }
  return true;
}

/// x86-64 psABI formulas: S symbol, A addend, P place, G + GOT the symbol's GOT slot, L its stub.
/// Arithmetic is modulo 2^64 like the CPU's address computation; a 32-bit field must then hold
/// the value (sign- or zero-extended as the type says), else the link fails.
bool Linker::apply(const ElfRelocation& r, uint64_t place, uint32_t section, size_t index) {
  // Built only on failure: a large policy has hundreds of thousands of relocations.
  auto where = [&] { return std::to_string(index) + " of `" + std::string(obj_.sections()[section].name) + "`"; };
  uint64_t s = symbolValue_[r.symbol];
  auto a = static_cast<uint64_t>(r.addend);
  uint64_t value = 0;
  switch (r.type) {
    case R_X86_64_64:
      value = s + a;
      std::memcpy(reinterpret_cast<void*>(place), &value, 8);
      return true;
    case R_X86_64_PC64:
      value = s + a - place;
      std::memcpy(reinterpret_cast<void*>(place), &value, 8);
      return true;
    case R_X86_64_PC32:
    case R_X86_64_PLT32:
      value = (stub_[r.symbol] != kNone ? stubAddress(r.symbol) : s) + a - place;
      break;
    case R_X86_64_GOTPCREL:
    case R_X86_64_GOTPCRELX:
    case R_X86_64_REX_GOTPCRELX:
      // The relaxable forms are linked like GOTPCREL: correct without rewriting instructions.
      value = gotAddress(r.symbol) + a - place;
      break;
    case R_X86_64_32:
      value = s + a;
      if (value > UINT32_MAX) return fail("relocation " + where() + " (R_X86_64_32) overflows");
      break;
    case R_X86_64_32S:
      value = s + a;
      break;
    default:
      return fail("relocation " + where() + " has unsupported type " + relocationName(r.type));
  }
  if (r.type != R_X86_64_32 && !fitsInt32(static_cast<int64_t>(value))) {
    return fail("relocation " + where() + " (" + relocationName(r.type) + ") overflows its 32-bit field");
  }
  auto field = static_cast<uint32_t>(value);
  std::memcpy(reinterpret_cast<void*>(place), &field, 4);
  return true;
}

bool Linker::protect() {
  static const int kProt[kSegments] = {PROT_READ | PROT_EXEC, PROT_READ, PROT_READ | PROT_WRITE};
  for (int seg = 0; seg < kSegments; ++seg) {
    uint64_t size = alignUp(segmentSize_[seg], kPage);
    if (size == 0) continue;
    if (::mprotect(reinterpret_cast<void*>(segmentAddress(seg)), size, kProt[seg]) != 0) {
      return fail(std::string("cannot protect the code's memory: ") + std::strerror(errno));
    }
  }
  return true;
}

bool Linker::collectSymbols() {
  const auto& symbols = obj_.symbols();
  auto& out = image_->symbols_;
  for (uint32_t i = 1; i < symbols.size(); ++i) {
    const ElfSymbol& s = symbols[i];
    bool global = s.binding == STB_GLOBAL || s.binding == STB_WEAK;
    if (!global || s.section == SHN_UNDEF || s.section == SHN_ABS || sectionSegment_[s.section] == kSegments) continue;
    out.push_back(CodeImage::Symbol{std::string(s.name), symbolValue_[i], s.size});
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].name == out[i - 1].name) return fail("symbol `" + out[i].name + "` is defined twice");
  }
  return true;
}

std::unique_ptr<CodeImage> Linker::run() {
#if !defined(__x86_64__)
  fail("the policy linker runs on x86-64 hosts only");
  return nullptr;
#else
  if (!layout() || !resolveSymbols()) return nullptr;
  planSlots();
  if (!map() || !fill()) return nullptr;
  for (const ElfRelocations& table : obj_.relocations()) {
    if (sectionSegment_[table.target] != kSegments && !relocate(table)) return nullptr;
  }
  if (!protect() || !collectSymbols()) return nullptr;
  return std::move(image_);
#endif
}

std::unique_ptr<CodeImage> CodeImage::link(const ElfObject& object, const ExternalResolver& resolve,
                                           std::string* error) {
  return Linker(object, resolve, error).run();
}

CodeImage::~CodeImage() {
  if (base_ != nullptr) ::munmap(base_, size_);
}

uint64_t CodeImage::address(std::string_view name) const {
  auto it = std::lower_bound(symbols_.begin(), symbols_.end(), name,
                             [](const Symbol& entry, std::string_view key) { return entry.name < key; });
  return it != symbols_.end() && it->name == name ? it->address : 0;
}

}  // namespace gw::link
