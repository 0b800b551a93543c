// Native back end benchmarks: JIT match latency from 10 to 100 000 routes (static and templated
// paths), a 10-rule authorization program, compile + JIT time and peak memory, and .gwo load
// time against compile time, and the .gwo checksum. The interpreter's walk over the same tree is measured alongside.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>

#include "compiler/aot/gwo_loader.h"
#include "compiler/aot/gwo_writer.h"
#include "compiler/interp/interpreter.h"
#include "compiler/interp/linear_matcher.h"
#include "compiler/jit/native_policy.h"
#include "compiler/parse/loader.h"
#include "compiler/policy/build.h"
#include "compiler/sema/sema.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/SHA256.h"

namespace {

using gw::policy::CompiledPolicy;

/// N routes: half static (`/svc<i>/items`, GET), half templated (`/svc<i>/users/{id}`).
std::string routesSource(int n) {
  std::string s = "upstream u {\n  server 127.0.0.1:9001\n}\n";
  for (int i = 0; i < n; ++i) {
    if (i % 2 == 0) {
      s += "route s" + std::to_string(i) + " {\n  match { path \"/svc" + std::to_string(i) +
           "/items\" method [GET] }\n  forward u\n}\n";
    } else {
      s += "route p" + std::to_string(i) + " {\n  match { path \"/svc" + std::to_string(i) +
           "/users/{id}\" }\n  forward u\n}\n";
    }
  }
  return s;
}

std::shared_ptr<CompiledPolicy> frontEnd(const std::string& source) {
  gw::SourceManager sources;
  gw::DiagnosticSink diags;
  gw::ast::Program program = gw::loadProgramFromText(sources, "bench.gw", source, diags);
  gw::sema::SemaResult sr = gw::sema::analyze(program, sources, diags);
  if (!sr.ok() || diags.hasErrors()) return nullptr;
  return gw::policy::buildPolicy(program, sources, diags);
}

struct Compiled {
  std::shared_ptr<const CompiledPolicy> policy;
  std::shared_ptr<gw::jit::NativeCode> native;
};

const Compiled& jitPolicy(int n) {
  static std::map<int, Compiled> cache;
  auto it = cache.find(n);
  if (it == cache.end()) {
    gw::DiagnosticSink diags;
    Compiled c;
    c.policy = gw::jit::jitCompile(frontEnd(routesSource(n)), diags, &c.native);
    it = cache.emplace(n, c).first;
  }
  return it->second;
}

gw_request makeRequest(const std::string& path) {
  gw_request r{};
  r.abi_version = GW_ABI_VERSION;
  r.method_id = GW_METHOD_GET;
  r.method = gw_str{"GET", 3};
  r.path = gw_str{path.data(), path.size()};
  r.host = gw_str{"api.example.com", 15};
  return r;
}

enum class Matcher { Native, Interp, Linear };

void matchBench(benchmark::State& state, bool templated, Matcher how) {
  int n = static_cast<int>(state.range(0));
  const Compiled& c = jitPolicy(n);
  if (!c.policy) {
    state.SkipWithError("policy did not compile");
    return;
  }
  int mid = (n / 2) & ~1;  // an even index: a static route in the middle
  std::string path = templated ? "/svc" + std::to_string(mid + 1) + "/users/42"
                               : "/svc" + std::to_string(mid) + "/items";
  gw_request req = makeRequest(path);
  char scratch[64];
  gw_eval_ctx ctx = c.policy->makeContext(scratch, sizeof(scratch));
  gw_match_result out{};
  gw::interp::LinearMatcher linear(c.policy->ir());
  for (auto _ : state) {
    switch (how) {
      case Matcher::Native: c.native->runMatch(req, ctx, out); break;
      case Matcher::Interp: gw::interp::matchTree(c.policy->ir(), req, ctx, out); break;
      case Matcher::Linear: linear.match(req, ctx, out); break;
    }
    benchmark::DoNotOptimize(out);
  }
  state.counters["compiled_tree"] = c.native->match() != nullptr ? 1 : 0;
  if (out.route < 0) state.SkipWithError("the request did not match");
}

// "Jit" is the policy's native matcher: the compiled tree up to 128 nodes (10 routes), the
// route table with native conditions above (see codegen::compilesMatchTree); the counter
// `compiled_tree` says which.
void BM_JitMatchStatic(benchmark::State& s) { matchBench(s, false, Matcher::Native); }
void BM_JitMatchParam(benchmark::State& s) { matchBench(s, true, Matcher::Native); }
void BM_InterpMatchStatic(benchmark::State& s) { matchBench(s, false, Matcher::Interp); }
void BM_InterpMatchParam(benchmark::State& s) { matchBench(s, true, Matcher::Interp); }
void BM_LinearMatchStatic(benchmark::State& s) { matchBench(s, false, Matcher::Linear); }
void BM_LinearMatchParam(benchmark::State& s) { matchBench(s, true, Matcher::Linear); }
#define GW_ROUTE_COUNTS ->Arg(10)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000)
BENCHMARK(BM_JitMatchStatic) GW_ROUTE_COUNTS;
BENCHMARK(BM_JitMatchParam) GW_ROUTE_COUNTS;
BENCHMARK(BM_InterpMatchStatic) GW_ROUTE_COUNTS;
BENCHMARK(BM_InterpMatchParam) GW_ROUTE_COUNTS;
BENCHMARK(BM_LinearMatchStatic) GW_ROUTE_COUNTS;
BENCHMARK(BM_LinearMatchParam) GW_ROUTE_COUNTS;

/// A route whose `authorize` has 10 rules; the request is decided by the last allow.
void BM_JitAuthorize10Rules(benchmark::State& state) {
  std::string s = "upstream u {\n  server 127.0.0.1:9001\n}\n"
                  "auth k api_key {\n  header \"X-API-Key\"\n  keys file \"keys.csv\"\n}\n"
                  "route r {\n  match { path prefix \"/\" }\n  authenticate k\n  authorize {\n";
  for (int i = 0; i < 9; ++i) {
    s += i % 3 == 0 ? "    deny when request.header(\"x-t\") == \"t" + std::to_string(i) + "\"\n"
                    : "    allow when auth.subject == \"s" + std::to_string(i) + "\"\n";
  }
  s += "    allow roles [\"admin\"]\n  }\n  forward u\n}\n";
  static Compiled c;
  if (!c.policy) {
    gw::DiagnosticSink diags;
    c.policy = gw::jit::jitCompile(frontEnd(s), diags, &c.native);
  }
  if (!c.policy) {
    state.SkipWithError("policy did not compile");
    return;
  }
  gw_request req = makeRequest("/x");
  gw_str roles[] = {{"admin", 5}};
  req.auth_roles = gw_str_list{roles, 1};
  req.auth_subject = gw_str{"nobody", 6};
  req.authenticated = 1;
  char scratch[64];
  gw_eval_ctx ctx = c.policy->makeContext(scratch, sizeof(scratch));
  gw_bool_fn fn = c.native->authzFunction(0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn(&req, &ctx));
  }
}
BENCHMARK(BM_JitAuthorize10Rules);

long peakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

/// IR -> object -> linked code for N routes (the front end is excluded: it is measured in
/// bench/match); reports the peak RSS growth of the process.
void BM_CompileAndJit(benchmark::State& state) {
  int n = static_cast<int>(state.range(0));
  std::string source = routesSource(n);
  long before = peakRssKb();
  for (auto _ : state) {
    state.PauseTiming();
    auto policy = frontEnd(source);
    state.ResumeTiming();
    gw::DiagnosticSink diags;
    auto compiled = gw::jit::jitCompile(policy, diags);
    benchmark::DoNotOptimize(compiled);
  }
  state.counters["peak_rss_growth_mb"] = static_cast<double>(peakRssKb() - before) / 1024.0;
}
BENCHMARK(BM_CompileAndJit)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(2);

/// Loads the .gwo `bytes` once per iteration (tables, link, no optimizer); reports its size.
void loadEachIteration(benchmark::State& state, const std::string& bytes) {
  for (auto _ : state) {
    gw::aot::GwoError error;
    auto loaded = gw::aot::loadGwo(bytes, &error);
    if (!loaded) state.SkipWithError(error.message.c_str());
    benchmark::DoNotOptimize(loaded);
  }
  state.counters["gwo_bytes"] = static_cast<double>(bytes.size());
}

/// Loading the same policy from .gwo bytes (tables decode + link, no optimizer).
void BM_LoadGwo(benchmark::State& state) {
  int n = static_cast<int>(state.range(0));
  auto policy = frontEnd(routesSource(n));
  gw::DiagnosticSink diags;
  std::string bytes;
  if (!policy || !gw::aot::writeGwo(*policy, {routesSource(n)}, &bytes, diags)) {
    state.SkipWithError("cannot write the .gwo");
    return;
  }
  loadEachIteration(state, bytes);
}
BENCHMARK(BM_LoadGwo)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(5);

/// Loading a .gwo file named by GW_BENCH_GWO (skipped when unset), e.g. one `gwc compile` made
/// from `bench/load/gen_policy.py N --repeat`: unlike BM_LoadGwo's policy, its object holds a
/// function per distinct program and per-route `authorize`, so the link step has real work.
void BM_LoadGwoFile(benchmark::State& state) {
  const char* path = std::getenv("GW_BENCH_GWO");
  if (path == nullptr) {
    state.SkipWithError("set GW_BENCH_GWO to a .gwo file");
    return;
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  loadEachIteration(state, bytes);
}
BENCHMARK(BM_LoadGwoFile)->Unit(benchmark::kMillisecond)->Iterations(5);

/// What `gw run x.gwo` does with the file GW_BENCH_GWO names: read it, take its hash (the
/// policy's identity in /status) and load it. BM_LoadGwoFile times only loadGwo on bytes in
/// memory; this adds the read and the file hash a real start or reload pays.
void BM_LoadGwoPath(benchmark::State& state) {
  const char* path = std::getenv("GW_BENCH_GWO");
  if (path == nullptr) {
    state.SkipWithError("set GW_BENCH_GWO to a .gwo file");
    return;
  }
  for (auto _ : state) {
    gw::aot::GwoError error;
    gw::aot::Sha256 fileHash{};
    auto loaded = gw::aot::loadGwoFile(path, &error, nullptr, &fileHash);
    if (!loaded) state.SkipWithError(error.message.c_str());
    benchmark::DoNotOptimize(loaded);
    benchmark::DoNotOptimize(fileHash);
  }
}
BENCHMARK(BM_LoadGwoPath)->Unit(benchmark::kMillisecond)->Iterations(5);

/// The .gwo checksum over 8 MiB: LLVM's portable SHA-256 (what format 3 and earlier used) against
/// aot::sha256 (OpenSSL, SHA-NI or AVX2 where the CPU has them). Same digest.
void BM_GwoChecksum(benchmark::State& state) {
  std::string bytes(8u << 20, '\0');
  std::mt19937_64 rng(1);
  for (char& c : bytes) c = static_cast<char>(rng());
  bool portable = state.range(0) == 0;
  for (auto _ : state) {
    if (portable) {
      benchmark::DoNotOptimize(llvm::SHA256::hash(
          llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())));
    } else {
      benchmark::DoNotOptimize(gw::aot::sha256(bytes));
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.SetLabel(portable ? "llvm::SHA256" : "OpenSSL EVP_Digest");
}
BENCHMARK(BM_GwoChecksum)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
