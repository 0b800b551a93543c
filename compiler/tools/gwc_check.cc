// gwc check FILE... [--format text|json|sarif] [--werror] [--summary] [--color auto|always|never]
// Loads each root file with its includes, runs semantic analysis and prints every diagnostic.
// Exit status: 0 clean, 1 errors (or warnings with --werror), 2 usage or I/O error.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "compiler/diag/render.h"
#include "compiler/parse/loader.h"
#include "compiler/sema/sema.h"
#include "compiler/sema/summary.h"
#include "compiler/tools/commands.h"

namespace gw::tools {

namespace {

struct CheckOptions {
  std::vector<std::string> files;
  std::string format = "text";
  std::string color = "auto";
  bool werror = false;
  bool summary = false;
};

const char* kUsage =
    "usage: gwc check FILE... [--format text|json|sarif] [--werror] [--summary]\n"
    "                 [--color auto|always|never]\n";

std::optional<CheckOptions> parseArgs(const Args& args) {
  CheckOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= args.size()) {
        std::cerr << "gwc check: `" << a << "` needs a value\n";
        return false;
      }
      out = args[++i];
      return true;
    };
    if (a == "--format") {
      if (!value(o.format)) return std::nullopt;
    } else if (a.rfind("--format=", 0) == 0) {
      o.format = a.substr(9);
    } else if (a == "--color") {
      if (!value(o.color)) return std::nullopt;
    } else if (a.rfind("--color=", 0) == 0) {
      o.color = a.substr(8);
    } else if (a == "--werror") {
      o.werror = true;
    } else if (a == "--summary") {
      o.summary = true;
    } else if (a.size() > 1 && a[0] == '-') {
      std::cerr << "gwc check: unknown option `" << a << "`\n";
      return std::nullopt;
    } else {
      o.files.push_back(a);
    }
  }
  if (o.files.empty()) {
    std::cerr << "gwc check: no input file\n";
    return std::nullopt;
  }
  if (o.format != "text" && o.format != "json" && o.format != "sarif") {
    std::cerr << "gwc check: unknown format `" << o.format << "` (text, json or sarif)\n";
    return std::nullopt;
  }
  if (o.color != "auto" && o.color != "always" && o.color != "never") {
    std::cerr << "gwc check: unknown color mode `" << o.color << "` (auto, always or never)\n";
    return std::nullopt;
  }
  return o;
}

bool useColor(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR") && term && std::strcmp(term, "dumb");
}

// Syntax and file errors leave holes in the program; semantic errors found in it would mostly
// be consequences, so analysis waits until the input parses.
bool parsedCleanly(const DiagnosticSink& diags, size_t from) {
  for (size_t i = from; i < diags.all().size(); ++i) {
    switch (diags.all()[i].code) {
      case DiagCode::SyntaxError: case DiagCode::MissingFile: case DiagCode::IncludeCycle:
      case DiagCode::IncludeNoMatch: case DiagCode::NestingTooDeep: case DiagCode::InvalidEncoding:
        return false;
      default:
        break;
    }
  }
  return true;
}

}  // namespace

int runCheck(const Args& args) {
  std::optional<CheckOptions> opts = parseArgs(args);
  if (!opts) {
    std::cerr << kUsage;
    return 2;
  }
  SourceManager sources;
  DiagnosticSink diags;
  std::vector<ast::Program> programs;  // kept alive: summaries point into them
  std::vector<sema::PolicySummary> summaries;
  bool ioError = false;
  sema::SemaOptions semaOptions;
  semaOptions.coverageLints = opts->summary;
  for (const std::string& path : opts->files) {
    size_t firstDiag = diags.all().size();
    programs.push_back(loadProgram(sources, path, diags));
    ast::Program& program = programs.back();
    if (program.files.empty()) {
      ioError = true;
      continue;
    }
    if (!parsedCleanly(diags, firstDiag)) {
      continue;
    }
    sema::SemaResult result = sema::analyze(program, sources, diags, semaOptions);
    if (opts->summary) {
      summaries.push_back(sema::buildSummary(result.symbols, sources, diags, path));
    }
  }
  diags.sort();
  if (opts->format == "sarif") {
    std::cout << renderSarif(diags, sources);
  } else if (opts->format == "json") {
    nlohmann::json doc = nlohmann::json::parse(renderJson(diags, sources));
    if (opts->summary) {
      doc["summary"] = nlohmann::json::array();
      for (const sema::PolicySummary& s : summaries) doc["summary"].push_back(sema::summaryToJson(s));
    }
    std::cout << doc.dump(2) << "\n";
  } else {
    std::cout << renderText(diags, sources, useColor(opts->color));
    for (const sema::PolicySummary& s : summaries) {
      std::cout << (diags.all().empty() ? "" : "\n") << sema::renderSummaryText(s);
    }
  }
  if (ioError) return 2;
  if (diags.hasErrors()) return 1;
  if (opts->werror && diags.warningCount() > 0) return 1;
  return 0;
}

}  // namespace gw::tools
