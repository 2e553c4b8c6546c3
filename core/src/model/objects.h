// Connector space and metaverse objects, as the engine holds them in memory and the store
// persists them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "idsync/entry.h"
#include "model/attribute_set.h"
#include "model/cold_changes.h"
#include "model/cold_set.h"
#include "model/compact_string.h"
#include "model/interned_name.h"
#include "model/pending_changes.h"

namespace idsync {

using CsId = uint64_t;      // unique within a server, never reused
using MvId = uint64_t;      // unique within a server, never reused; 0 = none
using ConnectorId = uint32_t;

// What the last import found and sync has not yet applied (REFERENCE.md "Objects and states").
enum class PendingImportKind : uint8_t { kNone, kAdd, kUpdate, kDelete, kDeleteAdd };
enum class PendingExportKind : uint8_t { kNone, kAdd, kUpdate, kDelete };
enum class ConnectorState : uint8_t {
  kNormal,                 // joined by rules, or a disconnector that no rule joins
  kExplicitConnector,      // kept joined by an administrator
  kExplicitDisconnector,   // kept apart by an administrator or deprovisioning
  kFiltered,               // removed by a connector filter
};

const char* pending_import_kind_name(PendingImportKind kind);
const char* pending_export_kind_name(PendingExportKind kind);
const char* connector_state_name(ConnectorState state);

// The kind last: in a CsObject the fields after it share its tail padding.
struct PendingExport {
  CompactString new_dn;             // a rename when non-empty and different from the DN
  ColdChanges changes;              // by attribute id, in one block, cold between steps (issue 5)
  PendingExportKind kind = PendingExportKind::kNone;
  bool empty() const { return kind == PendingExportKind::kNone; }
  bool operator==(const PendingExport&) const = default;
};

// Laid out for size (issue 5: two of these per directory object): 8-byte fields first; the
// pending export is [[no_unique_address]] so the inline anchor, the connector id and the
// packed enums and flags fill its tail padding. 112 bytes; the DN is the only heap block an
// ordinary object has besides its attribute sets. The enums and the four flags are
// bit-fields sharing bytes: safe because each object is read and written by one thread at a
// time (the rule of the parallel full sync), never by two at once.
struct CsObject {
  CsId id = 0;
  MvId mv = 0;                // 0 = disconnector
  CompactString dn;
  InternedName object_type;
  // Cold between steps (model/cold_set.h): read them through view() or CsSetsView.
  ColdSet hologram;      // the object as last imported and synchronized
  ColdSet import_state;  // the full new state for kAdd / kUpdate / kDeleteAdd
  ColdSet unconfirmed;   // exported values not yet seen again by an import
  CompactString import_dn;    // new DN for a rename seen on import
  CompactString error;        // last import / sync / export error, shown to the admin
  [[no_unique_address]] PendingExport pending_export;
  ShortString anchor;         // raw bytes; empty until the directory has assigned one
  PendingImportKind pending_import : 3 = PendingImportKind::kNone;
  ConnectorState state : 2 = ConnectorState::kNormal;
  bool placeholder : 1 = false;      // stands in for a referenced object not yet imported
  bool provisioned : 1 = false;      // created by an outbound Provision rule
  bool export_error : 1 = false;
  bool unresolved_refs : 1 = false;  // a reference value waits for its target to be synced
  ConnectorId connector = 0;

  bool operator==(const CsObject&) const = default;
};

struct MvObject {
  MvId id = 0;
  InternedName object_type;
  // Cold between steps, like a CS object's sets (model/cold_set.h; frozen by the metaverse's
  // codec, sync/mv_cold_pass.h): read it through view() or MvView.
  ColdSet attributes;
  bool operator==(const MvObject&) const = default;
};

// A metaverse object with its attributes as a plain set, thawed once (when cold) for the whole
// of a step's work on the object, so that reading many attributes costs one thaw. Reads like an
// MvObject (id, object_type, attributes). Valid while the object's attributes are not changed;
// one thread only.
class MvView {
 public:
  explicit MvView(const MvObject& o) : attributes(o.attributes.view(scratch_)), id(o.id), object_type(o.object_type), object(o) {}
  MvView(const MvView&) = delete;
  MvView& operator=(const MvView&) = delete;

 private:
  AttributeSet scratch_;  // the thawed set when the object's is cold; declared first: built first

 public:
  const AttributeSet& attributes;
  const MvId id;
  const InternedName& object_type;
  const MvObject& object;
};

// The object as the directory last showed it: the pending import's state when an import is
// staged and not yet synchronized, else the hologram.
inline bool import_staged(const CsObject& o) {
  return o.pending_import == PendingImportKind::kAdd || o.pending_import == PendingImportKind::kUpdate ||
         o.pending_import == PendingImportKind::kDeleteAdd;
}
inline const ColdSet& imported_state(const CsObject& o) { return import_staged(o) ? o.import_state : o.hologram; }

// The three sets and the pending export's changes of one object as plain ones, each thawed on
// first use: what a step's work on one object reads them through, so that a cold set is thawed
// once per object and not once per attribute. Valid while the object's sets and pending export
// are not changed; one thread only.
class CsSetsView {
 public:
  explicit CsSetsView(const CsObject& o) : o_(&o) {}
  CsSetsView(const CsSetsView&) = delete;
  CsSetsView& operator=(const CsSetsView&) = delete;
  const AttributeSet& hologram() { return get(o_->hologram, hologram_, hologram_at_); }
  const AttributeSet& import_state() { return get(o_->import_state, import_state_, import_state_at_); }
  const AttributeSet& unconfirmed() { return get(o_->unconfirmed, unconfirmed_, unconfirmed_at_); }
  // imported_state(o), sharing the thaw of the hologram or the import state.
  const AttributeSet& imported() { return import_staged(*o_) ? import_state() : hologram(); }
  const PendingChanges& pending_changes() {
    if (pending_at_ == nullptr) pending_at_ = &o_->pending_export.changes.view(pending_);
    return *pending_at_;
  }

 private:
  static const AttributeSet& get(const ColdSet& set, AttributeSet& scratch, const AttributeSet*& at) {
    if (at == nullptr) at = &set.view(scratch);
    return *at;
  }
  const CsObject* o_;
  AttributeSet hologram_, import_state_, unconfirmed_;
  const AttributeSet* hologram_at_ = nullptr;
  const AttributeSet* import_state_at_ = nullptr;
  const AttributeSet* unconfirmed_at_ = nullptr;
  PendingChanges pending_;
  const PendingChanges* pending_at_ = nullptr;
};

// Compact binary encoding of the non-indexed parts of a CsObject / MvObject for the store
// (varint lengths, attribute ids, raw values). Decoding validates every length and fails
// with kStoreError on damaged data instead of reading past the buffer.
// These are layout 1: every value inline in the one blob.
std::string encode_cs_body(const CsObject& object);
Status decode_cs_body(std::string_view blob, CsObject& object);
std::string encode_attribute_set(const AttributeSet& set);
Status decode_attribute_set(std::string_view blob, AttributeSet& set);

// ---- Layout 2: large value lists out of line, in content-defined chunks -------------------
//
// A value list of at least kChunkedMinValues values (a big group's member, a pending export
// of it) is cut into chunks of consecutive values: a chunk ends after a value whose hash
// matches a mask once it holds kChunkMinBytes, or at kChunkMaxBytes. The boundaries depend on
// the values, not on positions, so adding or removing one value changes one chunk (rarely
// two) and the store rewrites only chunks it does not already hold. A chunk is named by the
// 64-bit hash of its bytes; the body refers to chunks by their index in the object's list of
// chunk hashes (the same chunk in the hologram and the pending import is stored once).
// An object with no list that large is encoded in layout 1 with no chunks, byte for byte as
// before, so ordinary objects cost exactly what they did.
inline constexpr size_t kChunkedMinValues = 512;
inline constexpr size_t kChunkMinBytes = 8 * 1024;
inline constexpr size_t kChunkMaxBytes = 256 * 1024;

struct ValueChunk {
  uint64_t hash = 0;   // value_chunk_hash(data)
  std::string data;    // the values, each as varint length + bytes
  bool held = false;   // in the caller's `held` list: data left empty, the store has it
};

struct EncodedBody {
  std::string body;
  std::vector<ValueChunk> chunks;   // distinct hashes, in the order the body refers to them
  bool chunked() const { return !chunks.empty(); }
};

// The chunks of one stored object, as the store hands them to the decoder.
struct StoredChunks {
  std::vector<uint64_t> refs;                     // the object's list of chunk hashes
  std::vector<std::pair<uint64_t, std::string>> data;  // (hash, bytes), sorted by hash
  const std::string* find(uint64_t hash) const;
};

uint64_t value_chunk_hash(std::string_view data);
// The chunk hash list as the store keeps it beside the body (8 bytes per hash, little endian).
std::string pack_chunk_refs(const std::vector<ValueChunk>& chunks);
bool unpack_chunk_refs(std::string_view packed, std::vector<uint64_t>& refs);

// `held` (sorted, may be null): the chunk hashes the store already holds for this object;
// those chunks are hashed but not copied out (a huge list with one changed value copies one
// chunk, not the list).
void encode_cs_body_chunked(const CsObject& object, EncodedBody& out, const std::vector<uint64_t>* held = nullptr);
void encode_mv_body_chunked(const AttributeSet& set, EncodedBody& out, const std::vector<uint64_t>* held = nullptr);
// `chunks` is null for a row stored without chunks (layout 1). A chunk that is missing or
// whose bytes do not match its hash is kStoreError naming the chunk, never undefined behaviour.
Status decode_cs_body(std::string_view blob, CsObject& object, const StoredChunks* chunks);
Status decode_mv_body(std::string_view blob, AttributeSet& set, const StoredChunks* chunks);

}  // namespace idsync
