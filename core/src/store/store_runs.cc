// The store's run history and id sequences.
#include <sqlite3.h>

#include <limits>
#include <string>
#include <vector>

#include "store/store_impl.h"

namespace idsync {

using namespace store_detail;

// ---- run history ---------------------------------------------------------------------------

Result<int64_t> Store::append_run(RunRow& row) {
  Impl& d = *impl_;
  const std::string what = "record run of " + row.run_profile + " on '" + row.connector + "'";
  // Run numbers continue after a purge: the last number handed out per connector is kept in
  // the sequences table as well.
  const std::string sequence = "run_number:" + row.connector;
  Savepoint sp(d);
  IDSYNC_RETURN_IF_ERROR(sp.begin(what));
  int64_t number = row.run_number;
  if (number == 0) {
    int64_t max_in_runs = 0, next_in_sequence = 1;
    {
      Stmt st;
      IDSYNC_RETURN_IF_ERROR(d.prepare(kMaxRunNumber, st));
      st.bind(1, row.connector);
      int rc = st.step();
      if (rc != SQLITE_ROW) return d.fail(what, rc);
      max_in_runs = st.int64(0);
    }
    {
      Stmt st;
      IDSYNC_RETURN_IF_ERROR(d.prepare(kGetSequence, st));
      st.bind(1, sequence);
      int rc = st.step();
      if (rc == SQLITE_ROW) {
        next_in_sequence = st.int64(0);
      } else if (rc != SQLITE_DONE) {
        return d.fail(what, rc);
      }
    }
    number = std::max(max_in_runs + 1, next_in_sequence);
  }
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kRaiseSequence, st));
    st.bind(1, sequence);
    st.bind(2, number + 1);
    int rc = st.step();
    if (rc != SQLITE_DONE) return d.fail(what, rc);
  }
  int64_t run_id = 0;
  {
    Stmt st;
    IDSYNC_RETURN_IF_ERROR(d.prepare(kInsertRun, st));
    if (row.run_id != 0) {
      st.bind(1, row.run_id);
    } else {
      st.bind_null(1);  // SQLite assigns the id
    }
    st.bind(2, row.connector);
    st.bind(3, row.run_profile);
    st.bind(4, number);
    st.bind(5, row.result);
    st.bind(6, row.start_time);
    st.bind(7, row.end_time);
    st.bind(8, row.json);
    int rc = st.step();
    if (rc != SQLITE_DONE) return d.fail(what, rc);
    run_id = sqlite3_last_insert_rowid(d.db);
  }
  IDSYNC_RETURN_IF_ERROR(sp.release(what));
  row.run_id = run_id;
  row.run_number = number;
  return run_id;
}

Result<std::vector<RunRow>> Store::query_runs(const RunQuery& query) {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kQueryRuns, st));
  st.bind(1, query.connector);
  st.bind(2, query.result);
  st.bind(3, query.run_id);
  st.bind(4, query.limit > 0 ? query.limit : int64_t{-1});
  std::vector<RunRow> rows;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    RunRow r;
    r.run_id = st.int64(0);
    r.connector = st.text(1);
    r.run_profile = st.text(2);
    r.run_number = st.int64(3);
    r.result = st.text(4);
    r.start_time = st.int64(5);
    r.end_time = st.int64(6);
    r.json = st.text(7);
    rows.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return d.fail("read the run history", rc);
  return rows;
}

Result<int64_t> Store::purge_runs_before(int64_t unix_ms) {
  Impl& d = *impl_;
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kPurgeRuns, st));
  st.bind(1, unix_ms);
  int rc = st.step();
  if (rc != SQLITE_DONE) return d.fail("purge the run history", rc);
  return static_cast<int64_t>(sqlite3_changes(d.db));
}

// ---- sequences -----------------------------------------------------------------------------

Result<uint64_t> Store::next_id(const std::string& sequence, uint64_t count) {
  Impl& d = *impl_;
  if (count == 0 || count > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return Status::Error(ErrorCode::kInvalidArgument, d.prefix() + "cannot allocate " + std::to_string(count) +
                                                          " ids from sequence '" + sequence + "'");
  }
  Stmt st;
  IDSYNC_RETURN_IF_ERROR(d.prepare(kNextId, st));
  st.bind(1, sequence);
  st.bind(2, static_cast<int64_t>(count));
  int rc = st.step();
  if (rc != SQLITE_ROW) return d.fail("allocate ids from sequence '" + sequence + "'", rc);
  int64_t next = st.int64(0);
  rc = st.step();
  if (rc != SQLITE_DONE) return d.fail("allocate ids from sequence '" + sequence + "'", rc);
  return static_cast<uint64_t>(next) - count;
}

}  // namespace idsync
