// Delta import from OpenLDAP's accesslog overlay (slapo-accesslog), the alternative to RFC 4533
// for servers that log their writes into a separate database (suffix cn=accesslog).
//
// The position is the reqStart of the newest log record taken into account, plus the reqStarts
// of the records within kLateWindowSeconds before it. reqStart is the RDN of every log record,
// so it is unique. A write is logged when it ends but carries the time it started, so a slow
// write can appear after a quicker one that started later: a delta therefore reads from
// kLateWindowSeconds before the newest record on and skips the records it handled already (the
// one equal to the position among them). The successful write records are taken in reqStart
// order and turned into changes:
//  - add / modify: the entry is read again by DN and handed over whole (kAdd; the engine
//    matches it by entryUUID). One read per entry and delta: it reflects every later change.
//  - modrdn: the entry is read at its new DN (whole, so renames and moves are seen); moved out
//    of the configured base DNs it is a delete.
//  - delete: kDelete by DN, with the entryUUID when the overlay logs it (logoldattr entryUUID).
// An entry gone by the time it is read was deleted or renamed later; that later record says so.
// If the record of the position no longer exists, logpurge removed it and possibly records
// after it: the delta asks for a Full Import rather than miss changes.
#include <algorithm>
#include <ctime>
#include <memory>
#include <set>
#include <unordered_set>

#include "idsync/dn.h"
#include "ldap_delta.h"
#include "ldap_filter.h"
#include "ldap_search.h"

namespace idsync::ldap {

namespace {

struct MessageFree {
  void operator()(LDAPMessage* m) const { ldap_msgfree(m); }
};

struct LogRecord {
  std::string start;  // reqStart
  std::string type;   // reqType
  std::string dn;     // reqDN
  std::string new_rdn;
  std::string new_superior;
  std::string old_uuid;  // entryUUID from reqOld, when logged
};

std::string first(const std::vector<std::string>& v) { return v.empty() ? std::string() : v[0]; }

struct RecordReader : SearchHandler {
  Session* session;
  std::vector<LogRecord>* out;
  Status entry(LDAPMessage* m) override {
    LogRecord r;
    r.start = first(entry_values(session->ld(), m, "reqStart"));
    r.type = to_lower_ascii(first(entry_values(session->ld(), m, "reqType")));
    r.dn = first(entry_values(session->ld(), m, "reqDN"));
    r.new_rdn = first(entry_values(session->ld(), m, "reqNewRDN"));
    r.new_superior = first(entry_values(session->ld(), m, "reqNewSuperior"));
    // reqOld values read "attribute: value".
    for (const std::string& v : entry_values(session->ld(), m, "reqOld"))
      if (v.size() > 11 && iequals(std::string_view(v).substr(0, 11), "entryUUID: ")) r.old_uuid = v.substr(11);
    out->push_back(std::move(r));
    return Status::Ok();
  }
};

Status log_missing(const std::string& log_base, const Status& s) {
  return Status::Error(ErrorCode::kConnectorError,
                       s.message() + "; delta=accesslog needs the accesslog overlay writing into a "
                                     "database with suffix '" + log_base +
                                     "' that the bind account may read (option accesslog_base)");
}

// Reads the log records under `log_base` matching `filter`, sorted by reqStart.
Result<std::vector<LogRecord>> read_records(Session& session, const std::string& log_base, const std::string& filter) {
  std::vector<LogRecord> records;
  RecordReader reader;
  reader.session = &session;
  reader.out = &records;
  SearchSpec spec;
  spec.base = log_base;
  spec.scope = LDAP_SCOPE_ONELEVEL;
  spec.filter = filter;
  spec.attrs = {"reqStart", "reqType", "reqDN", "reqNewRDN", "reqNewSuperior", "reqOld"};
  Status s = paged_search(session, spec, session.options().page_size, reader);
  if (!s.ok()) {
    if (s.message().find("(32)") != std::string::npos) return log_missing(log_base, s);
    return s;
  }
  // Fixed-width GeneralizedTime with fractions ("20261201091500.000123Z"): text order is time order.
  std::sort(records.begin(), records.end(), [](const LogRecord& a, const LogRecord& b) { return a.start < b.start; });
  return records;
}

// Reads `dn` with the import filter and attributes; false when it is gone or not in scope.
Result<bool> read_current(Session& session, const DeltaScope& scope, const std::string& dn, Entry& out) {
  std::vector<char*> names;
  for (const std::string& a : scope.attrs) names.push_back(const_cast<char*>(a.c_str()));
  names.push_back(nullptr);
  LDAPMessage* raw = nullptr;
  int rc = ldap_search_ext_s(session.ld(), dn.c_str(), LDAP_SCOPE_BASE, scope.filter.c_str(), names.data(), 0,
                             nullptr, nullptr, session.op_timeout(), 1, &raw);
  std::unique_ptr<LDAPMessage, MessageFree> res(raw);
  if (rc == LDAP_NO_SUCH_OBJECT) return false;
  if (rc != LDAP_SUCCESS) return session.error(rc, "reading '" + dn + "' for a delta import (accesslog)");
  LDAPMessage* e = ldap_first_entry(session.ld(), res.get());
  if (e == nullptr) return false;
  IDSYNC_RETURN_IF_ERROR(decode_entry(session, e, scope.anchor_attr, out));
  return true;
}

std::string new_dn_of(const LogRecord& r) {
  std::string parent = r.new_superior.empty() ? std::string(parent_dn(r.dn)) : r.new_superior;
  return parent.empty() ? r.new_rdn : r.new_rdn + "," + parent;
}

std::string dn_key_of(const std::string& dn) {
  auto n = normalize_dn(dn);
  return n.ok() ? *n : to_lower_ascii(dn);
}

// How long a write may take from its start to its log record without being missed.
constexpr int kLateWindowSeconds = 10;

// `start` minus kLateWindowSeconds, same format ("YYYYmmddHHMMSS<fraction>Z"); `start` itself
// when it does not parse.
std::string window_start(const std::string& start) {
  if (start.size() < 15) return start;
  for (size_t i = 0; i < 14; ++i)
    if (start[i] < '0' || start[i] > '9') return start;
  auto num = [&](size_t at, size_t len) { return std::stoi(start.substr(at, len)); };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(8, 2);
  tm.tm_min = num(10, 2);
  tm.tm_sec = num(12, 2);
  std::time_t t = timegm(&tm) - kLateWindowSeconds;
  std::tm back{};
  gmtime_r(&t, &back);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &back);
  return std::string(buf) + start.substr(14);
}

// Position text: the newest reqStart, then the handled reqStarts of its window, one a line.
struct Position {
  std::string newest;
  std::set<std::string> handled;
};

Position parse_position(const std::string& text) {
  Position p;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    if (start == 0) {
      p.newest = item;
    } else if (!item.empty()) {
      p.handled.insert(std::move(item));
    }
    start = end + 1;
  }
  return p;
}

// The position after `records` (sorted), keeping the window's reqStarts.
std::string format_position(const std::string& newest, const std::vector<LogRecord>& records,
                            const std::set<std::string>& earlier) {
  const std::string from = window_start(newest);
  std::string out = newest;
  std::set<std::string> handled;
  for (const std::string& h : earlier)
    if (h >= from) handled.insert(h);
  for (const LogRecord& r : records)
    if (r.start >= from) handled.insert(r.start);
  for (const std::string& h : handled) out += "\n" + h;
  return out;
}

}  // namespace

Result<std::string> accesslog_current_position(Session& session, const std::string& log_base) {
  auto records = read_records(session, log_base, "(objectClass=auditWriteObject)");
  if (!records.ok()) return records.status();
  return records->empty() ? std::string() : format_position(records->back().start, *records, {});
}

Status accesslog_delta(Session& session, const DeltaScope& scope, const std::string& log_base,
                       std::string& position_text, const EmitFn& emit) {
  const Position at = parse_position(position_text);
  const std::string& position = at.newest;
  if (!position.empty()) {
    // The record of the position still exists unless the log was purged past it.
    LDAPMessage* raw = nullptr;
    const std::string dn = "reqStart=" + escape_dn_value(position) + "," + log_base;
    char* no_attrs[] = {const_cast<char*>("1.1"), nullptr};
    int rc = ldap_search_ext_s(session.ld(), dn.c_str(), LDAP_SCOPE_BASE, "(objectClass=*)", no_attrs, 0, nullptr,
                               nullptr, session.op_timeout(), 1, &raw);
    std::unique_ptr<LDAPMessage, MessageFree> res(raw);
    if (rc == LDAP_NO_SUCH_OBJECT)
      return Status::Error(ErrorCode::kUnsupported,
                           "LDAP server " + session.options().uri + ": the delta watermark (accesslog record '" +
                               position + "') is older than the accesslog under '" + log_base +
                               "' reaches (logpurge removed it), so changes since then may be gone; run a Full "
                               "Import (and consider a longer logpurge age)");
    if (rc != LDAP_SUCCESS) return session.error(rc, "reading the accesslog record '" + dn + "'");
  }
  std::string filter = "(&(objectClass=auditWriteObject)(reqResult=0)";
  if (!position.empty()) filter += "(reqStart>=" + escape_filter_value(window_start(position)) + ")";
  filter += ")";
  auto records = read_records(session, log_base, filter);
  if (!records.ok()) return records.status();
  std::unordered_set<std::string> read_whole;  // DNs already handed over whole in this delta
  std::string next = position;
  Entry entry;
  auto emit_current = [&](const std::string& dn) -> Result<bool> {
    if (!read_whole.insert(dn_key_of(dn)).second) return true;
    auto found = read_current(session, scope, dn, entry);
    if (!found.ok() || !*found) return found;
    EntryChange c;
    c.kind = ChangeKind::kAdd;
    c.dn = std::move(entry.dn);
    c.anchor = std::move(entry.anchor);
    c.object_type = std::move(entry.object_type);
    c.attributes = std::move(entry.attributes);
    IDSYNC_RETURN_IF_ERROR(emit(std::move(c)));
    return true;
  };
  auto emit_delete = [&](const LogRecord& r) {
    read_whole.erase(dn_key_of(r.dn));
    EntryChange c;
    c.kind = ChangeKind::kDelete;
    c.dn = r.dn;
    c.anchor = r.old_uuid;
    return emit(std::move(c));
  };
  for (const LogRecord& r : *records) {
    next = std::max(next, r.start);
    if (at.handled.count(r.start) || r.start == position) continue;  // handled by an earlier delta
    if (r.type == "add" || r.type == "modify") {
      if (!scope.in_scope(r.dn)) continue;
      auto s = emit_current(r.dn);
      if (!s.ok()) return s.status();
    } else if (r.type == "modrdn") {
      const std::string to = new_dn_of(r);
      read_whole.erase(dn_key_of(r.dn));
      if (scope.in_scope(to)) {
        auto s = emit_current(to);
        if (!s.ok()) return s.status();
      } else if (scope.in_scope(r.dn)) {
        IDSYNC_RETURN_IF_ERROR(emit_delete(r));  // moved out of the configured base DNs
      }
    } else if (r.type == "delete") {
      if (scope.in_scope(r.dn)) IDSYNC_RETURN_IF_ERROR(emit_delete(r));
    }
  }
  position_text = format_position(next, *records, at.handled);
  return Status::Ok();
}

}  // namespace idsync::ldap
