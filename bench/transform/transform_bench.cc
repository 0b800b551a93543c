// Throughput of the response encoders as the gateway drives them (16 KiB pieces, a sync flush per
// piece like an upstream read, then finish), per codec and level, on a JSON-like API payload;
// plus the cost of a JSON body edit. Bytes/s counts input (uncompressed) bytes; the `ratio`
// counter is output/input.
#include <benchmark/benchmark.h>

#include <string>

#include "runtime/transform/encoder.h"
#include "runtime/transform/json_edit.h"

namespace {

using gw::transform::Coding;

/// ~1 MiB of API-like JSON: repeated records with varying ids and names.
std::string payload(std::size_t n) {
  std::string s = "[";
  uint64_t x = 12345;
  while (s.size() < n) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    s += "{\"id\":" + std::to_string(x >> 40) + ",\"name\":\"user-" + std::to_string(x % 9973) +
         "\",\"email\":\"u" + std::to_string((x >> 20) % 100000) +
         "@example.com\",\"active\":true,\"roles\":[\"reader\",\"writer\"],\"balance\":" +
         std::to_string((x >> 8) % 1000000) + "},";
  }
  s.back() = ']';
  return s;
}

void encode(benchmark::State& state, Coding coding) {
  static const std::string in = payload(1 << 20);
  gw::transform::EncoderLevels levels;
  levels.gzip = static_cast<int>(state.range(0));
  levels.brotli = static_cast<int>(state.range(0));
  gw::transform::Encoder e;
  std::string out;
  std::size_t produced = 0;
  constexpr std::size_t kPiece = 16 * 1024;
  for (auto _ : state) {
    e.begin(coding, levels);
    for (std::size_t pos = 0; pos < in.size(); pos += kPiece) {
      e.write(std::string_view(in).substr(pos, kPiece), out, true);
      produced += out.size();
      out.clear();
    }
    e.finish(out);
    produced += out.size();
    out.clear();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.size()));
  state.counters["ratio"] = static_cast<double>(produced) /
                            static_cast<double>(state.iterations() * in.size());
}

void BM_Gzip(benchmark::State& s) { encode(s, Coding::kGzip); }
void BM_Brotli(benchmark::State& s) { encode(s, Coding::kBrotli); }
BENCHMARK(BM_Gzip)->Arg(1)->Arg(5)->Arg(6)->Arg(9)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Brotli)->Arg(1)->Arg(4)->Arg(5)->Arg(6)->Unit(benchmark::kMillisecond);

void BM_JsonEdit(benchmark::State& state) {
  std::string in = "{\"customer\":{\"id\":7,\"name\":\"ann\"},\"client_meta\":{\"ua\":\"x\"},\"items\":" +
                   payload(static_cast<std::size_t>(state.range(0))) + "}";
  using gw::transform::JsonOp;
  gw::transform::JsonEdits edits(
      {{JsonOp::Kind::kRename, {"customer", "id"}, {"customer_id"}},
       {JsonOp::Kind::kRemove, {"client_meta"}, {}}});
  std::string out;
  for (auto _ : state) {
    edits.apply(in, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}
BENCHMARK(BM_JsonEdit)->Arg(1 << 10)->Arg(64 << 10)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
