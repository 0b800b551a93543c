#pragma once
// The host's x86-64 CPU features under LLVM's names ("avx2", "bmi2", "sse4.2", ...), detected
// with CPUID and XGETBV the way LLVM's sys::getHostCPUFeatures does, but without LLVM: the
// `.gwo` loader checks an object's TARGET features with it, so a gw that does not map libLLVM
// can still refuse code its CPU cannot run. tests/unit/aot/host_cpu_test.cc compares it with
// LLVM's own detection on the machine that runs the tests. Computed once; thread-safe.
#include <map>
#include <string>

namespace gw::aot {

/// Every feature name this detector knows, with whether the host has it (and the OS saves the
/// register state it needs: AVX, AVX-512 and AMX need XGETBV's consent).
const std::map<std::string, bool>& hostCpuFeatures();

/// The target triple LLVM generates code for on this host ("x86_64-pc-linux-gnu"), as recorded
/// at build time from the libLLVM that gwc links (llvm-config --host-target).
const char* hostTriple();

/// True when the host has every feature an object was built with (`features` as recorded by
/// the code generator: "+avx2,-avx512f,..."; only "+" entries matter). False with `*missing`
/// naming the first feature the host lacks, or one this detector does not know (refused:
/// running code for an unknown extension could die with SIGILL).
bool hostHasFeatures(const std::string& features, std::string* missing);

}  // namespace gw::aot
