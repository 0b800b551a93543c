// E0301: a weighted `forward` gives every target a percentage (or none) and they sum to 100%;
// each percentage is above 0%. E0108: a target listed twice.
#include <cmath>
#include <cstdio>

#include "compiler/sema/check_context.h"

namespace gw::sema {

using namespace gw::ast;

namespace {

std::string percentText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", v);
  return buf;
}

void checkForward(CheckContext& ctx, const Forward& fw) {
  size_t withPercent = 0;
  double sum = 0;
  for (size_t i = 0; i < fw.targets.size(); ++i) {
    const ForwardTarget& t = fw.targets[i];
    for (size_t j = 0; j < i; ++j) {
      if (fw.targets[j].upstream.text == t.upstream.text) {
        ctx.report(DiagCode::DuplicateName, t.upstream.span,
                   "upstream `" + t.upstream.text + "` is listed twice in `forward`")
            .help = "give it one share: merge the two percentages";
        break;
      }
    }
    if (!t.percent) {
      continue;
    }
    ++withPercent;
    sum += t.percent->f;
    if (t.percent->f <= 0 || t.percent->f > 100) {
      ctx.report(DiagCode::OutOfRange, t.percent->span,
                 "a forward share must be above 0% and at most 100%, found " + t.percent->raw);
    }
  }
  if (withPercent == 0) {
    return;
  }
  if (withPercent != fw.targets.size()) {
    for (const ForwardTarget& t : fw.targets) {
      if (!t.percent) {
        ctx.report(DiagCode::WeightSum, t.span,
                   "upstream `" + t.upstream.text + "` has no share while other targets do")
            .help = "give every target a percentage, e.g. `" + t.upstream.text + " 10%`";
      }
    }
    return;
  }
  if (fw.targets.size() == 1 && std::fabs(sum - 100) > 1e-9) {
    ctx.report(DiagCode::WeightSum, fw.targets[0].percent->span,
               "a single forward target takes every request; its share must be 100% or omitted")
        .help = "remove `" + fw.targets[0].percent->raw + "`";
    return;
  }
  if (std::fabs(sum - 100) > 1e-9) {
    Diagnostic& d = ctx.report(DiagCode::WeightSum, fw.span,
                               "forward shares sum to " + percentText(sum) + ", not 100%");
    for (const ForwardTarget& t : fw.targets) {
      d.notes.push_back({"`" + t.upstream.text + "` takes " + t.percent->raw, Span{}});
    }
    d.help = sum < 100 ? "add " + percentText(100 - sum) + " to one of the targets"
                       : "remove " + percentText(sum - 100) + " from the targets";
  }
}

}  // namespace

void checkWeights(CheckContext& ctx) {
  for (const File& f : ctx.program.files) {
    for (const Route& r : f.routes) {
      if (r.forward) {
        checkForward(ctx, *r.forward);
      }
    }
  }
}

}  // namespace gw::sema
