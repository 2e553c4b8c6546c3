// Schema discovery from the subschema entry (RFC 4512): attribute types with their IdSync
// type (from the syntax, inherited through SUP) and single/multi-valued flag; object classes
// with every attribute they may hold (MUST + MAY, through the SUP chain).
#pragma once

#include "idsync/connector.h"
#include "ldap_session.h"

namespace idsync::ldap {

// Object types: the configured object_classes, or every structural class when none are set.
Result<ConnectorSchema> discover_ldap_schema(Session& session);

// The IdSync type for an LDAP syntax OID (RFC 4517 and AD's own syntaxes); unknown: string.
AttrType type_for_syntax(std::string_view syntax_oid);

}  // namespace idsync::ldap
