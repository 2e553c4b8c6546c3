// Export: one EntryChange becomes LDAP add / modify / delete / modrdn operations.
//
// Multi-valued changes are split into modify operations of at most `modify_chunk` values, so a
// group of 100,000 members is written in small steps and never trips a server's administrative
// limit (AD: MaxValRange / MaxReceiveBuffer). When the server supports the permissive-modify
// control (1.2.840.113556.1.4.1413; AD and Samba do), adding a value that exists or removing one
// that is gone is not an error; elsewhere (OpenLDAP) such a chunk is re-sent value by value and
// exactly those values are skipped. Either way a retried export is harmless.
// A failure names the object, the operation and carries the server's message.
#pragma once

#include "idsync/connector.h"
#include "ldap_session.h"

namespace idsync::ldap {

class Writer {
 public:
  explicit Writer(Session& session);
  ExportResult apply(const EntryChange& change);

 private:
  Status add(const EntryChange& change, std::string& new_anchor);
  Status modify(const std::string& dn, const std::vector<AttributeChange>& changes);
  Status rename(const EntryChange& change);
  Status remove(const EntryChange& change);
  // Runs `op` (returning an LDAP result code); on a dropped connection reconnects once and
  // runs it again.
  template <class Op>
  int with_retry(Op op);
  std::string to_wire(std::string_view attr, const std::string& value) const;

  Session& session_;
  bool permissive_ = false;
};

}  // namespace idsync::ldap
