// The directory connectors over libldap: "ldap" (generic LDAP v3, e.g. OpenLDAP) and "ad"
// (Active Directory / Samba AD DC).
//
// Options (ConnectorConfig::options), both types:
//   uri                 ldap://host[:port], ldaps://host[:port] (required)
//   start_tls           "true": StartTLS on an ldap:// connection (default false)
//   ca_file             PEM file of the CA(s) that sign the server certificate; without it the
//                       system trust store is used. Certificates are always verified...
//   tls_insecure        ...unless this is "true" (a warning is printed on every connect)
//   bind_dn             simple-bind DN or AD user principal name; empty: anonymous
//   password_file       file holding the bind password (trailing newline ignored; it must be
//                       mode 0600, owned by the IdSync account, not a symbolic link), or
//   password_env        environment variable holding it. Both are read with read_secret()
//                       (idsync/secret.h); the password is never logged nor put into an error.
//   base_dns            the partitions / OUs to import, separated by '|' (DNs contain commas);
//                       default: the server's default naming context (AD) or the first
//                       namingContexts value (LDAP)
//   object_classes      comma list of object classes to import (default: all)
//   attributes          comma list of attributes to import (default: all user attributes)
//   filter              an extra LDAP filter ANDed to the import filter
//   page_size           paged-results page size (default 1000)
//   timeout_seconds     per-operation timeout (default 60); connect_timeout_seconds (default 10)
//   modify_chunk        most values per modify operation (default 1000), so adding 100,000
//                       members to a group never exceeds a server's administrative limits
//   reconnect_attempts  how often an import reconnects after a dropped connection (default 3)
//   anchor              anchor attribute (default entryUUID for "ldap", objectGUID for "ad")
//   delta               "ldap": "sync" (RFC 4533 refreshOnly, the default);
//                       "ad": "auto" (DirSync when permitted, else uSNChanged, the default),
//                       "dirsync" or "usn"
//
// Object type of an imported entry: structuralObjectClass when the server returns it (OpenLDAP),
// else the last (most specific) objectClass value (AD). The anchor attribute stays an ordinary
// attribute too; mS-DS-ConsistencyGuid is imported like any other binary attribute, and its
// write-back is an export by sync rules (see README "LDAP and Active Directory connectors").
//
// Watermark: "sync:<base64 cookie>" (RFC 4533), "dirsync:<base64 cookie>" or
// "usn:<highestCommittedUSN>" (AD). A full import records the position taken before it started,
// so a change made during the import is seen again by the next delta, never lost.
//
// Thread safety: a connector object is used from one thread at a time (connector.h).
#pragma once

#include <memory>

#include "idsync/connector.h"

namespace idsync::ldap {

// Adds the "ldap" and "ad" connector types to `registry`.
void register_ldap_connectors(ConnectorRegistry& registry);

// The factories behind those types; errors name the bad option. No connection is made here.
Result<std::unique_ptr<Connector>> create_ldap_connector(const ConnectorConfig& config);
Result<std::unique_ptr<Connector>> create_ad_connector(const ConnectorConfig& config);

}  // namespace idsync::ldap
