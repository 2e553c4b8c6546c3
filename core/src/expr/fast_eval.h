// The fast lane: evaluates the single-valued common path (attributes with one value, literals,
// IIF, IsPresent, comparisons, &, Left/Right/Trim/LCase/UCase/InStr/CBool/BitAnd/Len, CRef and
// DNComponent) into string views over the object's own values, the program's literals and a
// per-thread scratch arena, so a typical flow expression allocates nothing until its final
// Value is built (tests/expr/allocation_test.cc counts operator new to hold this).
//
// It never decides an error or a multi-valued case itself: whenever it meets one (a runtime
// error, a multi-valued attribute, binary operands, ...) it reports kBail and the caller runs
// the generic evaluator from the top, which produces the exact result or message. Evaluation is
// free of side effects, so re-running is safe. Subtrees it has no fast form for are evaluated
// generically in place and copied into the arena when they yield one value.
#pragma once

#include "expr/evaluator.h"

namespace idsync::expr {

enum class FastResult : uint8_t { kOk, kBail };

// Sets op on every call node the fast lane handles (done once, at compile time).
void prepare_fast(Node& node);

// On kOk, `out` holds the result (never multi-valued). Reentrant and thread-safe: the scratch
// arena is per thread and restored to its previous mark on return.
FastResult fast_evaluate(const Node& root, Frame& frame, Value& out);

// Tests and the fuzzer compare the two lanes: false makes Program::evaluate use only the
// generic evaluator (process-wide; default true).
void set_fast_lane_enabled(bool enabled);
bool fast_lane_enabled();

}  // namespace idsync::expr
