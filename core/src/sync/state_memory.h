// Where a SyncState's memory goes: a walk over every structure that sums the heap it holds,
// per connector space and for the metaverse (holograms, pending imports, pending exports,
// unconfirmed exports, indexes).
//
// For the administrator's and the developer's view of issue 5 (peak memory of a cycle) and for
// tests that prove a step released what it no longer needs. The walk reads the state only; do
// not run it while a step changes the state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/memory_usage.h"

namespace idsync {

class SyncState;

struct MemoryRow {
  std::string name;     // e.g. "cs idsync.example: hologram"
  uint64_t count = 0;   // objects (or index entries) the row covers
  HeapBytes bytes;      // allocated includes the objects' own fixed-size parts
};

struct StateMemory {
  std::vector<MemoryRow> rows;
  uint64_t total_allocated() const;
  uint64_t total_payload() const;
  // The row named `name`, or nullptr.
  const MemoryRow* find(const std::string& name) const;
  // A fixed-width table, one row a line, with MB and share of the total.
  std::string table() const;
};

StateMemory measure_state_memory(const SyncState& state);

}  // namespace idsync
