// Why LDAP_MSG_RECEIVED: it hands over every message that has arrived in one call, so a page of
// 1000 entries costs a few calls instead of 1000 (the floor we measure against is ldapsearch).
#include "ldap_search.h"

#include <charconv>
#include <memory>

namespace idsync::ldap {

namespace {

struct MessageFree {
  void operator()(LDAPMessage* m) const { ldap_msgfree(m); }
};
using MessagePtr = std::unique_ptr<LDAPMessage, MessageFree>;

std::vector<char*> c_names(const std::vector<std::string>& attrs) {
  std::vector<char*> names;
  for (const std::string& a : attrs) names.push_back(const_cast<char*>(a.c_str()));
  names.push_back(nullptr);
  return names;
}

int handle_error_code(LDAP* ld) {
  int rc = LDAP_OTHER;
  ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &rc);
  return rc == LDAP_SUCCESS ? LDAP_SERVER_DOWN : rc;
}

// "member;range=0-1499" → base "member", next low 1500 (or -1 when the range ends in '*').
bool parse_range(std::string_view name, std::string& base, long& next) {
  size_t pos = std::string_view::npos;
  for (size_t i = 0; i + 7 <= name.size(); ++i) {
    if (name[i] == ';' && iequals(name.substr(i, 7), ";range=")) {
      pos = i;
      break;
    }
  }
  if (pos == std::string_view::npos) return false;
  base = std::string(name.substr(0, pos));
  std::string_view range = name.substr(pos + 7);
  size_t dash = range.find('-');
  if (dash == std::string_view::npos) return false;
  std::string_view high = range.substr(dash + 1);
  if (high == "*") {
    next = -1;
    return true;
  }
  long n = 0;
  auto [p, ec] = std::from_chars(high.data(), high.data() + high.size(), n);
  if (ec != std::errc() || p != high.data() + high.size() || n < 0) return false;  // not a range option
  next = n + 1;
  return true;
}

void add_values(Entry& out, const std::string& name, BerVarray vals) {
  Attribute* a = out.find(name);
  if (a == nullptr) {
    out.attributes.push_back(Attribute{name, {}});
    a = &out.attributes.back();
  }
  if (vals == nullptr) return;
  size_t n = 0;
  while (vals[n].bv_val != nullptr) ++n;
  a->values.reserve(a->values.size() + n);
  for (size_t i = 0; i < n; ++i) a->values.emplace_back(vals[i].bv_val, vals[i].bv_len);
}

// Fetches the ranges after the first of attribute `base` on `dn`, starting at `next`.
Status fetch_ranges(Session& session, const std::string& dn, const std::string& base, long next,
                    Entry& out) {
  while (next >= 0) {
    std::string want = base + ";range=" + std::to_string(next) + "-*";
    std::vector<std::string> attrs = {want};
    auto names = c_names(attrs);
    LDAPMessage* raw = nullptr;
    int rc = ldap_search_ext_s(session.ld(), dn.c_str(), LDAP_SCOPE_BASE, "(objectClass=*)",
                               names.data(), 0, nullptr, nullptr, session.op_timeout(), 0, &raw);
    MessagePtr res(raw);
    if (rc != LDAP_SUCCESS)
      return session.error(rc, "reading values " + std::to_string(next) + "- of '" + base +
                                   "' of '" + dn + "' (range retrieval)");
    LDAPMessage* e = ldap_first_entry(session.ld(), res.get());
    if (e == nullptr) break;
    long following = -1;
    bool found = false;
    BerElement* ber = nullptr;
    for (char* a = ldap_first_attribute(session.ld(), e, &ber); a != nullptr;
         a = ldap_next_attribute(session.ld(), e, ber)) {
      std::string got_base;
      long got_next = -1;
      if (parse_range(a, got_base, got_next) && iequals(got_base, base)) {
        berval** vals = ldap_get_values_len(session.ld(), e, a);
        Attribute* attr = out.find(base);
        if (vals != nullptr && attr != nullptr)
          for (berval** v = vals; *v != nullptr; ++v) attr->values.emplace_back((*v)->bv_val, (*v)->bv_len);
        if (vals != nullptr) ldap_value_free_len(vals);
        following = got_next;
        found = true;
      }
      ldap_memfree(a);
    }
    if (ber != nullptr) ber_free(ber, 0);
    if (!found) break;  // the server returned no further range: the attribute is complete
    next = following;
  }
  return Status::Ok();
}

}  // namespace

std::string object_type_of(const Entry& entry) {
  if (const Attribute* s = entry.find("structuralObjectClass"); s && !s->values.empty())
    return s->values.front();
  if (const Attribute* oc = entry.find("objectClass"); oc && !oc->values.empty())
    return oc->values.back();
  return std::string();
}

Status decode_entry(Session& session, LDAPMessage* msg, const std::string& anchor_attr, Entry& out) {
  out.dn.clear();
  out.object_type.clear();
  out.anchor.clear();
  out.attributes.clear();
  BerElement* ber = nullptr;
  berval dn{};
  LDAP* ld = session.ld();
  int rc = ldap_get_dn_ber(ld, msg, &ber, &dn);
  if (rc != LDAP_SUCCESS) return session.error(rc, "decoding a search entry");
  out.dn.assign(dn.bv_val, dn.bv_len);
  struct Pending {
    std::string base;
    long next;
  };
  std::vector<Pending> pending;
  std::string structural;
  for (;;) {
    berval attr{};
    BerVarray vals = nullptr;
    rc = ldap_get_attribute_ber(ld, msg, ber, &attr, &vals);
    if (rc != LDAP_SUCCESS) {
      ber_free(ber, 0);
      return session.error(rc, "decoding entry '" + out.dn + "'");
    }
    if (attr.bv_val == nullptr) break;
    std::string_view name(attr.bv_val, attr.bv_len);
    std::string base;
    long next = -1;
    if (parse_range(name, base, next)) {
      add_values(out, base, vals);
      if (next >= 0) pending.push_back(Pending{base, next});
    } else if (iequals(name, "structuralObjectClass")) {
      if (vals != nullptr && vals[0].bv_val != nullptr) structural.assign(vals[0].bv_val, vals[0].bv_len);
    } else {
      Attribute a;
      a.name.assign(name);
      if (vals != nullptr) {
        size_t n = 0;
        while (vals[n].bv_val != nullptr) ++n;
        a.values.reserve(n);
        for (size_t i = 0; i < n; ++i) a.values.emplace_back(vals[i].bv_val, vals[i].bv_len);
      }
      out.attributes.push_back(std::move(a));
    }
    if (vals != nullptr) ber_memfree(vals);
  }
  ber_free(ber, 0);
  for (const Pending& p : pending) IDSYNC_RETURN_IF_ERROR(fetch_ranges(session, out.dn, p.base, p.next, out));
  if (!structural.empty()) {
    out.object_type = std::move(structural);
  } else {
    out.object_type = object_type_of(out);
  }
  if (const Attribute* a = out.find(anchor_attr); a && !a->values.empty()) out.anchor = a->values.front();
  return Status::Ok();
}

Status run_search(Session& session, const SearchSpec& spec, SearchHandler& handler,
                  LDAPControl*** result_controls) {
  LDAP* ld = session.ld();
  auto names = c_names(spec.attrs);
  std::vector<LDAPControl*> ctrls = spec.controls;
  ctrls.push_back(nullptr);
  int msgid = 0;
  int rc = ldap_search_ext(ld, spec.base.c_str(), spec.scope, spec.filter.c_str(),
                           spec.attrs.empty() ? nullptr : names.data(), 0, ctrls.data(), nullptr,
                           session.op_timeout(), 0, &msgid);
  const std::string what = "searching '" + spec.base + "' for " + spec.filter;
  if (rc != LDAP_SUCCESS) return session.error(rc, what);
  for (;;) {
    LDAPMessage* raw = nullptr;
    rc = ldap_result(ld, msgid, LDAP_MSG_RECEIVED, session.op_timeout(), &raw);
    MessagePtr chain(raw);
    if (rc == 0) {
      ldap_abandon_ext(ld, msgid, nullptr, nullptr);
      return session.error(LDAP_TIMEOUT, what);
    }
    if (rc < 0) return session.error(handle_error_code(ld), what);
    for (LDAPMessage* m = ldap_first_message(ld, chain.get()); m != nullptr;
         m = ldap_next_message(ld, m)) {
      int type = ldap_msgtype(m);
      Status s;
      if (type == LDAP_RES_SEARCH_ENTRY) {
        s = handler.entry(m);
      } else if (type == LDAP_RES_INTERMEDIATE) {
        s = handler.intermediate(m);
      } else if (type == LDAP_RES_SEARCH_RESULT) {
        int err = LDAP_SUCCESS;
        char* text = nullptr;
        LDAPControl** rctrls = nullptr;
        rc = ldap_parse_result(ld, m, &err, nullptr, &text, nullptr, &rctrls, 0);
        std::unique_ptr<char, void (*)(void*)> text_guard(text, ldap_memfree);
        if (rc != LDAP_SUCCESS) {
          ldap_controls_free(rctrls);
          return session.error(rc, what);
        }
        if (err != LDAP_SUCCESS) {
          ldap_controls_free(rctrls);
          return session.error(err, what, text);
        }
        if (result_controls != nullptr) {
          *result_controls = rctrls;
        } else {
          ldap_controls_free(rctrls);
        }
        return Status::Ok();
      }
      if (!s.ok()) {
        ldap_abandon_ext(ld, msgid, nullptr, nullptr);
        return s;
      }
    }
  }
}

Status paged_search(Session& session, const SearchSpec& spec, int page_size, SearchHandler& handler) {
  berval cookie{};
  std::string cookie_bytes;
  for (;;) {
    LDAPControl* page = nullptr;
    cookie.bv_val = cookie_bytes.empty() ? nullptr : cookie_bytes.data();
    cookie.bv_len = cookie_bytes.size();
    int rc = ldap_create_page_control(session.ld(), page_size, &cookie, 1, &page);
    if (rc != LDAP_SUCCESS) return session.error(rc, "building the paged-results control");
    std::unique_ptr<LDAPControl, void (*)(LDAPControl*)> page_guard(page, ldap_control_free);
    SearchSpec paged = spec;
    paged.controls.push_back(page);
    LDAPControl** rctrls = nullptr;
    IDSYNC_RETURN_IF_ERROR(run_search(session, paged, handler, &rctrls));
    std::unique_ptr<LDAPControl*, void (*)(LDAPControl**)> rguard(rctrls, ldap_controls_free);
    LDAPControl* resp = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, rctrls, nullptr);
    if (resp == nullptr) return Status::Ok();  // the server sent everything in one go
    ber_int_t estimate = 0;
    berval next{};
    rc = ldap_parse_pageresponse_control(session.ld(), resp, &estimate, &next);
    if (rc != LDAP_SUCCESS) return session.error(rc, "reading the paged-results cookie");
    cookie_bytes.assign(next.bv_val == nullptr ? "" : next.bv_val, next.bv_len);
    ber_memfree(next.bv_val);
    if (cookie_bytes.empty()) return Status::Ok();
  }
}

}  // namespace idsync::ldap
