#include "compiler/jit/jit_engine.h"

#include <algorithm>

#include "compiler/jit/native_symbols.h"
#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"

namespace gw::jit {

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

namespace {

// ORC reports link failures (an unresolved symbol) to the session's error reporter and hands the
// caller only "failed to materialize". Linking runs on the loading thread (no compile threads),
// so the reporter keeps the detail per thread and `load` appends it to the error it returns.
thread_local std::string tlsSessionErrors;

/// Builds the host TargetInfo from the same builder the JIT uses.
TargetInfo describeTarget(const llvm::orc::JITTargetMachineBuilder& builder) {
  TargetInfo info;
  info.triple = builder.getTargetTriple().str();
  info.cpu = builder.getCPU();
  info.features = builder.getFeatures().getString();
  return info;
}

}  // namespace

llvm::Expected<std::shared_ptr<JitEngine>> JitEngine::instance() {
  static std::mutex mutex;
  static std::shared_ptr<JitEngine> engine;
  std::lock_guard<std::mutex> lock(mutex);
  if (engine) {
    return engine;
  }
  static const bool targetReady = [] {
    return !llvm::InitializeNativeTarget() && !llvm::InitializeNativeTargetAsmPrinter();
  }();
  if (!targetReady) {
    return llvm::createStringError("the native code generator is not available on this host");
  }
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder) {
    return builder.takeError();
  }
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Default);
  builder->setRelocationModel(llvm::Reloc::PIC_);
  builder->setCodeModel(llvm::CodeModel::Small);

  std::shared_ptr<JitEngine> created(new JitEngine());
  created->builder_ = *builder;
  created->host_ = describeTarget(*builder);
  // No process-symbol search: generated code sees only the native symbol map, defined per
  // generation. The inactive platform needs no ORC runtime and runs no static initializers.
  auto jit = llvm::orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(*builder)
                 .setLinkProcessSymbolsByDefault(false)
                 .setPlatformSetUp(llvm::orc::setUpInactivePlatform)
                 .create();
  if (!jit) {
    return jit.takeError();
  }
  created->jit_ = std::move(*jit);
  created->jit_->getExecutionSession().setErrorReporter([](llvm::Error err) {
    std::string message = takeErrorMessage(std::move(err));
    if (!tlsSessionErrors.empty()) {
      tlsSessionErrors += "; ";
    }
    tlsSessionErrors += message;
  });
  engine = created;
  return engine;
}

JitEngine::~JitEngine() = default;

llvm::Expected<std::unique_ptr<llvm::TargetMachine>> JitEngine::createTargetMachine() const {
  llvm::orc::JITTargetMachineBuilder copy = *builder_;
  return copy.createTargetMachine();
}

llvm::Error JitEngine::defineRuntimeSymbols(llvm::orc::JITDylib& dylib) {
  llvm::orc::SymbolMap map;
  for (const NativeSymbol& symbol : nativeSymbols()) {
    map[jit_->mangleAndIntern(symbol.name)] = llvm::orc::ExecutorSymbolDef(
        llvm::orc::ExecutorAddr(symbol.address),
        llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
  }
  return dylib.define(llvm::orc::absoluteSymbols(std::move(map)));
}

llvm::Expected<std::unique_ptr<LoadedCode>> JitEngine::load(
    std::unique_ptr<llvm::MemoryBuffer> object, const std::vector<std::string>& symbols) {
  llvm::orc::JITDylib* dylib = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto created = jit_->createJITDylib("gw.generation." + std::to_string(++generation_));
    if (!created) {
      return created.takeError();
    }
    dylib = &*created;
  }
  auto tracker = dylib->createResourceTracker();
  std::unique_ptr<LoadedCode> code(new LoadedCode(shared_from_this(), dylib, tracker));
  code->objectSize_ = object->getBufferSize();
  if (llvm::Error err = defineRuntimeSymbols(*dylib)) {
    return err;
  }
  if (llvm::Error err = jit_->addObjectFile(tracker, std::move(object))) {
    return err;
  }
  // Looking the symbols up here materializes (links) the object now, off the request path,
  // and surfaces link errors (an unresolved external) as an error instead of at first call.
  // One lookup for every entry point: a lookup per name costs a session round trip each, which
  // dominated loading a policy with thousands of functions.
  tlsSessionErrors.clear();
  llvm::orc::SymbolLookupSet wanted;
  std::vector<llvm::orc::SymbolStringPtr> interned;
  interned.reserve(symbols.size());
  for (const std::string& name : symbols) {
    interned.push_back(jit_->mangleAndIntern(name));
    wanted.add(interned.back());
  }
  auto found = jit_->getExecutionSession().lookup(
      llvm::orc::makeJITDylibSearchOrder(dylib, llvm::orc::JITDylibLookupFlags::MatchAllSymbols),
      std::move(wanted));
  if (!found) {
    std::string message = takeErrorMessage(found.takeError());
    if (!tlsSessionErrors.empty()) {
      message = tlsSessionErrors + " (" + message + ")";
      tlsSessionErrors.clear();
    }
    return llvm::createStringError(message);
  }
  code->symbols_.reserve(symbols.size());
  for (size_t i = 0; i < symbols.size(); ++i) {
    auto it = found->find(interned[i]);
    if (it == found->end()) {
      return llvm::createStringError("the policy's code does not define `" + symbols[i] + "`");
    }
    code->symbols_.emplace_back(symbols[i], it->second.getAddress().getValue());
  }
  std::sort(code->symbols_.begin(), code->symbols_.end());
  return code;
}

void JitEngine::unload(llvm::orc::JITDylib* dylib, llvm::orc::ResourceTrackerSP tracker) {
  // Removing code cannot be reported to anyone (a destructor), so failures are consumed; they
  // only happen when the session is already torn down.
  if (tracker) {
    llvm::consumeError(tracker->remove());
  }
  std::lock_guard<std::mutex> lock(mutex_);
  llvm::consumeError(jit_->getExecutionSession().removeJITDylib(*dylib));
}

LoadedCode::LoadedCode(std::shared_ptr<JitEngine> engine, llvm::orc::JITDylib* dylib,
                       llvm::orc::ResourceTrackerSP tracker)
    : engine_(std::move(engine)), dylib_(dylib), tracker_(std::move(tracker)) {}

LoadedCode::~LoadedCode() { engine_->unload(dylib_, std::move(tracker_)); }

uint64_t LoadedCode::address(std::string_view name) const {
  auto it = std::lower_bound(symbols_.begin(), symbols_.end(), name,
                             [](const auto& entry, std::string_view key) { return entry.first < key; });
  return it != symbols_.end() && it->first == name ? it->second : 0;
}

}  // namespace gw::jit
