#pragma once
// The TABLES section of a .gwo: everything a CompiledPolicy holds besides code (the IR program
// with its constant pool, regexes, functions and matcher; the route table; auth, limit and
// upstream declarations), in a compact little-endian binary form. One field list per struct
// (`fields(archive, value)`) drives both directions, so writer and reader cannot drift.
// The reader bounds-checks every length and validates every cross-reference index, so a file
// that passed the checksum but lies cannot make the interpreter or the loader read out of range.
#include <memory>
#include <string>

#include "compiler/policy/compiled_policy.h"

namespace gw::aot {

/// Serializes the tables of `policy`.
std::string encodeTables(const policy::CompiledPolicy& policy);

/// Rebuilds a CompiledPolicy (interpreter code installed, regexes compiled) from `bytes`.
/// nullptr and `error` when malformed or inconsistent.
std::shared_ptr<policy::CompiledPolicy> decodeTables(std::string_view bytes, std::string* error);

}  // namespace gw::aot
