// Running searches: one search streamed message by message, the paged-results loop on top of
// it (RFC 2696), and decoding an entry with range retrieval of large multi-valued attributes
// (AD's "member;range=0-1499", then the following ranges until "-*").
#pragma once

#include <ldap.h>

#include <functional>
#include <string>
#include <vector>

#include "idsync/entry.h"
#include "ldap_session.h"

namespace idsync::ldap {

struct SearchSpec {
  std::string base;
  int scope = LDAP_SCOPE_SUBTREE;
  std::string filter = "(objectClass=*)";
  std::vector<std::string> attrs;      // empty: all user attributes
  std::vector<LDAPControl*> controls;  // borrowed; the paged control is added by paged_search
};

class SearchHandler {
 public:
  virtual ~SearchHandler() = default;
  virtual Status entry(LDAPMessage* msg) = 0;
  virtual Status intermediate(LDAPMessage* /*msg*/) { return Status::Ok(); }
};

// Runs one search to its end. `result_controls` (optional) receives the controls of the final
// result, to be freed with ldap_controls_free. A handler error abandons the search.
Status run_search(Session& session, const SearchSpec& spec, SearchHandler& handler,
                  LDAPControl*** result_controls = nullptr);

// Runs `spec` page by page (paged results control, critical) until the server's cookie is empty.
Status paged_search(Session& session, const SearchSpec& spec, int page_size, SearchHandler& handler);

// Decodes an entry message into `out` (DN, attributes, object type, anchor). Ranged attributes
// are completed with further base searches. `anchor_attr` names the anchor; a
// structuralObjectClass value (requested internally) sets the object type and is dropped.
Status decode_entry(Session& session, LDAPMessage* msg, const std::string& anchor_attr, Entry& out);

// The most specific object class: structuralObjectClass if present, else the last objectClass.
std::string object_type_of(const Entry& entry);

}  // namespace idsync::ldap
