// What a run profile (and each of its steps) did: the run history record.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace idsync {

// A per-object problem, as the run history shows it.
struct ObjectError {
  std::string dn;
  std::string error_type;  // e.g. "sync-rule-error-function-triggered", "ambiguous-join", "export-error"
  std::string message;
};

// Step counters use the reference product's names (REFERENCE.md "Run profiles and cycles"):
// stage-add, stage-update, stage-rename, stage-delete, stage-delete-add, stage-no-change,
// stage-failure, connector-flow, connector-no-flow, disconnector, disconnector-filtered,
// joined, projected, provisioned, deprovisioned, export-add, export-update, export-rename,
// export-delete, export-failure, exported-change-not-reimported, mv-deleted, ...
struct StepResult {
  int step_number = 1;
  std::string step_type;        // "Full Import", ...
  std::string result = "success";
  std::map<std::string, uint64_t> counters;
  std::vector<ObjectError> errors;  // at most the first kMaxRecordedErrors
  uint64_t error_count = 0;
  double seconds = 0;
};

inline constexpr size_t kMaxRecordedErrors = 5000;

struct RunResult {
  int64_t run_id = 0;
  int64_t run_number = 0;
  std::string connector;
  std::string run_profile;
  std::string result = "success";
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::vector<StepResult> steps;
};

struct Progress {
  std::string connector;
  std::string step;
  uint64_t done = 0;
  uint64_t total = 0;  // 0 when unknown
};
using ProgressCallback = std::function<void(const Progress&)>;

}  // namespace idsync
