#include "compiler/jit/llvm_target.h"

#include <optional>

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"

namespace gw::jit {

namespace {

/// The host's machine builder, detected once (initialises the native target on first use).
struct HostBuilder {
  std::optional<llvm::orc::JITTargetMachineBuilder> builder;
  TargetInfo info;
  std::string error;
};

const HostBuilder& hostBuilder() {
  static const HostBuilder host = [] {
    HostBuilder h;
    if (llvm::InitializeNativeTarget() || llvm::InitializeNativeTargetAsmPrinter()) {
      h.error = "the native code generator is not available on this host";
      return h;
    }
    auto detected = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!detected) {
      h.error = takeErrorMessage(detected.takeError());
      return h;
    }
    detected->setCodeGenOptLevel(llvm::CodeGenOptLevel::Default);
    detected->setRelocationModel(llvm::Reloc::PIC_);
    detected->setCodeModel(llvm::CodeModel::Small);
    h.info.triple = detected->getTargetTriple().str();
    h.info.cpu = detected->getCPU();
    h.info.features = detected->getFeatures().getString();
    h.builder = std::move(*detected);
    return h;
  }();
  return host;
}

}  // namespace

std::string takeErrorMessage(llvm::Error error) {
  std::string message;
  llvm::handleAllErrors(std::move(error), [&](const llvm::ErrorInfoBase& info) {
    if (!message.empty()) {
      message += "; ";
    }
    message += info.message();
  });
  return message;
}

bool hostTarget(TargetInfo* out, std::string* error) {
  const HostBuilder& host = hostBuilder();
  if (!host.builder) {
    if (error) *error = host.error;
    return false;
  }
  *out = host.info;
  return true;
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>> createHostTargetMachine() {
  const HostBuilder& host = hostBuilder();
  if (!host.builder) {
    return llvm::createStringError(host.error);
  }
  llvm::orc::JITTargetMachineBuilder copy = *host.builder;  // createTargetMachine is not const
  return copy.createTargetMachine();
}

}  // namespace gw::jit
