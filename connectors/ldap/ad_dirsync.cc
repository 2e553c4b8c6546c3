// Active Directory deltas: the DirSync control and the uSNChanged fallback.
//
//   DirSync request  ::= SEQUENCE { flags INTEGER, maxBytes INTEGER, cookie OCTET STRING }
//   DirSync response ::= SEQUENCE { moreResults INTEGER, unused INTEGER, cookie OCTET STRING }
// With LDAP_DIRSYNC_INCREMENTAL_VALUES a linked attribute reports value changes as
// "member;range=1-1" (added values) and "member;range=0-0" (removed values) instead of the
// whole list, which keeps a one-member change of a huge group a one-value delta.
//
// What DirSync returns for a new object is not the whole object (Samba leaves out cn, writes
// DN values in extended "<GUID=...>;" form), and an attribute that was cleared may arrive as
// nothing at all. So: new objects (objectClass present) are read again whole by their GUID;
// changed ones are merged attribute by attribute; a change that shows no attribute at all is
// read again whole too, so a removal is never missed.
#include <charconv>
#include <memory>

#include "ldap_delta.h"
#include "ldap_filter.h"
#include "ldap_search.h"

namespace idsync::ldap {

namespace {

constexpr const char* kDirSyncOid = "1.2.840.113556.1.4.841";
constexpr const char* kShowDeletedOid = "1.2.840.113556.1.4.417";
constexpr ber_int_t kIncrementalValues = static_cast<ber_int_t>(0x80000000u);
constexpr ber_int_t kAncestorsFirst = 0x800;
constexpr const char* kNoMatch = "(&(objectClass=*)(!(objectClass=*)))";

struct BerFree {
  void operator()(BerElement* b) const { ber_free(b, 1); }
};

bool ends_with_icase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

// "<GUID=..>;<SID=..>;CN=x,DC=y" → "CN=x,DC=y".
std::string strip_extended_dn(std::string v) {
  while (v.size() > 2 && v[0] == '<') {
    size_t end = v.find(">;");
    if (end == std::string::npos) break;
    v.erase(0, end + 2);
  }
  return v;
}

std::string guid_dn(std::string_view guid) {
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (char c : guid) {
    hex += kHex[static_cast<unsigned char>(c) >> 4];
    hex += kHex[static_cast<unsigned char>(c) & 15];
  }
  return "<GUID=" + hex + ">";
}

Status refused(const Status& s) { return Status::Error(ErrorCode::kUnsupported, s.message()); }

Result<LDAPControl*> dirsync_control(Session& session, const std::string& cookie) {
  std::unique_ptr<BerElement, BerFree> ber(ber_alloc_t(LBER_USE_DER));
  berval c{};
  c.bv_val = const_cast<char*>(cookie.data());
  c.bv_len = cookie.size();
  berval value{};
  if (!ber || ber_printf(ber.get(), "{iiO}", kIncrementalValues | kAncestorsFirst, 0, &c) == -1 ||
      ber_flatten2(ber.get(), &value, 0) == -1)
    return session.error(LDAP_ENCODING_ERROR, "building the DirSync control");
  LDAPControl* ctrl = nullptr;
  int rc = ldap_control_create(kDirSyncOid, 1, &value, 1, &ctrl);
  if (rc != LDAP_SUCCESS) return session.error(rc, "building the DirSync control");
  return ctrl;
}

// Reads one whole object by GUID, as a full import would; false when it no longer exists.
Result<bool> read_whole(Session& session, const DeltaScope& scope, const std::string& guid, Entry& out) {
  struct H : SearchHandler {
    Session* s;
    const DeltaScope* scope;
    Entry* out;
    bool found = false;
    Status entry(LDAPMessage* m) override {
      found = true;
      return decode_entry(*s, m, scope->anchor_attr, *out);
    }
  } h;
  h.s = &session;
  h.scope = &scope;
  h.out = &out;
  SearchSpec spec;
  spec.base = guid_dn(guid);
  spec.scope = LDAP_SCOPE_BASE;
  spec.filter = scope.filter;
  for (const std::string& a : scope.attrs) {  // the whole object as a full import reads it
    bool notice_only = false;
    for (const std::string& n : scope.notice_only) notice_only = notice_only || iequals(a, n);
    if (!notice_only) spec.attrs.push_back(a);
  }
  Status s = run_search(session, spec, h);
  if (!s.ok() && s.message().find("(32)") != std::string::npos) return false;  // no such object
  if (!s.ok()) return s;
  return h.found;
}

EntryChange whole_change(Entry&& e) {
  EntryChange c;
  c.kind = ChangeKind::kAdd;
  c.dn = std::move(e.dn);
  c.anchor = std::move(e.anchor);
  c.object_type = std::move(e.object_type);
  c.attributes = std::move(e.attributes);
  return c;
}

class DirSyncHandler : public SearchHandler {
 public:
  DirSyncHandler(Session& session, const DeltaScope& scope, const EmitFn& emit)
      : session_(session), scope_(scope), emit_(emit) {}

  Status entry(LDAPMessage* m) override {
    LDAP* ld = session_.ld();
    BerElement* ber = nullptr;
    berval bdn{};
    int rc = ldap_get_dn_ber(ld, m, &ber, &bdn);
    if (rc != LDAP_SUCCESS) return session_.error(rc, "decoding a DirSync entry");
    std::string dn(bdn.bv_val, bdn.bv_len);
    std::string guid;
    bool deleted = false, is_new = false;
    std::vector<AttributeChange> changes;
    for (;;) {
      berval attr{};
      BerVarray vals = nullptr;
      rc = ldap_get_attribute_ber(ld, m, ber, &attr, &vals);
      if (rc != LDAP_SUCCESS || attr.bv_val == nullptr) break;
      std::string name(attr.bv_val, attr.bv_len);
      ValueList values;
      for (BerVarray v = vals; v != nullptr && v->bv_val != nullptr; ++v)
        values.push_back(strip_extended_dn(std::string(v->bv_val, v->bv_len)));
      if (vals != nullptr) ber_memfree(vals);
      if (iequals(name, scope_.anchor_attr) && !values.empty()) guid = values[0];
      if (iequals(name, "isDeleted") && !values.empty() && iequals(values[0], "TRUE")) deleted = true;
      if (iequals(name, "objectClass")) is_new = true;
      bool notice_only = false;
      for (const std::string& n : scope_.notice_only) notice_only = notice_only || iequals(name, n);
      if (notice_only || iequals(name, "parentGUID") || iequals(name, "instanceType") ||
          iequals(name, scope_.anchor_attr))
        continue;  // DirSync bookkeeping, or unchanged by definition
      size_t semi = name.find(';');
      if (semi != std::string::npos && ends_with_icase(name, ";range=1-1")) {
        changes.push_back(AttributeChange{name.substr(0, semi), ValueOp::kAdd, std::move(values)});
      } else if (semi != std::string::npos && ends_with_icase(name, ";range=0-0")) {
        changes.push_back(AttributeChange{name.substr(0, semi), ValueOp::kDelete, std::move(values)});
      } else {
        changes.push_back(AttributeChange{name, ValueOp::kReplace, std::move(values)});
      }
    }
    ber_free(ber, 0);
    if (guid.empty()) return Status::Ok();  // not an object we can match (no anchor)
    if (deleted) {
      EntryChange c;
      c.kind = ChangeKind::kDelete;
      c.anchor = guid;
      return emit_(std::move(c));
    }
    if (!scope_.in_scope(dn)) {
      // Moved out of the configured OUs (or never in them): gone from this connector's view.
      EntryChange c;
      c.kind = ChangeKind::kDelete;
      c.anchor = guid;
      c.dn = dn;
      return emit_(std::move(c));
    }
    if (is_new || changes.empty()) {
      Entry e;
      auto found = read_whole(session_, scope_, guid, e);
      if (!found.ok()) return found.status();
      if (!*found) return Status::Ok();  // deleted since: its tombstone comes later
      return emit_(whole_change(std::move(e)));
    }
    EntryChange c;
    c.kind = ChangeKind::kRename;  // to its current DN: the engine sees renames and moves
    c.dn = dn;
    c.new_dn = dn;
    c.anchor = guid;
    c.changes = std::move(changes);
    return emit_(std::move(c));
  }

 private:
  Session& session_;
  const DeltaScope& scope_;
  const EmitFn& emit_;
};

// One DirSync pass from `cookie` until the server says there is no more; updates `cookie`.
Status run_dirsync(Session& session, const DeltaScope& scope, std::string& cookie, const EmitFn& emit) {
  DirSyncHandler handler(session, scope, emit);
  for (;;) {
    auto ctrl = dirsync_control(session, cookie);
    if (!ctrl.ok()) return ctrl.status();
    std::unique_ptr<LDAPControl, void (*)(LDAPControl*)> cguard(*ctrl, ldap_control_free);
    SearchSpec spec;
    spec.base = scope.base;
    spec.filter = scope.filter;
    spec.attrs = scope.attrs;
    spec.controls.push_back(*ctrl);
    LDAPControl** rctrls = nullptr;
    Status s = run_search(session, spec, handler, &rctrls);
    std::unique_ptr<LDAPControl*, void (*)(LDAPControl**)> rguard(rctrls, ldap_controls_free);
    if (!s.ok()) {
      const std::string& m = s.message();
      if (m.find("(50)") != std::string::npos || m.find("(12)") != std::string::npos ||
          m.find("(53)") != std::string::npos)
        return refused(s);
      return s;
    }
    LDAPControl* resp = ldap_control_find(kDirSyncOid, rctrls, nullptr);
    if (resp == nullptr)
      return refused(Status::Error(ErrorCode::kConnectorError,
                                   "LDAP server " + session.options().uri +
                                       " answered a DirSync search without a DirSync control"));
    std::unique_ptr<BerElement, BerFree> ber(ber_init(&resp->ldctl_value));
    ber_int_t more = 0, unused = 0;
    berval next{};
    if (!ber || ber_scanf(ber.get(), "{iim}", &more, &unused, &next) == LBER_ERROR)
      return session.error(LDAP_DECODING_ERROR, "reading the DirSync cookie");
    cookie.assign(next.bv_val, next.bv_len);
    if (more == 0) return Status::Ok();
  }
}

}  // namespace

bool is_dirsync_refused(const Status& s) { return s.code() == ErrorCode::kUnsupported; }

Result<std::string> dirsync_current_cookie(Session& session, const std::string& base) {
  if (!session.root().supports_control(kDirSyncOid))
    return refused(Status::Error(ErrorCode::kConnectorError,
                                 "LDAP server " + session.options().uri +
                                     " does not offer the DirSync control"));
  DeltaScope scope;
  scope.base = base;
  scope.filter = kNoMatch;
  scope.attrs = {"objectGUID"};
  scope.anchor_attr = "objectGUID";
  scope.in_scope = [](std::string_view) { return true; };
  std::string cookie;
  EmitFn none = [](EntryChange&&) { return Status::Ok(); };
  IDSYNC_RETURN_IF_ERROR(run_dirsync(session, scope, cookie, none));
  return cookie;
}

Status dirsync_delta(Session& session, const DeltaScope& scope, std::string& cookie, const EmitFn& emit) {
  std::string next = cookie;
  IDSYNC_RETURN_IF_ERROR(run_dirsync(session, scope, next, emit));
  cookie = std::move(next);
  return Status::Ok();
}

Status usn_delta(Session& session, const DeltaScope& scope, std::string& usn, const EmitFn& emit) {
  IDSYNC_RETURN_IF_ERROR(session.refresh_root());
  const std::string now = session.root().highest_committed_usn;
  if (now.empty())
    return Status::Error(ErrorCode::kConnectorError,
                         "LDAP server " + session.options().uri + ": no highestCommittedUSN in the rootDSE");
  long long last = 0;
  auto [p, ec] = std::from_chars(usn.data(), usn.data() + usn.size(), last);
  if (!usn.empty() && (ec != std::errc() || p != usn.data() + usn.size()))
    return Status::Error(ErrorCode::kInvalidArgument,
                         "the uSNChanged watermark '" + usn + "' is not a number; run a Full Import");
  const std::string above = std::to_string(last + 1);
  struct Changed : SearchHandler {
    Session* s;
    const DeltaScope* scope;
    const EmitFn* emit;
    Entry e;
    Status entry(LDAPMessage* m) override {
      IDSYNC_RETURN_IF_ERROR(decode_entry(*s, m, scope->anchor_attr, e));
      if (e.anchor.empty()) return Status::Ok();
      return (*emit)(whole_change(std::move(e)));
    }
  } changed;
  changed.s = &session;
  changed.scope = &scope;
  changed.emit = &emit;
  SearchSpec spec;
  spec.base = scope.base;
  spec.filter = "(&" + scope.filter + "(uSNChanged>=" + above + "))";
  spec.attrs = scope.attrs;
  IDSYNC_RETURN_IF_ERROR(paged_search(session, spec, session.options().page_size, changed));
  // Deletions: tombstones changed after the position, read with the show-deleted control.
  struct Deleted : SearchHandler {
    Session* s;
    const DeltaScope* scope;
    const EmitFn* emit;
    Status entry(LDAPMessage* m) override {
      auto guid = entry_values(s->ld(), m, scope->anchor_attr.c_str());
      if (guid.empty()) return Status::Ok();
      EntryChange c;
      c.kind = ChangeKind::kDelete;
      c.anchor = guid[0];
      return (*emit)(std::move(c));
    }
  } deleted;
  deleted.s = &session;
  deleted.scope = &scope;
  deleted.emit = &emit;
  LDAPControl show{};
  show.ldctl_oid = const_cast<char*>(kShowDeletedOid);
  show.ldctl_iscritical = 1;
  SearchSpec tomb;
  tomb.base = session.root().default_naming_context.empty() ? scope.base
                                                            : session.root().default_naming_context;
  tomb.filter = "(&(isDeleted=TRUE)(uSNChanged>=" + above + "))";
  tomb.attrs = {scope.anchor_attr};
  tomb.controls.push_back(&show);
  IDSYNC_RETURN_IF_ERROR(paged_search(session, tomb, session.options().page_size, deleted));
  usn = now;
  return Status::Ok();
}

}  // namespace idsync::ldap
