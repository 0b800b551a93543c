#pragma once
// `GW_PERF_MAP=1`: name linked code for `perf`. perf reads /tmp/perf-<pid>.map ("start size
// name" per line, hex) to symbolize samples in anonymous executable memory; without it,
// generated policy code shows up as unknown addresses.
#include "compiler/link/code_image.h"

namespace gw::link {

/// Appends one line per symbol of `image` to /tmp/perf-<pid>.map when the environment has
/// GW_PERF_MAP=1; does nothing otherwise. Lines of unloaded generations stay in the file (perf
/// has no way to retire them); a later generation's code at the same addresses is listed after
/// them. Thread-safe (one write per line under a process-wide lock); failures are ignored: a
/// profiling aid must not stop a policy from loading.
void recordPerfMap(const CodeImage& image);

}  // namespace gw::link
