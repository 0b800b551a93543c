// The hand-written .gw lexer (see hand_lexer.h). ANTLR lexers pick the longest match over all
// rules and break ties by rule order; each scanX below returns the longest match of the rules
// that can start with the current byte, in GwLexer.g4's order, so ties resolve the same way.
#include "compiler/parse/hand_lexer.h"

#include <array>
#include <unordered_map>

#include "GwLexer.h"
#include "compiler/source/utf8.h"

namespace gw::parse {
namespace {

using L = gwparse::GwLexer;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isWordStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isWordChar(char c) { return isWordStart(c) || isDigit(c) || c == '-'; }
bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Keywords and punctuation come from the generated vocabulary (the literal names of GwLexer.g4's
// rules), so adding a keyword to the grammar needs no change here.
struct Literals {
  std::unordered_map<std::string_view, size_t> words;
  std::unordered_map<std::string_view, size_t> punct;  // one and two characters
  std::vector<std::string> storage;
};

const Literals& literals() {
  static const Literals table = [] {
    Literals t;
    antlr4::ANTLRInputStream empty("");
    L lexer(&empty);
    const antlr4::dfa::Vocabulary& vocab = lexer.getVocabulary();
    t.storage.reserve(vocab.getMaxTokenType() + 1);
    for (size_t type = 1; type <= vocab.getMaxTokenType(); ++type) {
      std::string lit = vocab.getLiteralName(type);
      if (lit.size() < 3 || lit.front() != '\'' || lit.back() != '\'') {
        continue;
      }
      t.storage.push_back(lit.substr(1, lit.size() - 2));
    }
    size_t i = 0;
    for (size_t type = 1; type <= vocab.getMaxTokenType(); ++type) {
      std::string lit = vocab.getLiteralName(type);
      if (lit.size() < 3 || lit.front() != '\'' || lit.back() != '\'') {
        continue;
      }
      std::string_view s = t.storage[i++];
      (isWordStart(s[0]) ? t.words : t.punct).emplace(s, type);
    }
    return t;
  }();
  return table;
}

// Length of the UTF-8 sequence a lead byte starts (1 for ASCII and for stray bytes).
size_t sequenceLength(unsigned char c) {
  if (c < 0xC0) return 1;
  if (c < 0xE0) return 2;
  if (c < 0xF0) return 3;
  return 4;
}

}  // namespace

std::optional<size_t> firstInvalidUtf8(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp = 0;
    size_t len = decodeUtf8(text, i, &cp);
    if (len == 0) {
      return i;
    }
    i += len;
  }
  return std::nullopt;
}

HandLexer::HandLexer(std::string_view text, std::string sourceName)
    : text_(text), sourceName_(std::move(sourceName)) {
  // Like antlr4::ANTLRInputStream, a leading UTF-8 byte order mark is not part of the input:
  // indexes, lines and columns start after it.
  if (text_.starts_with("\xEF\xBB\xBF")) {
    text_.remove_prefix(3);
  }
  literals();  // build the tables before the first token, not inside the hot loop
}

size_t HandLexer::codePointLength(size_t at) const {
  return at < text_.size() ? sequenceLength(static_cast<unsigned char>(text_[at])) : 0;
}

size_t HandLexer::digitsAt(size_t at) const {
  size_t i = at;
  while (i < text_.size() && isDigit(text_[i])) {
    ++i;
  }
  return i - at;
}

// IPV4_FRAG: DIGITS '.' DIGITS '.' DIGITS '.' DIGITS; 0 when it does not match.
size_t HandLexer::ipv4At(size_t at) const {
  size_t i = at;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= text_.size() || text_[i] != '.') {
        return 0;
      }
      ++i;
    }
    size_t d = digitsAt(i);
    if (d == 0) {
      return 0;
    }
    i += d;
  }
  return i - at;
}

// TIME_UNIT: 'ms' | 'us' | 's' | 'm' | 'h' | 'd' (longest first).
size_t HandLexer::timeUnitAt(size_t at) const {
  std::string_view rest = text_.substr(std::min(at, text_.size()));
  if (rest.starts_with("ms") || rest.starts_with("us")) {
    return 2;
  }
  if (!rest.empty() && (rest[0] == 's' || rest[0] == 'm' || rest[0] == 'h' || rest[0] == 'd')) {
    return 1;
  }
  return 0;
}

// SIZE_UNIT: 'b' | 'kb' | 'mb' | 'gb' | 'kib' | 'mib' | 'gib' | 'KB' | 'MB' | 'GB'.
size_t HandLexer::sizeUnitAt(size_t at) const {
  static constexpr std::array<std::string_view, 10> kUnits = {
      "kib", "mib", "gib", "kb", "mb", "gb", "KB", "MB", "GB", "b"};  // longest first
  std::string_view rest = text_.substr(std::min(at, text_.size()));
  for (std::string_view u : kUnits) {
    if (rest.starts_with(u)) {
      return u.size();
    }
  }
  return 0;
}

// Keywords, IDENT and ADDRESS's `localhost` form.
HandLexer::Match HandLexer::scanWord() const {
  size_t i = pos_ + 1;
  while (i < text_.size() && isWordChar(text_[i])) {
    ++i;
  }
  std::string_view word = text_.substr(pos_, i - pos_);
  static constexpr std::string_view kLocalhost = "localhost";
  if (text_.substr(pos_).starts_with(kLocalhost) && pos_ + kLocalhost.size() < text_.size() &&
      text_[pos_ + kLocalhost.size()] == ':') {
    size_t d = digitsAt(pos_ + kLocalhost.size() + 1);
    if (d > 0) {
      return {L::ADDRESS, kLocalhost.size() + 1 + d};  // always longer than the word
    }
  }
  const auto& words = literals().words;
  auto it = words.find(word);
  return {it != words.end() ? it->second : static_cast<size_t>(L::IDENT), word.size()};
}

// CIDR, ADDRESS, IPV4, RATE_LIT, DURATION, SIZE, PERCENT, FLOAT, INT: longest wins, ties go to
// the earlier rule (candidates are tried in rule order and only a longer match replaces one).
HandLexer::Match HandLexer::scanNumber() const {
  Match best;
  auto offer = [&best](size_t type, size_t length) {
    if (length > best.length) {
      best = {type, length};
    }
  };
  auto at = [this](size_t i) { return i < text_.size() ? text_[i] : '\0'; };
  if (size_t ip = ipv4At(pos_)) {
    size_t sep = pos_ + ip;
    if (at(sep) == '/' && digitsAt(sep + 1) > 0) {
      offer(L::CIDR, ip + 1 + digitsAt(sep + 1));
    }
    if (at(sep) == ':' && digitsAt(sep + 1) > 0) {
      offer(L::ADDRESS, ip + 1 + digitsAt(sep + 1));
    }
    offer(L::IPV4, ip);
  }
  size_t d = digitsAt(pos_);
  size_t end = pos_ + d;
  if (at(end) == '/') {
    size_t denom = end + 1 + digitsAt(end + 1);
    if (size_t u = timeUnitAt(denom)) {
      offer(L::RATE_LIT, denom + u - pos_);
    }
  }
  // DIGITS ('.' DIGITS)? then a unit: the fraction is taken when present (a unit never starts
  // with '.', so the shorter reading cannot match).
  size_t num = end;
  if (at(end) == '.' && digitsAt(end + 1) > 0) {
    num = end + 1 + digitsAt(end + 1);
  }
  if (size_t u = timeUnitAt(num)) {
    offer(L::DURATION, num + u - pos_);
  }
  if (size_t u = sizeUnitAt(num)) {
    offer(L::SIZE, num + u - pos_);
  }
  if (at(num) == '%') {
    offer(L::PERCENT, num + 1 - pos_);
  }
  if (num != end) {
    offer(L::FLOAT, num - pos_);
  }
  offer(L::INT, d);
  return best;
}

// STRING, or UNTERMINATED_STRING when the line (or the file) ends first.
HandLexer::Match HandLexer::scanString() const {
  size_t i = pos_ + 1;
  while (i < text_.size()) {
    char c = text_[i];
    if (c == '"') {
      return {L::STRING, i + 1 - pos_};
    }
    if (c == '\r' || c == '\n') {
      break;
    }
    if (c == '\\') {
      if (i + 1 >= text_.size() || text_[i + 1] == '\r' || text_[i + 1] == '\n') {
        break;  // the backslash is not part of the string: it lexes on its own
      }
      i += 1 + codePointLength(i + 1);
      continue;
    }
    i += codePointLength(i);
  }
  return {L::UNTERMINATED_STRING, i - pos_};
}

// REGEX: '/' body+ '/' [a-z]*, else '/' is an UNKNOWN_CHAR.
HandLexer::Match HandLexer::scanRegex() const {
  size_t i = pos_ + 1;
  while (i < text_.size()) {
    char c = text_[i];
    if (c == '/') {
      if (i == pos_ + 1) {
        break;  // empty body
      }
      ++i;
      while (i < text_.size() && text_[i] >= 'a' && text_[i] <= 'z') {
        ++i;
      }
      return {L::REGEX, i - pos_};
    }
    if (c == '\r' || c == '\n') {
      break;
    }
    if (c == '\\') {
      if (i + 1 >= text_.size() || text_[i + 1] == '\r' || text_[i + 1] == '\n') {
        break;
      }
      i += 1 + codePointLength(i + 1);
      continue;
    }
    i += codePointLength(i);
  }
  return {L::UNKNOWN_CHAR, 1};
}

HandLexer::Match HandLexer::scanPunct() const {
  const auto& punct = literals().punct;
  if (pos_ + 1 < text_.size()) {
    auto it = punct.find(text_.substr(pos_, 2));
    if (it != punct.end()) {
      return {it->second, 2};
    }
  }
  auto it = punct.find(text_.substr(pos_, 1));
  if (it != punct.end()) {
    return {it->second, 1};
  }
  return {L::UNKNOWN_CHAR, codePointLength(pos_)};
}

HandLexer::Match HandLexer::scan() const {
  char c = text_[pos_];
  if (isWordStart(c)) {
    return scanWord();
  }
  if (isDigit(c)) {
    return scanNumber();
  }
  switch (c) {
    case '"': return scanString();
    case '/': return scanRegex();
    case '#': {
      size_t i = pos_ + 1;
      while (i < text_.size() && text_[i] != '\r' && text_[i] != '\n') {
        ++i;
      }
      return {L::COMMENT, i - pos_};
    }
    case ' ':
    case '\t':
    case '\r':
    case '\n': {
      size_t i = pos_ + 1;
      while (i < text_.size() &&
             (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\r' || text_[i] == '\n')) {
        ++i;
      }
      return {L::WS, i - pos_};
    }
    default: return scanPunct();
  }
}

HandLexer::Lexeme HandLexer::next() {
  if (pos_ >= text_.size()) {
    // Like antlr4::Lexer::emitEOF: start = size, stop = size - 1, text "<EOF>" (what
    // CommonToken::getText() answers for an EOF token of the generated lexer).
    return Lexeme{antlr4::Token::EOF, antlr4::Token::DEFAULT_CHANNEL, codePoint_, codePoint_ - 1,
                  line_, column_, "<EOF>"};
  }
  Match m = scan();
  std::string_view text = text_.substr(pos_, m.length);
  size_t codePoints = 0;
  size_t newlines = 0;
  size_t lastNewline = 0;  // code points up to and including the last '\n'
  for (char c : text) {
    if (!isContinuation(static_cast<unsigned char>(c))) {
      ++codePoints;
      if (c == '\n') {
        ++newlines;
        lastNewline = codePoints;
      }
    }
  }
  size_t channel = m.type == L::COMMENT || m.type == L::WS ? antlr4::Token::HIDDEN_CHANNEL
                                                           : antlr4::Token::DEFAULT_CHANNEL;
  Lexeme lx{m.type, channel, codePoint_, codePoint_ + codePoints - 1, line_, column_, text};
  pos_ += m.length;
  codePoint_ += codePoints;
  if (newlines > 0) {
    line_ += newlines;
    column_ = codePoints - lastNewline;
  } else {
    column_ += codePoints;
  }
  return lx;
}

std::unique_ptr<antlr4::Token> HandLexer::nextToken() {
  Lexeme lx = next();
  auto tok = std::make_unique<antlr4::CommonToken>(
      std::make_pair(static_cast<antlr4::TokenSource*>(this), nullptr), lx.type, lx.channel,
      lx.start, lx.stop);
  tok->setText(std::string(lx.text));
  tok->setLine(lx.line);
  tok->setCharPositionInLine(lx.column);
  return tok;
}

}  // namespace gw::parse
