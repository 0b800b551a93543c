#pragma once

#include <string>

namespace gw::gateway {

/// The directory part of `path` as a string the policy's relative paths resolve against and
/// inotify can watch: "." for a bare file name, "/" for a file at the root.
inline std::string dirOf(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace gw::gateway
