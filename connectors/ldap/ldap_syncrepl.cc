// RFC 4533 content synchronization, refreshOnly mode.
//
// Controls are built and read with lber (ber_printf / ber_scanf) as the RFC's ASN.1 says:
//   syncRequestValue ::= SEQUENCE { mode ENUMERATED, cookie OCTET STRING OPT, reloadHint BOOL }
//   syncStateValue   ::= SEQUENCE { state ENUMERATED, entryUUID OCTET STRING, cookie OPT }
//   syncInfoValue    ::= CHOICE { newcookie [0], refreshDelete [1], refreshPresent [2],
//                                 syncIdSet [3] SEQUENCE { cookie OPT, refreshDeletes BOOL,
//                                                          syncUUIDs SET OF OCTET STRING } }
//   syncDoneValue    ::= SEQUENCE { cookie OPT, refreshDeletes BOOL DEFAULT FALSE }
// A server that answers a cookie with a present phase (its session log no longer reaches
// back that far) lists the entries that still exist rather than those deleted; we cannot
// turn that into deletes without the whole connector space, so that case asks for a Full
// Import instead of silently missing deletions.
#include <memory>

#include "ldap_delta.h"
#include "ldap_search.h"

namespace idsync::ldap {

std::string uuid_text(std::string_view raw) {
  static const char kHex[] = "0123456789abcdef";
  if (raw.size() != 16) return std::string(raw);
  std::string out;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[static_cast<unsigned char>(raw[i]) >> 4];
    out += kHex[static_cast<unsigned char>(raw[i]) & 15];
  }
  return out;
}

namespace {

struct BerFree {
  void operator()(BerElement* b) const { ber_free(b, 1); }
};

Result<LDAPControl*> sync_request(Session& session, const std::string& cookie) {
  std::unique_ptr<BerElement, BerFree> ber(ber_alloc_t(LBER_USE_DER));
  if (!ber) return session.error(LDAP_NO_MEMORY, "building the sync request control");
  berval c{};
  c.bv_val = const_cast<char*>(cookie.data());
  c.bv_len = cookie.size();
  int rc = ber_printf(ber.get(), "{e", static_cast<ber_int_t>(LDAP_SYNC_REFRESH_ONLY));
  if (rc != -1 && !cookie.empty()) rc = ber_printf(ber.get(), "O", &c);
  if (rc != -1) rc = ber_printf(ber.get(), "N}");
  berval value{};
  if (rc == -1 || ber_flatten2(ber.get(), &value, 0) == -1)
    return session.error(LDAP_ENCODING_ERROR, "building the sync request control");
  LDAPControl* ctrl = nullptr;
  rc = ldap_control_create(LDAP_CONTROL_SYNC, 1, &value, 1, &ctrl);
  if (rc != LDAP_SUCCESS) return session.error(rc, "building the sync request control");
  return ctrl;
}

class SyncHandler : public SearchHandler {
 public:
  SyncHandler(Session& session, const DeltaScope& scope, const EmitFn& emit)
      : session_(session), scope_(scope), emit_(emit) {}

  Status entry(LDAPMessage* m) override {
    LDAPControl** ctrls = nullptr;
    ldap_get_entry_controls(session_.ld(), m, &ctrls);
    std::unique_ptr<LDAPControl*, void (*)(LDAPControl**)> guard(ctrls, ldap_controls_free);
    LDAPControl* state_ctrl = ldap_control_find(LDAP_CONTROL_SYNC_STATE, ctrls, nullptr);
    if (state_ctrl == nullptr) return bad("an entry without a sync state control");
    BerElement* ber = ber_init(&state_ctrl->ldctl_value);
    std::unique_ptr<BerElement, BerFree> bguard(ber);
    ber_int_t state = 0;
    berval uuid{};
    if (ber == nullptr || ber_scanf(ber, "{em", &state, &uuid) == LBER_ERROR)
      return bad("an unreadable sync state control");
    if (state == LDAP_SYNC_PRESENT) return present_phase();
    if (state == LDAP_SYNC_DELETE) {
      EntryChange c;
      c.kind = ChangeKind::kDelete;
      char* dn = ldap_get_dn(session_.ld(), m);
      if (dn != nullptr) {
        c.dn = dn;
        ldap_memfree(dn);
      }
      c.anchor = uuid_text(std::string_view(uuid.bv_val, uuid.bv_len));
      return emit_(std::move(c));
    }
    IDSYNC_RETURN_IF_ERROR(decode_entry(session_, m, scope_.anchor_attr, entry_));
    if (entry_.anchor.empty()) entry_.anchor = uuid_text(std::string_view(uuid.bv_val, uuid.bv_len));
    EntryChange c;
    c.kind = ChangeKind::kAdd;
    c.dn = std::move(entry_.dn);
    c.anchor = std::move(entry_.anchor);
    c.object_type = std::move(entry_.object_type);
    c.attributes = std::move(entry_.attributes);
    return emit_(std::move(c));
  }

  Status intermediate(LDAPMessage* m) override {
    char* oid = nullptr;
    berval* data = nullptr;
    int rc = ldap_parse_intermediate(session_.ld(), m, &oid, &data, nullptr, 0);
    std::unique_ptr<char, void (*)(void*)> oguard(oid, ldap_memfree);
    std::unique_ptr<berval, void (*)(berval*)> dguard(data, ber_bvfree);
    if (rc != LDAP_SUCCESS) return session_.error(rc, "reading a sync info message");
    if (oid == nullptr || std::string_view(oid) != LDAP_SYNC_INFO || data == nullptr) return Status::Ok();
    std::unique_ptr<BerElement, BerFree> ber(ber_init(data));
    if (!ber) return bad("an unreadable sync info message");
    ber_len_t len = 0;
    ber_tag_t tag = ber_peek_tag(ber.get(), &len);
    if (tag == LDAP_TAG_SYNC_NEW_COOKIE) {
      berval c{};
      if (ber_scanf(ber.get(), "m", &c) == LBER_ERROR) return bad("an unreadable new cookie");
      cookie_.assign(c.bv_val, c.bv_len);
      return Status::Ok();
    }
    if (tag == LDAP_TAG_SYNC_REFRESH_DELETE || tag == LDAP_TAG_SYNC_REFRESH_PRESENT) {
      if (ber_scanf(ber.get(), "{") == LBER_ERROR) return bad("an unreadable refresh message");
      if (ber_peek_tag(ber.get(), &len) == LDAP_TAG_SYNC_COOKIE) {
        berval c{};
        if (ber_scanf(ber.get(), "m", &c) == LBER_ERROR) return bad("an unreadable cookie");
        cookie_.assign(c.bv_val, c.bv_len);
      }
      if (tag == LDAP_TAG_SYNC_REFRESH_PRESENT && saw_present_) return present_phase();
      return Status::Ok();
    }
    if (tag == LDAP_TAG_SYNC_ID_SET) {
      if (ber_scanf(ber.get(), "{") == LBER_ERROR) return bad("an unreadable syncIdSet");
      if (ber_peek_tag(ber.get(), &len) == LDAP_TAG_SYNC_COOKIE) {
        berval c{};
        if (ber_scanf(ber.get(), "m", &c) == LBER_ERROR) return bad("an unreadable cookie");
        cookie_.assign(c.bv_val, c.bv_len);
      }
      ber_int_t deletes = 0;
      if (ber_peek_tag(ber.get(), &len) == LDAP_TAG_REFRESHDELETES &&
          ber_scanf(ber.get(), "b", &deletes) == LBER_ERROR)
        return bad("an unreadable syncIdSet flag");
      BerVarray uuids = nullptr;
      if (ber_scanf(ber.get(), "[W]", &uuids) == LBER_ERROR) return bad("an unreadable syncIdSet");
      std::unique_ptr<berval, void (*)(BerVarray)> uguard(uuids, ber_bvarray_free);
      if (!deletes) return present_phase();
      for (BerVarray u = uuids; u != nullptr && u->bv_val != nullptr; ++u) {
        EntryChange c;
        c.kind = ChangeKind::kDelete;
        c.anchor = uuid_text(std::string_view(u->bv_val, u->bv_len));
        IDSYNC_RETURN_IF_ERROR(emit_(std::move(c)));
      }
    }
    return Status::Ok();
  }

  std::string& cookie() { return cookie_; }

 private:
  Status present_phase() {
    saw_present_ = true;
    return Status::Error(ErrorCode::kUnsupported,
                         "LDAP server " + session_.options().uri +
                             ": the sync cookie is older than the server's session log, so it "
                             "cannot list the deletions since then; run a Full Import (and "
                             "consider a larger syncprov-sessionlog)");
  }
  Status bad(const std::string& what) {
    return Status::Error(ErrorCode::kConnectorError,
                         "LDAP server " + session_.options().uri + " sent " + what +
                             " during a delta import (RFC 4533); run a Full Import");
  }

  Session& session_;
  const DeltaScope& scope_;
  const EmitFn& emit_;
  Entry entry_;
  std::string cookie_;
  bool saw_present_ = false;
};

// Reads the cookie of the sync-done control, if any.
Status done_cookie(Session& session, LDAPControl** rctrls, std::string& cookie) {
  LDAPControl* done = ldap_control_find(LDAP_CONTROL_SYNC_DONE, rctrls, nullptr);
  if (done == nullptr) return Status::Ok();
  std::unique_ptr<BerElement, BerFree> ber(ber_init(&done->ldctl_value));
  ber_len_t len = 0;
  if (!ber || ber_scanf(ber.get(), "{") == LBER_ERROR)
    return session.error(LDAP_DECODING_ERROR, "reading the sync done control");
  if (ber_peek_tag(ber.get(), &len) == LDAP_TAG_SYNC_COOKIE) {
    berval c{};
    if (ber_scanf(ber.get(), "m", &c) == LBER_ERROR)
      return session.error(LDAP_DECODING_ERROR, "reading the sync cookie");
    cookie.assign(c.bv_val, c.bv_len);
  }
  return Status::Ok();
}

Status run_sync(Session& session, const DeltaScope& scope, std::string& cookie, const EmitFn& emit) {
  auto ctrl = sync_request(session, cookie);
  if (!ctrl.ok()) return ctrl.status();
  std::unique_ptr<LDAPControl, void (*)(LDAPControl*)> cguard(*ctrl, ldap_control_free);
  SyncHandler handler(session, scope, emit);
  SearchSpec spec;
  spec.base = scope.base;
  spec.filter = scope.filter;
  spec.attrs = scope.attrs;
  spec.controls.push_back(*ctrl);
  LDAPControl** rctrls = nullptr;
  Status s = run_search(session, spec, handler, &rctrls);
  std::unique_ptr<LDAPControl*, void (*)(LDAPControl**)> rguard(rctrls, ldap_controls_free);
  if (!s.ok()) return s;
  std::string next = handler.cookie();
  IDSYNC_RETURN_IF_ERROR(done_cookie(session, rctrls, next));
  if (next.empty() && !cookie.empty()) return Status::Ok();  // nothing changed: same position
  if (next.empty())
    return Status::Error(ErrorCode::kConnectorError,
                         "LDAP server " + session.options().uri +
                             " returned no sync cookie for '" + scope.base +
                             "'; is the syncprov overlay configured on that database?");
  cookie = std::move(next);
  return Status::Ok();
}

}  // namespace

Result<std::string> sync_current_cookie(Session& session, const std::string& base) {
  // A refresh whose filter matches nothing returns no entries but the cookie of "now".
  DeltaScope scope;
  scope.base = base;
  scope.filter = "(&(objectClass=*)(!(objectClass=*)))";
  scope.attrs = {"1.1"};
  std::string cookie;
  EmitFn none = [](EntryChange&&) { return Status::Ok(); };
  IDSYNC_RETURN_IF_ERROR(run_sync(session, scope, cookie, none));
  return cookie;
}

Status sync_delta(Session& session, const DeltaScope& scope, std::string& cookie, const EmitFn& emit) {
  std::string next = cookie;
  IDSYNC_RETURN_IF_ERROR(run_sync(session, scope, next, emit));
  cookie = std::move(next);
  return Status::Ok();
}

}  // namespace idsync::ldap
