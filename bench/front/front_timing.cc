// Times the front end phase by phase on one .gw file: load+parse (with includes), semantic
// analysis, and the summary. usage: front_timing FILE [REPEAT]
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <string>

#include "compiler/parse/loader.h"
#include "compiler/sema/sema.h"
#include "compiler/sema/summary.h"

namespace {

double msSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// CPU time of this process: on a shared, loaded machine wall time mostly measures the queue.
double cpuMs() { return 1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: front_timing FILE [REPEAT]\n");
    return 2;
  }
  int repeat = argc > 2 ? std::atoi(argv[2]) : 3;
  for (int i = 0; i < repeat; ++i) {
    gw::SourceManager sources;
    gw::DiagnosticSink diags;
    auto t0 = std::chrono::steady_clock::now();
    double c0 = cpuMs();
    gw::ast::Program program = gw::loadProgram(sources, argv[1], diags);
    double parseMs = msSince(t0);
    double parseCpu = cpuMs() - c0;
    if (program.files.empty()) {
      std::fprintf(stderr, "cannot read %s\n", argv[1]);
      return 2;
    }
    t0 = std::chrono::steady_clock::now();
    c0 = cpuMs();
    gw::sema::SemaOptions opts;
    opts.coverageLints = true;
    gw::sema::SemaResult r = gw::sema::analyze(program, sources, diags, opts);
    double semaMs = msSince(t0);
    double semaCpu = cpuMs() - c0;
    t0 = std::chrono::steady_clock::now();
    gw::sema::PolicySummary s = gw::sema::buildSummary(r.symbols, sources, diags, argv[1]);
    std::string text = gw::sema::renderSummaryText(s);
    double summaryMs = msSince(t0);
    std::printf(
        "routes=%zu parse=%.1fms (cpu %.1fms) sema=%.1fms (cpu %.1fms) summary=%.1fms "
        "errors=%zu warnings=%zu\n",
        r.symbols.routes.list.size(), parseMs, parseCpu, semaMs, semaCpu, summaryMs,
        diags.errorCount(), diags.warningCount());
  }
  return 0;
}
