// The content of an export preview (idsync/preview.h), gathered from the store by
// collect_preview() and turned into HTML by render_preview_html(). Text here is raw directory
// data: the renderer escapes all of it.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "idsync/export_limits.h"
#include "idsync/preview.h"

namespace idsync {

// In the order the page lists them: most dangerous first.
enum class Risk : uint8_t { kDelete, kAnchorChange, kUpnChange, kMemberRemovals, kRename, kNone };
const char* risk_name(Risk r);  // "delete", "anchor change", ...

struct PreviewChange {
  std::string attribute;
  std::string operation;  // "set", "replace", "add values", "remove values"
  std::string old_text;   // what the directory holds (summarized)
  std::string new_text;   // what the export writes (summarized)
};

struct PreviewItem {
  std::string object_type;
  std::string dn;
  std::string operation;  // "Add", "Update", "Rename", "Delete"
  std::string new_dn;
  Risk risk = Risk::kNone;   // the most dangerous of its risks
  std::string risk_detail;   // every risk, in words
  uint64_t weight = 0;       // member removals: more is riskier
  bool over_limit = false;   // this object alone makes the export stop
  std::vector<PreviewChange> changes;
};

struct PreviewReport {
  std::string connector;
  std::string store_path;
  uint64_t objects = 0;  // connector space objects (placeholders excluded)
  uint64_t pending = 0;
  uint64_t deletes = 0;
  std::map<std::string, std::map<std::string, uint64_t>> counts;  // object type → operation → n
  std::map<Risk, uint64_t> risk_counts;
  std::vector<PreviewItem> risky;  // riskiest first, at most max_risky
  std::vector<PreviewItem> rows;   // riskiest first, at most max_rows
  std::vector<std::string> stop_reasons;  // why the next export would stop; empty = it would run
  DeletionThreshold deletion;
  MemberRemovalLimit member_removal;
  bool staging_mode = false;
};

Result<PreviewReport> collect_preview(const PreviewRequest& request);
void render_preview_html(const PreviewReport& report, const std::string& nonce, std::ostream& out);

}  // namespace idsync
