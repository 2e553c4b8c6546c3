// A generated forest synced by the real idsync CLI between two LDIF directories (the demo's
// configuration: an on-premises AD forest and a cloud directory that assigns anchors), with the
// tools the chaos and disaster recovery tests need: run the CLI (optionally SIGKILLing it at a
// chosen moment), read the run history, and take a canonical snapshot of the store and of both
// directories that two runs can be compared by.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "idsync/file/ldif.h"
#include "model/attribute_table.h"
#include "store/store.h"

namespace idsync::chaos {

namespace fs = std::filesystem;

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct CliRun {
  int exit_code = -1;   // -1 when killed, -2 when it ran past the deadline
  bool killed = false;
  int64_t spawn_ms = 0;
  std::string out, err;
};

// Runs `idsync --no-progress --store STORE args...`; when kill_after_ms >= 0 and the process is
// still running then, or when `kill_when` (polled every 200 µs) returns true, it gets SIGKILL.
inline CliRun run_cli(const fs::path& dir, const std::string& store, const std::vector<std::string>& args,
                      int64_t kill_after_ms = -1, const std::function<bool()>& kill_when = {}) {
  std::vector<std::string> argv = {IDSYNC_CLI_PATH, "--no-progress", "--store", store};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string out_path = (dir / "cli.out").string(), err_path = (dir / "cli.err").string();
  CliRun r;
  r.spawn_ms = now_ms();
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> cargv;
    for (std::string& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  // No run may hang the test: past the deadline (IDSYNC_CHAOS_CLI_TIMEOUT seconds, default
  // 600) the process is killed and reported as timed out, not as a chaos kill.
  const char* limit = std::getenv("IDSYNC_CHAOS_CLI_TIMEOUT");
  const auto deadline = start + std::chrono::seconds(limit != nullptr && *limit != '\0' ? std::atoi(limit) : 600);
  const bool watching = kill_after_ms >= 0 || static_cast<bool>(kill_when);
  int status = 0;
  bool timed_out = false;
  for (;;) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    auto now = std::chrono::steady_clock::now();
    auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(now - start);
    timed_out = now >= deadline;
    if (timed_out || (kill_after_ms >= 0 && elapsed.count() >= kill_after_ms * 1000) || (kill_when && kill_when())) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(watching ? 200 : 2000));
  }
  if (timed_out) {
    r.exit_code = -2;
    r.out = read_file(out_path);
    r.err = read_file(err_path) + "\n[the test killed idsync: it was still running after the deadline]";
    return r;
  }
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
    r.killed = true;
  } else if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  }
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

struct RunRecord {
  int64_t run_id;
  std::string connector, profile, result;
  int64_t start_ms, end_ms;
};

// The run history straight from the file (read-only, so it never waits for a run).
inline std::vector<RunRecord> run_history(const std::string& store) {
  std::vector<RunRecord> runs;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return runs;
  }
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT run_id, connector, run_profile, result, start_time, end_time FROM runs ORDER BY run_id",
                     -1, &st, nullptr);
  while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
    auto text = [&](int c) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, c))); };
    runs.push_back(RunRecord{sqlite3_column_int64(st, 0), text(1), text(2), text(3), sqlite3_column_int64(st, 4),
                             sqlite3_column_int64(st, 5)});
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return runs;
}

// One world: DIR/onprem (forest.ldif + changes/), DIR/cloud (directory.ldif + changes/),
// DIR/idsync.db, and the demo configuration pointing at them.
class World {
 public:
  World(fs::path dir, uint64_t objects, uint64_t seed) : dir_(std::move(dir)), objects_(objects), seed_(seed) {}

  const fs::path& dir() const { return dir_; }
  std::string store() const { return (dir_ / "idsync.db").string(); }
  fs::path cloud_changes() const { return dir_ / "cloud" / "changes"; }
  fs::path onprem_changes() const { return dir_ / "onprem" / "changes"; }

  // Generates the forest and writes the configuration (taken from `idsync demo` over a tiny
  // forest, with its directory paths moved here). Returns an error text, empty on success.
  std::string create() {
    fs::create_directories(onprem_changes());
    fs::create_directories(cloud_changes());
    std::ofstream(dir_ / "cloud" / "directory.ldif") << "version: 1\n";
    CliRun g = run_cli(dir_, store(), {"generate", "--objects", std::to_string(objects_), "--seed", std::to_string(seed_),
                                       "--out", (dir_ / "onprem" / "forest.ldif").string()});
    if (g.exit_code != 0) return "generate: " + g.err;
    fs::path demo = dir_ / "demo-template";
    CliRun d = run_cli(dir_, (demo / "idsync.db").string(), {"demo", "--objects", "20", "--dir", demo.string()});
    if (d.exit_code != 0) return "demo: " + d.err;
    CliRun c = run_cli(dir_, (demo / "idsync.db").string(), {"config", "export"});
    if (c.exit_code != 0) return "config export: " + c.err;
    std::string config = c.out, from = fs::absolute(demo).lexically_normal().string(), to = dir_.string();
    for (size_t p = 0; (p = config.find(from, p)) != std::string::npos; p += to.size()) config.replace(p, from.size(), to);
    std::ofstream(dir_ / "config.json") << config;
    fs::remove_all(demo);
    return {};
  }

  // Change set `round` of the generated forest, written where the next delta import finds it.
  std::string write_changes(int round) {
    char name[64];
    std::snprintf(name, sizeof name, "round-%04d.ldif", round);
    CliRun g = run_cli(dir_, store(), {"generate", "--objects", std::to_string(objects_), "--seed", std::to_string(seed_),
                                       "--changes", std::to_string(round), "--out", (onprem_changes() / name).string()});
    return g.exit_code == 0 ? std::string() : "generate --changes: " + g.err;
  }

  std::string config_file() const { return (dir_ / "config.json").string(); }

 private:
  fs::path dir_;
  uint64_t objects_, seed_;
};

inline std::vector<fs::path> change_files(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::exists(dir)) return files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".ldif") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Attributes whose values the cloud directory (or slapd: entryUUID) makes up (random GUID
// anchors): the same run twice gives different ones, so snapshots show only whether they are there.
inline bool is_assigned_anchor(std::string_view name) {
  return name == "cloudAnchor" || name == "cloudSourceAnchor" || name == "entryUUID";
}
// Connectors whose directory assigns the anchor on create (the cloud; slapd's entryUUID).
inline bool has_assigned_anchors(std::string_view connector) { return connector == "cloud" || connector == "openldap"; }

// Every change record an export wrote to `dir`, in order, one normalized LDIF text each.
inline std::vector<std::string> exported_records(const fs::path& dir, std::string* error) {
  std::vector<std::string> records;
  for (const fs::path& f : change_files(dir)) {
    std::ifstream in(f, std::ios::binary);
    file::LdifReader reader(in, f.filename().string());
    file::LdifRecord rec;
    for (;;) {
      auto more = reader.next(rec);
      if (!more.ok()) {
        *error = more.status().message();
        return records;
      }
      if (!*more) break;
      for (Attribute& a : rec.change.attributes)
        if (is_assigned_anchor(a.name)) a.values = {"<assigned>"};
      std::ostringstream text;
      file::LdifWriter writer(text, false);
      if (rec.is_change) {
        (void)writer.write_change(rec.change);
      } else {
        (void)writer.write_entry(rec.entry);
      }
      records.push_back(text.str());
    }
  }
  return records;
}

inline std::string hex_or_text(const std::string& v) {
  bool printable = std::all_of(v.begin(), v.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  if (printable) return v;
  static const char* digits = "0123456789abcdef";
  std::string out = "0x";
  for (unsigned char c : v) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

// MV reference values are "#<mv id>"; `mv_names` (when given) turns the id into the
// referenced object's sourceAnchor, which two stores built from the same directories share.
inline void dump_set(std::ostringstream& out, const char* label, const AttributeSet& set, const AttributeTable& attrs,
                     const std::map<MvId, std::string>* mv_names = nullptr) {
  std::vector<std::string> lines;
  for (const AttrEntry a : set.items()) {
    const AttrInfo& info = attrs.info(a.id);
    std::string line = std::string("  ") + label + " " + info.name + ":";
    if (is_assigned_anchor(info.name)) {
      line += " <assigned>";
    } else {
      std::vector<std::string> values;
      for (const std::string& v : a.values.to_list()) {
        std::string shown = hex_or_text(v);
        if (mv_names != nullptr && info.type == AttrType::kReference && v.size() > 1 && v[0] == '#') {
          auto it = mv_names->find(std::strtoull(v.c_str() + 1, nullptr, 10));
          if (it != mv_names->end()) shown = "->" + it->second;
        }
        values.push_back(shown);
      }
      if (mv_names != nullptr) std::sort(values.begin(), values.end());
      for (const std::string& v : values) line += " [" + v + "]";
    }
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  for (const std::string& l : lines) out << l << "\n";
}

// The first line where two snapshots differ, for failure messages.
inline std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  int line = 1;
  for (;; ++line) {
    bool ha = static_cast<bool>(std::getline(a, la)), hb = static_cast<bool>(std::getline(b, lb));
    if (!ha && !hb) return "no difference";
    if (!ha) la = "<end>";
    if (!hb) lb = "<end>";
    if (la != lb || !ha || !hb) break;
  }
  return "line " + std::to_string(line) + ":\nwant: " + la + "\ngot:  " + lb;
}

// The store as text that two runs of the same story must agree on: every CS object by DN (its
// hologram, pending import / export, escrow, state, and the MV object it joins, named by that
// object's sourceAnchor), every MV object by sourceAnchor, and the watermarks. Ids, run
// history and assigned anchors are left out: they legitimately differ.
inline std::string snapshot_store(const std::string& path, std::string* error) {
  auto opened = Store::open(path, OpenMode::kMustExist);
  if (!opened.ok()) {
    *error = opened.status().to_string();
    return {};
  }
  Store& store = **opened;
  AttributeTable attrs;
  if (Status s = store.load_attributes(attrs); !s.ok()) *error = s.to_string();
  std::map<MvId, std::string> mv_key;
  std::map<std::string, std::string> mv_text;
  auto anchor_id = attrs.find("sourceAnchor");
  std::vector<MvObject> mvs;
  Status s = store.load_mv([&](MvObject&& o) {
    std::string key = "mv#" + std::to_string(o.id);
    AttributeSet scratch;  // the view below points into the set: it must outlive the view
    if (anchor_id)
      if (const ValuesView v = o.attributes.view(scratch).get(*anchor_id)) key = v[0];
    mv_key[o.id] = key;
    mvs.push_back(std::move(o));
    return Status::Ok();
  });
  if (!s.ok()) *error = s.to_string();
  for (const MvObject& o : mvs) {
    std::ostringstream t;
    t << "mv " << mv_key[o.id] << " type=" << o.object_type << "\n";
    dump_set(t, "attr", o.attributes.thaw(), attrs, &mv_key);
    mv_text[mv_key[o.id]] += t.str();
  }
  std::ostringstream out;
  for (const auto& [k, t] : mv_text) out << t;
  auto connectors = store.load_connectors();
  if (!connectors.ok()) {
    *error = connectors.status().to_string();
    return out.str();
  }
  for (const ConnectorRow& c : *connectors) {
    std::map<std::string, std::string> objects;
    s = store.load_cs(c.id, [&](CsObject&& o) {
      std::ostringstream t;
      t << "cs " << c.name << " " << o.dn << " type=" << o.object_type << " state=" << connector_state_name(o.state)
        << " placeholder=" << o.placeholder << " provisioned=" << o.provisioned << " export_error=" << o.export_error
        << " anchor=" << (has_assigned_anchors(c.name) ? (o.anchor.empty() ? "none" : "<assigned>") : hex_or_text(o.anchor.str()))
        << " mv=" << (o.mv == 0 ? "none" : mv_key[o.mv]) << " pending_import=" << pending_import_kind_name(o.pending_import)
        << " import_dn=" << o.import_dn << " pending_export=" << pending_export_kind_name(o.pending_export.kind)
        << " new_dn=" << o.pending_export.new_dn << " error=" << o.error << "\n";
      dump_set(t, "holo", o.hologram.plain(), attrs);
      dump_set(t, "import", o.import_state.plain(), attrs);
      dump_set(t, "escrow", o.unconfirmed.plain(), attrs);
      const PendingChanges changes = o.pending_export.changes.thaw();
      for (const PendingChange a : changes) {
        t << "  export " << attrs.info(a.id).name << " op=" << static_cast<int>(a.op) << ":";
        for (std::string_view v : a.values) t << " [" << (is_assigned_anchor(attrs.info(a.id).name) ? "<assigned>" : hex_or_text(std::string(v))) << "]";
        t << "\n";
      }
      objects[o.dn.str()] += t.str();
      return Status::Ok();
    });
    if (!s.ok()) *error = s.to_string();
    for (const auto& [dn, t] : objects) out << t;
  }
  return out.str();
}

// The watermark the store holds for `connector`.
inline std::string watermark(const std::string& store_path, const std::string& connector) {
  auto opened = Store::open(store_path, OpenMode::kMustExist);
  if (!opened.ok()) return "<" + opened.status().to_string() + ">";
  auto wm = (*opened)->get_setting("watermark." + connector);
  if (!wm.ok()) return "<" + wm.status().to_string() + ">";
  return wm->value_or("");
}

}  // namespace idsync::chaos
