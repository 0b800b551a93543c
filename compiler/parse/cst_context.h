#pragma once
// Internal to compiler/parse: the base class of every generated parse-tree context (GwParser.g4
// sets `contextSuperClass`). ANTLR's ParserRuleContext finds children for the generated
// accessors (`ctx->name()`, `ctx->STRING()`, `ctx->routeItem()`) with two dynamic_casts per
// child, and the CST -> AST walk calls those accessors for every item: they were a fifth of
// the parse time. These replacements give the same answers with one type_info comparison per
// child (terminal or not) and, for rule children, the rule index.
#include <cstddef>
#include <new>
#include <typeinfo>
#include <vector>

#include "antlr4-runtime.h"
#include "compiler/parse/parse_arena.h"

namespace gw::parse {

class CstContext : public antlr4::ParserRuleContext {
 public:
  CstContext() = default;
  CstContext(antlr4::ParserRuleContext* parent, size_t invokingState)
      : antlr4::ParserRuleContext(parent, invokingState) {}

  /// Every generated context (the parser creates them with plain `new`) comes from the
  /// current ArenaScope's arena when there is one (see parse_arena.h), else from the heap. A
  /// 16-byte header says which, so delete (run by the parser's tree tracker) frees only heap
  /// ones; arena memory goes when the arena does.
  static void* operator new(size_t size) {
    ParseArena* arena = ArenaScope::current();
    auto* base = static_cast<std::byte*>(arena ? arena->allocate(size + kHeader)
                                               : ::operator new(size + kHeader));
    *reinterpret_cast<bool*>(base) = arena != nullptr;
    return base + kHeader;
  }
  static void operator delete(void* p) noexcept {
    if (!p) {
      return;
    }
    std::byte* base = static_cast<std::byte*>(p) - kHeader;
    if (!*reinterpret_cast<bool*>(base)) {
      ::operator delete(base);
    }
  }

  /// Whether `node` has exactly the dynamic type `T`. The generated context classes and
  /// ANTLR's node classes each have one type_info object in the process (they have key
  /// functions, and nothing is loaded with RTLD_LOCAL), so comparing addresses is exact;
  /// `type_info::operator==` would strcmp the mangled names whenever the types differ, the
  /// common case in the CST -> AST walk.
  template <class T>
  static bool isA(const antlr4::tree::ParseTree* node) {
    return &typeid(*node) == &typeid(T);
  }

  /// A leaf of the tree: a matched token or an error node. Everything else in a parser-built
  /// tree is a rule context.
  static bool isTerminal(const antlr4::tree::ParseTree* node) {
    return isA<antlr4::tree::TerminalNodeImpl>(node) || isA<antlr4::tree::ErrorNodeImpl>(node);
  }

  // Hide ParserRuleContext's templates: the generated accessors call these unqualified. `T` is
  // always a rule's base context class there; its rule index identifies it and every labelled
  // alternative of that rule.
  template <class T>
  T* getRuleContext(size_t i) {
    const size_t rule = ruleIndexOf<T>();
    size_t j = 0;
    for (antlr4::tree::ParseTree* child : children) {
      if (!isTerminal(child) &&
          static_cast<antlr4::ParserRuleContext*>(child)->getRuleIndex() == rule && j++ == i) {
        return static_cast<T*>(child);
      }
    }
    return nullptr;
  }

  template <class T>
  std::vector<T*> getRuleContexts() {
    const size_t rule = ruleIndexOf<T>();
    std::vector<T*> out;
    for (antlr4::tree::ParseTree* child : children) {
      if (!isTerminal(child) &&
          static_cast<antlr4::ParserRuleContext*>(child)->getRuleIndex() == rule) {
        out.push_back(static_cast<T*>(child));
      }
    }
    return out;
  }

  antlr4::tree::TerminalNode* getToken(size_t ttype, size_t i) override {
    size_t j = 0;
    for (antlr4::tree::ParseTree* child : children) {
      if (isTerminal(child)) {
        auto* node = static_cast<antlr4::tree::TerminalNode*>(child);
        if (node->getSymbol()->getType() == ttype && j++ == i) {
          return node;
        }
      }
    }
    return nullptr;
  }

  std::vector<antlr4::tree::TerminalNode*> getTokens(size_t ttype) override {
    std::vector<antlr4::tree::TerminalNode*> out;
    for (antlr4::tree::ParseTree* child : children) {
      if (isTerminal(child)) {
        auto* node = static_cast<antlr4::tree::TerminalNode*>(child);
        if (node->getSymbol()->getType() == ttype) {
          out.push_back(node);
        }
      }
    }
    return out;
  }

 private:
  static constexpr size_t kHeader = 16;  // keeps the object 16-byte aligned

  template <class T>
  static size_t ruleIndexOf() {
    static const size_t index = T(nullptr, 0).getRuleIndex();
    return index;
  }
};

}  // namespace gw::parse

namespace gwparse {
/// The name GwParser.g4's `contextSuperClass` option refers to from inside the generated code.
using CstContext = ::gw::parse::CstContext;
}  // namespace gwparse
