#include "compiler/link/perf_map.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

namespace gw::link {

void recordPerfMap(const CodeImage& image) {
  static const bool enabled = [] {
    const char* v = std::getenv("GW_PERF_MAP");
    return v != nullptr && std::strcmp(v, "1") == 0;
  }();
  if (!enabled) return;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  std::string path = "/tmp/perf-" + std::to_string(::getpid()) + ".map";
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) return;
  for (const CodeImage::Symbol& s : image.symbols()) {
    std::fprintf(file, "%llx %llx %s\n", static_cast<unsigned long long>(s.address),
                 static_cast<unsigned long long>(s.size), s.name.c_str());
  }
  std::fclose(file);
}

}  // namespace gw::link
