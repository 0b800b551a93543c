#include "compiler/parse/loader.h"

#include <glob.h>
#include <limits.h>
#include <stdlib.h>

#include <algorithm>
#include <unordered_set>
#include <vector>

#include "compiler/parse/parser.h"

namespace gw {
namespace {

std::string dirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf)) {
    return buf;
  }
  return path;
}

bool hasGlob(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

class Loader {
 public:
  Loader(SourceManager& sources, DiagnosticSink& diags) : sources_(sources), diags_(diags) {}

  void visit(uint32_t fileId) {
    std::string path = sources_.file(fileId).path;
    std::string canon = canonical(path);
    loaded_.insert(canon);
    stack_.push_back({canon, {}});
    ast::File file = parseFile(sources_, fileId, diags_);
    std::vector<ast::Include> includes = file.includes;  // copy: `file` moves into the program
    program_.files.push_back(std::move(file));
    for (const ast::Include& inc : includes) {
      stack_.back().second = inc.span;
      for (const std::string& target : resolve(path, inc)) {
        std::string targetCanon = canonical(target);
        auto onStack = std::find_if(stack_.begin(), stack_.end(),
                                    [&](const auto& e) { return e.first == targetCanon; });
        if (onStack != stack_.end()) {
          reportCycle(inc, onStack);
          continue;
        }
        if (loaded_.count(targetCanon)) {
          continue;  // a diamond, not a cycle: already parsed once
        }
        std::string error;
        auto id = sources_.load(target, &error);
        if (!id) {
          diags_.report(DiagCode::MissingFile, inc.pattern.span, error);
          continue;
        }
        visit(*id);
      }
    }
    stack_.pop_back();
  }

  ast::Program take() { return std::move(program_); }

 private:
  std::vector<std::string> resolve(const std::string& from, const ast::Include& inc) {
    const std::string& pattern = inc.pattern.str;
    std::string full = !pattern.empty() && pattern[0] == '/' ? pattern : dirOf(from) + "/" + pattern;
    if (!hasGlob(pattern)) {
      return {full};
    }
    glob_t g{};
    std::vector<std::string> out;
    if (glob(full.c_str(), GLOB_ERR, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        out.emplace_back(g.gl_pathv[i]);
      }
    }
    globfree(&g);
    std::sort(out.begin(), out.end());
    if (out.empty()) {
      diags_.report(DiagCode::IncludeNoMatch, inc.pattern.span,
                    "include pattern `" + pattern + "` matches no file")
          .help = "patterns are relative to the including file's directory";
    }
    return out;
  }

  void reportCycle(const ast::Include& inc,
                   std::vector<std::pair<std::string, Span>>::iterator cycleStart) {
    Diagnostic& d = diags_.report(DiagCode::IncludeCycle, inc.pattern.span,
                                  "include cycle: `" + inc.pattern.str + "` includes a file "
                                  "that is already being included");
    for (auto it = cycleStart; it != stack_.end(); ++it) {
      if (it->second.valid() && &*it != &stack_.back()) {
        d.notes.push_back({"included from here", it->second});
      }
    }
    d.help = "remove one of the includes; a file may include another only once along a chain";
  }

  SourceManager& sources_;
  DiagnosticSink& diags_;
  ast::Program program_;
  std::unordered_set<std::string> loaded_;
  std::vector<std::pair<std::string, Span>> stack_;  // canonical path, the include being followed
};

}  // namespace

ast::Program loadProgram(SourceManager& sources, const std::string& rootPath,
                         DiagnosticSink& diags) {
  std::string error;
  auto id = sources.load(rootPath, &error);
  if (!id) {
    diags.report(DiagCode::MissingFile, Span{}, error);
    return {};
  }
  Loader loader(sources, diags);
  loader.visit(*id);
  return loader.take();
}

ast::Program loadProgramFromText(SourceManager& sources, const std::string& path,
                                 std::string text, DiagnosticSink& diags) {
  uint32_t id = sources.add(path, std::move(text));
  Loader loader(sources, diags);
  loader.visit(id);
  return loader.take();
}

}  // namespace gw
