#include "compiler/codegen/match_codegen.h"

#include <atomic>
#include <cstdlib>
#include <functional>
#include <map>

#include "gw/abi.h"

namespace gw::codegen {

namespace {

constexpr uint32_t kMaxDepth = 128;  // native::kMaxWalkSegments (stdlib/native/route_walk.h)
constexpr uint32_t kAllMethods = (1u << GW_METHOD_COUNT) - 1;

/// The arguments every node function receives.
struct Walk {
  llvm::Value* req;
  llvm::Value* ctx;
  llvm::Value* out;
  llvm::Value* flags;  // i32[2]: path+host matched, method matched
  llvm::Value* path;
  llvm::Value* len;
  llvm::Value* pos;  // start of the next segment; > len when the path is consumed
};

class MatchEmitter {
 public:
  explicit MatchEmitter(CodegenContext& c) : c_(c), b_(c.b), t_(c.program.matcher) {}
  llvm::Error run();

 private:
  void analyze();
  llvm::Function* nodeFn(uint32_t node, bool prefix);
  void defineNode(uint32_t node, bool prefix);
  void emitCandidates(ir::CandRange range, const Walk& w, llvm::Function* fn);
  llvm::Value* hostTest(const ir::MatchCandidate& cand, const Walk& w);
  llvm::Value* segmentEnd(const Walk& w, llvm::Function* fn);
  /// Where literal edges are being dispatched: the walk, the segment, the position after it,
  /// the function being emitted and the block to go to when no literal child matched.
  struct LitSite {
    Walk w;
    llvm::Value* seg;
    llvm::Value* next;
    llvm::Function* fn;
    llvm::BasicBlock* fail;
    bool prefix;
  };
  void emitLiteralEdges(uint32_t node, const LitSite& site, llvm::Value* segLen);
  void emitBytes(const std::vector<ir::LiteralEdge>& edges, size_t from, size_t length,
                 const LitSite& site);
  void emitOutlined(const std::vector<ir::LiteralEdge>& edges, size_t from, size_t length,
                    const LitSite& site);
  llvm::Value* memEq(llvm::Value* a, llvm::Value* b, size_t n);
  Walk argsOf(llvm::Function* fn);
  llvm::Value* callNode(uint32_t node, bool prefix, const Walk& w, llvm::Value* pos);

  CodegenContext& c_;
  llvm::IRBuilder<>& b_;
  const ir::MatchTree& t_;
  std::vector<uint32_t> depth_;
  std::vector<char> terminalBelow_, prefixBelow_;
  std::vector<llvm::Function*> nodeFns_, prefixFns_;
  llvm::FunctionType* nodeTy_ = nullptr;
};

void MatchEmitter::analyze() {
  size_t n = t_.nodes.size();
  depth_.assign(n, 0);
  terminalBelow_.assign(n, 0);
  prefixBelow_.assign(n, 0);
  std::vector<uint32_t> order{0};
  std::vector<char> seen(n, 0);
  seen[0] = 1;
  for (size_t i = 0; i < order.size(); ++i) {  // BFS: parents before children
    const ir::MatchNode& node = t_.nodes[order[i]];
    auto visit = [&](uint32_t child) {
      if (child < n && !seen[child]) {
        seen[child] = 1;
        depth_[child] = depth_[order[i]] + 1;
        order.push_back(child);
      }
    };
    for (const ir::LiteralEdge& e : node.edges) visit(e.child);
    if (node.paramChild >= 0) visit(static_cast<uint32_t>(node.paramChild));
  }
  for (size_t i = order.size(); i-- > 0;) {  // children before parents
    uint32_t id = order[i];
    const ir::MatchNode& node = t_.nodes[id];
    bool deep = depth_[id] < kMaxDepth;
    terminalBelow_[id] = node.terminal.count > 0;
    prefixBelow_[id] = node.prefix.count > 0;
    for (const ir::LiteralEdge& e : node.edges) {
      terminalBelow_[id] |= deep && e.child < n && terminalBelow_[e.child];
      prefixBelow_[id] |= deep && e.child < n && prefixBelow_[e.child];
    }
    if (node.paramChild >= 0 && deep) {
      terminalBelow_[id] |= terminalBelow_[static_cast<size_t>(node.paramChild)];
    }
  }
}

llvm::Function* MatchEmitter::nodeFn(uint32_t node, bool prefix) {
  auto& slot = prefix ? prefixFns_[node] : nodeFns_[node];
  if (slot == nullptr) {
    slot = llvm::Function::Create(nodeTy_, llvm::Function::InternalLinkage,
                                  (prefix ? "prefix." : "node.") + std::to_string(node), *c_.module);
    c_.decorate(slot);
    // One function per trie node, never inlined into each other: inlining the whole trie into
    // gw_match made one function of O(routes) blocks, and the O2 pipeline is superlinear on
    // such functions (minutes for 10 000 routes); a call per path segment costs a few ns.
    slot->addFnAttr(llvm::Attribute::NoInline);
  }
  return slot;
}

Walk MatchEmitter::argsOf(llvm::Function* fn) {
  return Walk{fn->getArg(0), fn->getArg(1), fn->getArg(2), fn->getArg(3),
              fn->getArg(4), fn->getArg(5), fn->getArg(6)};
}

llvm::Value* MatchEmitter::callNode(uint32_t node, bool prefix, const Walk& w, llvm::Value* pos) {
  return b_.CreateCall(nodeFn(node, prefix), {w.req, w.ctx, w.out, w.flags, w.path, w.len, pos});
}

llvm::Value* MatchEmitter::memEq(llvm::Value* a, llvm::Value* bytes, size_t n) {
  if (n == 0) {
    return b_.getTrue();
  }
  llvm::Value* r = b_.CreateCall(c_.memcmpFn(), {a, bytes, b_.getInt64(n)});
  return b_.CreateICmpEQ(r, b_.getInt32(0));
}

llvm::Value* MatchEmitter::hostTest(const ir::MatchCandidate& cand, const Walk& w) {
  if (cand.hostKind == ir::HostKind::Any || cand.host >= c_.program.strings.size()) {
    return cand.hostKind == ir::HostKind::Any ? b_.getTrue() : b_.getFalse();
  }
  size_t n = c_.program.strings[cand.host].size();
  llvm::Value* host = c_.loadAt(c_.ptrTy, w.req, offsetof(gw_request, host));
  llvm::Value* hostLen = c_.loadAt(c_.i64, w.req, offsetof(gw_request, host) + 8);
  llvm::Function* fn = b_.GetInsertBlock()->getParent();
  llvm::BasicBlock* from = b_.GetInsertBlock();
  auto* cmp = llvm::BasicBlock::Create(c_.llvm, "host.cmp", fn);
  auto* done = llvm::BasicBlock::Create(c_.llvm, "host.done", fn);
  llvm::Value* lenOk = cand.hostKind == ir::HostKind::Exact ? b_.CreateICmpEQ(hostLen, b_.getInt64(n))
                                                            : b_.CreateICmpUGT(hostLen, b_.getInt64(n));
  b_.CreateCondBr(lenOk, cmp, done);
  b_.SetInsertPoint(cmp);
  llvm::Value* start = cand.hostKind == ir::HostKind::Exact
                           ? host
                           : b_.CreateInBoundsGEP(b_.getInt8Ty(), host, b_.CreateSub(hostLen, b_.getInt64(n)));
  llvm::Value* eq = memEq(start, c_.poolString(cand.host), n);
  llvm::BasicBlock* cmpEnd = b_.GetInsertBlock();
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  auto* phi = b_.CreatePHI(c_.i1, 2);
  phi->addIncoming(b_.getFalse(), from);
  phi->addIncoming(eq, cmpEnd);
  return phi;
}

void MatchEmitter::emitCandidates(ir::CandRange range, const Walk& w, llvm::Function* fn) {
  for (uint32_t i = range.first; i < range.first + range.count && i < t_.candidates.size(); ++i) {
    const ir::MatchCandidate& cand = t_.candidates[i];
    auto* next = llvm::BasicBlock::Create(c_.llvm, "cand.next", fn);
    auto* hostOk = llvm::BasicBlock::Create(c_.llvm, "cand.host", fn);
    b_.CreateCondBr(hostTest(cand, w), hostOk, next);
    b_.SetInsertPoint(hostOk);
    uint32_t mask = cand.methodMask == 0 ? kAllMethods : cand.methodMask;
    c_.storeAt(b_.getInt32(1), w.flags, 0);
    llvm::Value* allow = c_.loadAt(c_.i32, w.out, offsetof(gw_match_result, allow_methods));
    c_.storeAt(b_.CreateOr(allow, b_.getInt32(mask)), w.out, offsetof(gw_match_result, allow_methods));
    llvm::Value* method = c_.loadAt(c_.i32, w.req, offsetof(gw_request, method_id));
    llvm::Value* inRange = b_.CreateICmpULT(method, b_.getInt32(GW_METHOD_COUNT));
    llvm::Value* shift = b_.CreateSelect(inRange, method, b_.getInt32(0));
    llvm::Value* bit = b_.CreateAnd(b_.CreateLShr(b_.getInt32(mask), shift), b_.getInt32(1));
    auto* methodOk = llvm::BasicBlock::Create(c_.llvm, "cand.method", fn);
    b_.CreateCondBr(b_.CreateAnd(inRange, b_.CreateICmpNE(bit, b_.getInt32(0))), methodOk, next);
    b_.SetInsertPoint(methodOk);
    c_.storeAt(b_.getInt32(1), w.flags, 4);
    if (cand.cond >= 0 && static_cast<size_t>(cand.cond) < c_.program.functions.size()) {
      // The condition reads the captures through ctx->params, as in the interpreter.
      size_t paramsAt = offsetof(gw_eval_ctx, params);
      size_t countAt = offsetof(gw_eval_ctx, param_count);
      llvm::Value* savedParams = c_.loadAt(c_.ptrTy, w.ctx, paramsAt);
      llvm::Value* savedCount = c_.loadAt(c_.i32, w.ctx, countAt);
      c_.storeAt(c_.at(w.out, offsetof(gw_match_result, params)), w.ctx, paramsAt);
      c_.storeAt(c_.loadAt(c_.i32, w.out, offsetof(gw_match_result, param_count)), w.ctx, countAt);
      llvm::Value* ok = b_.CreateCall(c_.irFunction(static_cast<uint32_t>(cand.cond)), {w.req, w.ctx});
      c_.storeAt(savedParams, w.ctx, paramsAt);
      c_.storeAt(savedCount, w.ctx, countAt);
      auto* condOk = llvm::BasicBlock::Create(c_.llvm, "cand.cond", fn);
      b_.CreateCondBr(b_.CreateICmpNE(ok, b_.getInt32(0)), condOk, next);
      b_.SetInsertPoint(condOk);
    }
    c_.storeAt(b_.getInt32(static_cast<int32_t>(cand.route)), w.out, offsetof(gw_match_result, route));
    c_.storeAt(b_.getInt32(0), w.out, offsetof(gw_match_result, status));
    c_.storeAt(b_.getInt32(0), w.out, offsetof(gw_match_result, allow_methods));
    b_.CreateRet(b_.getTrue());
    b_.SetInsertPoint(next);
  }
  b_.CreateRet(b_.getFalse());
}

llvm::Value* MatchEmitter::segmentEnd(const Walk& w, llvm::Function* fn) {
  llvm::BasicBlock* from = b_.GetInsertBlock();
  auto* head = llvm::BasicBlock::Create(c_.llvm, "seg.head", fn);
  auto* body = llvm::BasicBlock::Create(c_.llvm, "seg.body", fn);
  auto* done = llvm::BasicBlock::Create(c_.llvm, "seg.done", fn);
  b_.CreateBr(head);
  b_.SetInsertPoint(head);
  auto* i = b_.CreatePHI(c_.i64, 2);
  i->addIncoming(w.pos, from);
  b_.CreateCondBr(b_.CreateICmpEQ(i, w.len), done, body);
  b_.SetInsertPoint(body);
  llvm::Value* ch = b_.CreateLoad(b_.getInt8Ty(), b_.CreateInBoundsGEP(b_.getInt8Ty(), w.path, i));
  i->addIncoming(b_.CreateAdd(i, b_.getInt64(1)), body);
  b_.CreateCondBr(b_.CreateICmpEQ(ch, b_.getInt8('/')), done, head);
  b_.SetInsertPoint(done);
  return i;
}

// Switch cases with more literals than this are emitted in their own function, so no function
// grows with the number of routes (the O2 pipeline and instruction selection are superlinear
// in the size of one function).
constexpr size_t kOutlineLiterals = 24;

void MatchEmitter::emitOutlined(const std::vector<ir::LiteralEdge>& edges, size_t from,
                                size_t length, const LitSite& site) {
  auto* type = llvm::FunctionType::get(
      c_.i1, {c_.ptrTy, c_.ptrTy, c_.ptrTy, c_.ptrTy, c_.ptrTy, c_.i64, c_.ptrTy, c_.i64}, false);
  auto* fn = llvm::Function::Create(type, llvm::Function::InternalLinkage, "literals", *c_.module);
  c_.decorate(fn);
  fn->addFnAttr(llvm::Attribute::NoInline);
  const Walk& w = site.w;
  llvm::Value* r = b_.CreateCall(fn, {w.req, w.ctx, w.out, w.flags, w.path, w.len, site.seg, site.next});
  auto* found = llvm::BasicBlock::Create(c_.llvm, "lit.found", site.fn);
  b_.CreateCondBr(r, found, site.fail);
  b_.SetInsertPoint(found);
  b_.CreateRet(b_.getTrue());

  llvm::IRBuilderBase::InsertPointGuard guard(b_);
  b_.SetInsertPoint(llvm::BasicBlock::Create(c_.llvm, "entry", fn));
  auto* miss = llvm::BasicBlock::Create(c_.llvm, "miss", fn);
  LitSite inner{Walk{fn->getArg(0), fn->getArg(1), fn->getArg(2), fn->getArg(3), fn->getArg(4),
                     fn->getArg(5), nullptr},
                fn->getArg(6), fn->getArg(7), fn, miss, site.prefix};
  emitBytes(edges, from, length, inner);
  b_.SetInsertPoint(miss);
  b_.CreateRet(b_.getFalse());
}

void MatchEmitter::emitBytes(const std::vector<ir::LiteralEdge>& edges, size_t from,
                             size_t length, const LitSite& site) {
  const auto& pool = c_.program.strings;
  llvm::Function* fn = site.fn;
  if (edges.size() == 1) {
    const ir::LiteralEdge& e = edges[0];
    auto* hit = llvm::BasicBlock::Create(c_.llvm, "lit.hit", fn);
    llvm::Value* eq = memEq(c_.at(site.seg, from), c_.at(c_.poolString(e.segment), from), length - from);
    b_.CreateCondBr(eq, hit, site.fail);
    b_.SetInsertPoint(hit);
    auto* found = llvm::BasicBlock::Create(c_.llvm, "lit.found", fn);
    b_.CreateCondBr(callNode(e.child, site.prefix, site.w, site.next), found, site.fail);
    b_.SetInsertPoint(found);
    b_.CreateRet(b_.getTrue());
    return;
  }
  size_t split = from;  // the first byte where the literals differ (they are distinct)
  while (split < length) {
    char first = pool[edges[0].segment][split];
    bool same = true;
    for (const ir::LiteralEdge& e : edges) same = same && pool[e.segment][split] == first;
    if (!same) break;
    ++split;
  }
  if (split > from) {
    auto* rest = llvm::BasicBlock::Create(c_.llvm, "lit.common", fn);
    b_.CreateCondBr(memEq(c_.at(site.seg, from), c_.at(c_.poolString(edges[0].segment), from), split - from),
                    rest, site.fail);
    b_.SetInsertPoint(rest);
  }
  std::map<uint8_t, std::vector<ir::LiteralEdge>> byByte;
  for (const ir::LiteralEdge& e : edges) byByte[static_cast<uint8_t>(pool[e.segment][split])].push_back(e);
  llvm::Value* byte = b_.CreateLoad(b_.getInt8Ty(), c_.at(site.seg, split));
  llvm::SwitchInst* sw = b_.CreateSwitch(byte, site.fail, static_cast<unsigned>(byByte.size()));
  for (auto& [value, group] : byByte) {
    auto* caseBlock = llvm::BasicBlock::Create(c_.llvm, "lit.byte", fn);
    sw->addCase(b_.getInt8(value), caseBlock);
    b_.SetInsertPoint(caseBlock);
    if (group.size() > kOutlineLiterals) {
      emitOutlined(group, split + 1, length, site);
    } else {
      emitBytes(group, split + 1, length, site);
    }
  }
}

void MatchEmitter::emitLiteralEdges(uint32_t node, const LitSite& site, llvm::Value* segLen) {
  std::map<size_t, std::vector<ir::LiteralEdge>> byLength;
  for (const ir::LiteralEdge& e : t_.nodes[node].edges) {
    bool useful = e.child < t_.nodes.size() && e.segment < c_.program.strings.size() &&
                  (site.prefix ? prefixBelow_[e.child] : terminalBelow_[e.child]);
    if (useful) byLength[c_.program.strings[e.segment].size()].push_back(e);
  }
  llvm::SwitchInst* sw = b_.CreateSwitch(segLen, site.fail, static_cast<unsigned>(byLength.size()));
  for (auto& [length, edges] : byLength) {
    auto* caseBlock = llvm::BasicBlock::Create(c_.llvm, "len", site.fn);
    sw->addCase(b_.getInt64(length), caseBlock);
    b_.SetInsertPoint(caseBlock);
    if (edges.size() > kOutlineLiterals) {
      emitOutlined(edges, 0, length, site);
    } else {
      emitBytes(edges, 0, length, site);
    }
  }
}

void MatchEmitter::defineNode(uint32_t node, bool prefix) {
  llvm::Function* fn = nodeFn(node, prefix);
  const ir::MatchNode& n = t_.nodes[node];
  Walk w = argsOf(fn);
  b_.SetInsertPoint(llvm::BasicBlock::Create(c_.llvm, "entry", fn));
  auto* consumed = llvm::BasicBlock::Create(c_.llvm, "consumed", fn);
  auto* more = llvm::BasicBlock::Create(c_.llvm, "segment", fn);
  auto* after = llvm::BasicBlock::Create(c_.llvm, prefix ? "prefixes" : "param", fn);
  b_.CreateCondBr(b_.CreateICmpUGT(w.pos, w.len), consumed, more);

  b_.SetInsertPoint(consumed);
  if (prefix) {
    b_.CreateBr(after);
  } else {
    emitCandidates(n.terminal, w, fn);
  }

  b_.SetInsertPoint(more);
  if (depth_[node] >= kMaxDepth) {
    if (prefix) {
      b_.CreateBr(after);
    } else {
      b_.CreateRet(b_.getFalse());
    }
  } else {
    llvm::Value* end = segmentEnd(w, fn);
    llvm::Value* segLen = b_.CreateSub(end, w.pos);
    llvm::Value* seg = b_.CreateInBoundsGEP(b_.getInt8Ty(), w.path, w.pos);
    llvm::Value* next = b_.CreateAdd(end, b_.getInt64(1));
    emitLiteralEdges(node, LitSite{w, seg, next, fn, after, prefix}, segLen);
    b_.SetInsertPoint(after);
    if (prefix) {
      // fallthrough into this node's prefix candidates below
    } else if (n.paramChild >= 0 && terminalBelow_[static_cast<size_t>(n.paramChild)]) {
      size_t countAt = offsetof(gw_match_result, param_count);
      llvm::Value* count = c_.loadAt(c_.i32, w.out, countAt);
      auto* capture = llvm::BasicBlock::Create(c_.llvm, "capture", fn);
      auto* none = llvm::BasicBlock::Create(c_.llvm, "no.capture", fn);
      b_.CreateCondBr(b_.CreateAnd(b_.CreateICmpNE(segLen, b_.getInt64(0)),
                                   b_.CreateICmpULT(count, b_.getInt32(GW_MAX_PARAMS))),
                      capture, none);
      b_.SetInsertPoint(capture);
      llvm::Value* slot = b_.CreateInBoundsGEP(
          b_.getInt8Ty(), c_.at(w.out, offsetof(gw_match_result, params)),
          b_.CreateMul(b_.CreateZExt(count, c_.i64), b_.getInt64(sizeof(gw_param))));
      c_.storeAt(count, slot, offsetof(gw_param, name_index));
      c_.storeAt(b_.getInt32(0), slot, offsetof(gw_param, reserved));
      c_.storeAt(seg, slot, offsetof(gw_param, value) + offsetof(gw_str, ptr));
      c_.storeAt(segLen, slot, offsetof(gw_param, value) + offsetof(gw_str, len));
      c_.storeAt(b_.CreateAdd(count, b_.getInt32(1)), w.out, countAt);
      llvm::Value* found = callNode(static_cast<uint32_t>(n.paramChild), false, w, next);
      auto* matched = llvm::BasicBlock::Create(c_.llvm, "param.found", fn);
      auto* pop = llvm::BasicBlock::Create(c_.llvm, "param.pop", fn);
      b_.CreateCondBr(found, matched, pop);
      b_.SetInsertPoint(matched);
      b_.CreateRet(b_.getTrue());  // the captures of the winning route stay in `out`
      b_.SetInsertPoint(pop);
      c_.storeAt(count, w.out, countAt);
      b_.CreateRet(b_.getFalse());
      b_.SetInsertPoint(none);
      b_.CreateRet(b_.getFalse());
    } else {
      b_.CreateRet(b_.getFalse());
    }
  }
  if (prefix) {
    b_.SetInsertPoint(after);
    emitCandidates(n.prefix, w, fn);
  }
}

llvm::Error MatchEmitter::run() {
  nodeTy_ = llvm::FunctionType::get(c_.i1, {c_.ptrTy, c_.ptrTy, c_.ptrTy, c_.ptrTy, c_.ptrTy, c_.i64, c_.i64}, false);
  nodeFns_.assign(t_.nodes.size(), nullptr);
  prefixFns_.assign(t_.nodes.size(), nullptr);
  if (!t_.nodes.empty()) {
    analyze();
  }
  for (uint32_t i = 0; i < t_.nodes.size(); ++i) {
    if (terminalBelow_[i]) defineNode(i, false);
    if (prefixBelow_[i]) defineNode(i, true);
  }
  auto* type = llvm::FunctionType::get(b_.getVoidTy(), {c_.ptrTy, c_.ptrTy, c_.ptrTy}, false);
  auto* fn = llvm::Function::Create(type, llvm::Function::ExternalLinkage, matchSymbol(), *c_.module);
  c_.decorate(fn);
  b_.SetInsertPoint(llvm::BasicBlock::Create(c_.llvm, "entry", fn));
  llvm::Value* flags = b_.CreateAlloca(c_.i32, b_.getInt32(2));
  c_.storeAt(b_.getInt32(0), flags, 0);
  c_.storeAt(b_.getInt32(0), flags, 4);
  llvm::Value* req = fn->getArg(0);
  llvm::Value* out = fn->getArg(2);
  c_.storeAt(b_.getInt32(-1), out, offsetof(gw_match_result, route));
  c_.storeAt(b_.getInt32(0), out, offsetof(gw_match_result, status));
  c_.storeAt(b_.getInt32(0), out, offsetof(gw_match_result, allow_methods));
  c_.storeAt(b_.getInt32(0), out, offsetof(gw_match_result, param_count));
  llvm::Value* path = c_.loadAt(c_.ptrTy, req, offsetof(gw_request, path));
  llvm::Value* len = c_.loadAt(c_.i64, req, offsetof(gw_request, path) + 8);
  // First segment start: none for "" and "/", after a leading '/', else at 0 (as the interpreter).
  auto* nonEmpty = llvm::BasicBlock::Create(c_.llvm, "nonempty", fn);
  auto* start = llvm::BasicBlock::Create(c_.llvm, "start", fn);
  llvm::BasicBlock* entry = b_.GetInsertBlock();
  llvm::Value* consumed = b_.CreateAdd(len, b_.getInt64(1));
  b_.CreateCondBr(b_.CreateICmpEQ(len, b_.getInt64(0)), start, nonEmpty);
  b_.SetInsertPoint(nonEmpty);
  llvm::Value* slash = b_.CreateICmpEQ(b_.CreateLoad(b_.getInt8Ty(), path), b_.getInt8('/'));
  llvm::Value* justSlash = b_.CreateAnd(slash, b_.CreateICmpEQ(len, b_.getInt64(1)));
  llvm::Value* first = b_.CreateSelect(justSlash, consumed, b_.CreateZExt(slash, c_.i64));
  b_.CreateBr(start);
  b_.SetInsertPoint(start);
  auto* pos = b_.CreatePHI(c_.i64, 2);
  pos->addIncoming(consumed, entry);
  pos->addIncoming(first, nonEmpty);
  Walk w{req, fn->getArg(1), out, flags, path, len, pos};
  auto* miss = llvm::BasicBlock::Create(c_.llvm, "miss", fn);
  auto* hit = llvm::BasicBlock::Create(c_.llvm, "hit", fn);
  for (bool prefix : {false, true}) {
    if (!t_.nodes.empty() && (prefix ? prefixBelow_[0] : terminalBelow_[0])) {
      auto* next = llvm::BasicBlock::Create(c_.llvm, "next", fn);
      c_.storeAt(b_.getInt32(0), out, offsetof(gw_match_result, param_count));
      b_.CreateCondBr(callNode(0, prefix, w, pos), hit, next);
      b_.SetInsertPoint(next);
    }
  }
  b_.CreateBr(miss);
  b_.SetInsertPoint(miss);
  llvm::Value* pathHost = b_.CreateICmpNE(c_.loadAt(c_.i32, flags, 0), b_.getInt32(0));
  llvm::Value* methodOk = b_.CreateICmpNE(c_.loadAt(c_.i32, flags, 4), b_.getInt32(0));
  llvm::Value* is405 = b_.CreateAnd(pathHost, b_.CreateNot(methodOk));
  llvm::Value* allow = c_.loadAt(c_.i32, out, offsetof(gw_match_result, allow_methods));
  c_.storeAt(b_.getInt32(-1), out, offsetof(gw_match_result, route));
  c_.storeAt(b_.getInt32(0), out, offsetof(gw_match_result, param_count));
  c_.storeAt(b_.CreateSelect(is405, b_.getInt32(405), b_.getInt32(404)), out, offsetof(gw_match_result, status));
  c_.storeAt(b_.CreateSelect(is405, allow, b_.getInt32(0)), out, offsetof(gw_match_result, allow_methods));
  b_.CreateRetVoid();
  b_.SetInsertPoint(hit);
  b_.CreateRetVoid();
  return llvm::Error::success();
}

}  // namespace

llvm::Error emitMatcher(CodegenContext& ctx) { return MatchEmitter(ctx).run(); }

namespace {
std::atomic<size_t> nodeLimit{SIZE_MAX};  // SIZE_MAX: not set, read the environment
}  // namespace

size_t matchTreeNodeLimit() {
  size_t limit = nodeLimit.load(std::memory_order_relaxed);
  if (limit != SIZE_MAX) return limit;
  const char* env = std::getenv("GW_JIT_TREE_NODES");
  return env != nullptr ? static_cast<size_t>(std::strtoull(env, nullptr, 10)) : 128;
}

void setMatchTreeNodeLimit(size_t nodes) { nodeLimit.store(nodes, std::memory_order_relaxed); }

bool compilesMatchTree(const ir::MatchTree& tree) { return tree.nodes.size() <= matchTreeNodeLimit(); }

}  // namespace gw::codegen
