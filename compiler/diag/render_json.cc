#include <nlohmann/json.hpp>

#include "compiler/diag/render.h"

namespace gw {
namespace {

using nlohmann::json;

const char* severityName(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

json location(const Span& span, const SourceManager& sources) {
  if (!span.valid() || span.file >= sources.size()) {
    return nullptr;
  }
  return json{{"file", sources.file(span.file).path},
              {"line", span.line},
              {"column", span.col},
              {"length", span.length}};
}

// SARIF levels: error, warning, note.
const char* sarifLevel(Severity s) { return severityName(s); }

}  // namespace

std::string renderJson(const DiagnosticSink& diags, const SourceManager& sources) {
  json list = json::array();
  for (const Diagnostic& d : diags.all()) {
    json notes = json::array();
    for (const DiagNote& n : d.notes) {
      notes.push_back(json{{"message", n.message}, {"location", location(n.span, sources)}});
    }
    json item{{"code", diagInfo(d.code).code},
              {"severity", severityName(d.severity)},
              {"message", d.message},
              {"location", location(d.span, sources)},
              {"notes", notes}};
    if (!d.help.empty()) {
      item["help"] = d.help;
    }
    list.push_back(std::move(item));
  }
  json doc{{"diagnostics", list},
           {"errors", diags.errorCount()},
           {"warnings", diags.warningCount()}};
  return doc.dump(2) + "\n";
}

std::string renderSarif(const DiagnosticSink& diags, const SourceManager& sources) {
  json rules = json::array();
  for (DiagCode c : allDiagCodes()) {
    const DiagInfo& info = diagInfo(c);
    rules.push_back(json{{"id", info.code},
                         {"shortDescription", {{"text", info.title}}},
                         {"defaultConfiguration", {{"level", sarifLevel(info.severity)}}}});
  }
  json results = json::array();
  for (const Diagnostic& d : diags.all()) {
    std::string text = d.message;
    if (!d.help.empty()) {
      text += " (help: " + d.help + ")";
    }
    json result{{"ruleId", diagInfo(d.code).code},
                {"level", sarifLevel(d.severity)},
                {"message", {{"text", text}}}};
    if (d.span.valid() && d.span.file < sources.size()) {
      result["locations"] = json::array({json{
          {"physicalLocation",
           {{"artifactLocation", {{"uri", sources.file(d.span.file).path}}},
            {"region",
             {{"startLine", d.span.line},
              {"startColumn", d.span.col},
              {"endColumn", d.span.col + std::max<uint32_t>(1, d.span.length)}}}}}}});
    }
    json related = json::array();
    for (const DiagNote& n : d.notes) {
      if (n.span.valid() && n.span.file < sources.size()) {
        related.push_back(json{
            {"message", {{"text", n.message}}},
            {"physicalLocation",
             {{"artifactLocation", {{"uri", sources.file(n.span.file).path}}},
              {"region", {{"startLine", n.span.line}, {"startColumn", n.span.col}}}}}});
      }
    }
    if (!related.empty()) {
      result["relatedLocations"] = related;
    }
    results.push_back(std::move(result));
  }
  json doc{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::array({json{{"tool",
                                  {{"driver",
                                    {{"name", "gwc"},
                                     {"informationUri", "https://github.com/gw-gateway/gw"},
                                     {"rules", rules}}}}},
                                 {"results", results}}})}};
  return doc.dump(2) + "\n";
}

}  // namespace gw
