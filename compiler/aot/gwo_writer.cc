#include "compiler/aot/gwo_writer.h"

#include "compiler/aot/gwo_format.h"
#include "compiler/aot/policy_tables_codec.h"
#include "compiler/jit/native_policy.h"
#include "gw/abi.h"

namespace gw::aot {

bool writeGwo(const policy::CompiledPolicy& policy, const std::vector<std::string>& sourceTexts,
              std::string* out, DiagnosticSink& diags) {
  auto object = jit::compileObject(policy, diags);
  if (!object) {
    return false;
  }
  GwoContents c;
  c.abiVersion = GW_ABI_VERSION;
  c.sourceHash = hashSourceTexts(sourceTexts);
  c.triple = object->target.triple;
  c.cpu = object->target.cpu;
  c.features = object->target.features;
  c.symbols = object->symbols;
  c.tables = encodeTables(policy);
  c.object = std::move(object->object);
  c.sharedFunctions = std::move(object->shared.functions);
  c.sharedAuthz = std::move(object->shared.authz);
  *out = encodeGwo(c);
  return true;
}

}  // namespace gw::aot
