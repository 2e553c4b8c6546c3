// The store's value chunks (model/objects.h "Layout 2"): which chunks each row holds, writing
// only those a row lacks, reading them back, and checking them.
#include <sqlite3.h>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/store_impl.h"

namespace idsync {

using namespace store_detail;

// ---- value chunks --------------------------------------------------------------------------

Status Store::Impl::ensure_chunk_index() {
  IDSYNC_RETURN_IF_ERROR(ensure_current());
  if (!chunk_index_loaded) {
    int rc;
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(prepare(kLoadChunkIndex, st));
    while ((rc = st.step()) == SQLITE_ROW) {
      chunk_index[chunk_row_key(static_cast<int>(st.int64(0)), static_cast<uint64_t>(st.int64(1)))].push_back(
          static_cast<uint64_t>(st.int64(2)));
    }
    if (rc != SQLITE_DONE) return fail("read the value chunk index", rc);
    for (auto& [key, hashes] : chunk_index) std::sort(hashes.begin(), hashes.end());
    chunk_index_loaded = true;
  }
  return Status::Ok();
}

Status Store::Impl::write_chunks(int kind, uint64_t id, const std::vector<ValueChunk>& chunks) {
  IDSYNC_RETURN_IF_ERROR(ensure_chunk_index());
  const uint64_t key = chunk_row_key(kind, id);
  auto it = chunk_index.find(key);
  if (it == chunk_index.end() && chunks.empty()) return Status::Ok();  // ordinary rows stop here
  static const std::vector<uint64_t> kNone;
  const std::vector<uint64_t>& held = it != chunk_index.end() ? it->second : kNone;
  std::vector<uint64_t> wanted;
  wanted.reserve(chunks.size());
  for (const ValueChunk& c : chunks) {
    wanted.push_back(c.hash);
    if (std::binary_search(held.begin(), held.end(), c.hash)) continue;
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(prepare(kInsertChunk, st));
    st.bind(1, static_cast<int64_t>(kind));
    st.bind(2, as_sql(id));
    st.bind(3, static_cast<int64_t>(c.hash));
    st.bind_blob(4, c.data);
    int rc = st.step();
    if (rc != SQLITE_DONE) return fail("write a value chunk of " + row_name(kind, id), rc);
    ++stats.chunks_written;
    stats.chunk_bytes_written += c.data.size();
  }
  std::sort(wanted.begin(), wanted.end());
  for (uint64_t hash : held) {
    if (std::binary_search(wanted.begin(), wanted.end(), hash)) continue;
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(prepare(kDeleteChunk, st));
    st.bind(1, static_cast<int64_t>(kind));
    st.bind(2, as_sql(id));
    st.bind(3, static_cast<int64_t>(hash));
    int rc = st.step();
    if (rc != SQLITE_DONE) return fail("delete a value chunk of " + row_name(kind, id), rc);
    ++stats.chunks_deleted;
  }
  if (wanted.empty()) {
    chunk_index.erase(key);
  } else {
    chunk_index[key] = std::move(wanted);
  }
  return Status::Ok();
}

Status Store::Impl::delete_row_chunks(int kind, uint64_t id) {
  IDSYNC_RETURN_IF_ERROR(ensure_chunk_index());
  auto it = chunk_index.find(chunk_row_key(kind, id));
  if (it == chunk_index.end()) return Status::Ok();
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(prepare(kDeleteRowChunks, st));
  st.bind(1, static_cast<int64_t>(kind));
  st.bind(2, as_sql(id));
  int rc = st.step();
  if (rc != SQLITE_DONE) return fail("delete the value chunks of " + row_name(kind, id), rc);
  stats.chunks_deleted += static_cast<uint64_t>(sqlite3_changes(db));
  chunk_index.erase(it);
  return Status::Ok();
}

Status Store::Impl::read_chunks(int kind, uint64_t id, std::string_view refs, StoredChunks& out) {
  if (!unpack_chunk_refs(refs, out.refs)) {
    return Status::Error(ErrorCode::kStoreError, prefix() + row_name(kind, id) +
                                                     ": its list of value chunks is damaged; restore the store "
                                                     "from a backup or rebuild it with an Initial cycle");
  }
  out.data.clear();
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(prepare(kReadChunks, st));
  st.bind(1, static_cast<int64_t>(kind));
  st.bind(2, as_sql(id));
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    out.data.emplace_back(static_cast<uint64_t>(st.int64(0)), std::string(st.blob(1)));
  }
  if (rc != SQLITE_DONE) return fail("read the value chunks of " + row_name(kind, id), rc);
  std::sort(out.data.begin(), out.data.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return Status::Ok();
}

Result<ValueChunkReport> Store::check_value_chunks(size_t max_findings) {
  Impl& d = *impl_;
  ValueChunkReport report;
  auto add = [&](std::string finding) {
    if (report.findings.size() < max_findings) report.findings.push_back(std::move(finding));
  };
  // Every chunk referred to, with the name of the object referring to it.
  struct Owner {
    std::string name;
    std::unordered_set<uint64_t> refs;
    std::unordered_set<uint64_t> found;
  };
  std::unordered_map<uint64_t, Owner> owners;  // by chunk_row_key
  auto note_refs = [&](int kind, uint64_t id, std::string_view packed, std::string name) {
    std::vector<uint64_t> refs;
    Owner& owner = owners[chunk_row_key(kind, id)];
    owner.name = std::move(name);
    if (!unpack_chunk_refs(packed, refs)) {
      add(owner.name + " has a damaged list of value chunks");
      report.unreadable = true;
    }
    owner.refs.insert(refs.begin(), refs.end());
  };
  int rc;
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kCheckCsRefs, st));
    while ((rc = st.step()) == SQLITE_ROW) {
      const auto id = static_cast<uint64_t>(st.int64(0));
      note_refs(kCsChunks, id, st.blob(3),
                "connector space object '" + st.text(2) + "' (cs id " + std::to_string(id) + ", connector " +
                    std::to_string(st.int64(1)) + ")");
    }
    if (rc != SQLITE_DONE) return d.fail("read the value chunk lists of the connector spaces", rc);
  }
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kCheckMvRefs, st));
    while ((rc = st.step()) == SQLITE_ROW) {
      const auto id = static_cast<uint64_t>(st.int64(0));
      note_refs(kMvChunks, id, st.blob(1), "metaverse object " + std::to_string(id));
    }
    if (rc != SQLITE_DONE) return d.fail("read the value chunk lists of the metaverse", rc);
  }
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kCheckChunks, st));
    while ((rc = st.step()) == SQLITE_ROW) {
      ++report.chunks;
      const int kind = static_cast<int>(st.int64(0));
      const auto id = static_cast<uint64_t>(st.int64(1));
      const auto hash = static_cast<uint64_t>(st.int64(2));
      char hex[17];
      std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
      auto it = owners.find(chunk_row_key(kind, id));
      if (it == owners.end() || it->second.refs.count(hash) == 0) {
        add(std::string("value chunk ") + hex + " belongs to " + d.row_name(kind, id) +
            (it == owners.end() ? ", which does not exist or has no chunks" : ", which does not refer to it") +
            " (orphan chunk)");
        continue;
      }
      it->second.found.insert(hash);
      if (value_chunk_hash(st.blob(3)) != hash) {
        add(it->second.name + " has a damaged value chunk " + hex + " (its bytes do not match its hash)");
        report.unreadable = true;
      }
    }
    if (rc != SQLITE_DONE) return d.fail("read the value chunks", rc);
  }
  for (const auto& [key, owner] : owners) {
    for (uint64_t hash : owner.refs) {
      if (owner.found.count(hash) != 0) continue;
      char hex[17];
      std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
      add(owner.name + " is missing its value chunk " + hex);
      report.unreadable = true;
    }
  }
  return report;
}

}  // namespace idsync
