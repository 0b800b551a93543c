// gwc fmt FILE... [--check] [--stdout]: canonical formatting (compiler/fmt). A file with syntax
// errors is never rewritten. Exit: 0 formatted (or already canonical), 1 errors in a file or,
// with --check, a file that is not formatted, 2 usage or I/O errors.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "compiler/diag/render.h"
#include "compiler/fmt/formatter.h"
#include "compiler/fmt/line_diff.h"
#include "compiler/tools/commands.h"

namespace gw::tools {
namespace {

bool readAll(const std::string& path, std::string* out, std::string* error) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    *out = ss.str();
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    *error = "read error";
    return false;
  }
  *out = ss.str();
  return true;
}

// Writes through a temporary file in the same directory and renames it over `path`, so an
// interrupted write never leaves a truncated policy. Keeps the file's permission bits.
bool writeAtomically(const std::string& path, const std::string& text, std::string* error) {
  std::string tmp = path + ".gwfmt." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out || !(out << text) || !out.flush()) {
      *error = std::strerror(errno);
      std::remove(tmp.c_str());
      return false;
    }
  }
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    chmod(tmp.c_str(), st.st_mode & 07777);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    *error = std::strerror(errno);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

void usage() { std::cerr << "usage: gwc fmt FILE... [--check] [--stdout]   (FILE `-` is stdin)\n"; }

}  // namespace

int runFmt(const Args& args) {
  bool check = false, toStdout = false;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    if (a == "--check") {
      check = true;
    } else if (a == "--stdout") {
      toStdout = true;
    } else if (a.size() > 1 && a[0] == '-') {
      std::cerr << "gwc fmt: unknown option `" << a << "`\n";
      usage();
      return 2;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    usage();
    return 2;
  }
  int status = 0;
  bool ioError = false;
  for (const std::string& path : files) {
    std::string text, error;
    if (!readAll(path, &text, &error)) {
      std::cerr << "gwc fmt: cannot read `" << path << "`: " << error << "\n";
      ioError = true;
      continue;
    }
    SourceManager sources;
    DiagnosticSink diags;
    std::optional<std::string> out = fmt::formatText(sources, path, text, diags);
    if (!out) {
      diags.sort();
      std::cerr << renderText(diags, sources, false);
      std::cerr << "gwc fmt: `" << path << "` has errors; not formatted\n";
      status = 1;
      continue;
    }
    if (check) {
      if (*out != text) {
        std::cout << fmt::unifiedDiff(text, *out, "a/" + path, "b/" + path);
        status = 1;
      }
    } else if (toStdout || path == "-") {
      std::cout << *out;
    } else if (*out != text && !writeAtomically(path, *out, &error)) {
      std::cerr << "gwc fmt: cannot write `" << path << "`: " << error << "\n";
      ioError = true;
    }
  }
  std::cout.flush();
  return ioError ? 2 : status;
}

}  // namespace gw::tools
