// Distinguished names (RFC 4514): parsing, escaping, formatting and a canonical form.
//
// Contract:
//  - DN text is RFC 4514 string form, most specific RDN first: "CN=Ann\, Lee+UID=ann,OU=X,DC=y".
//    RDNs are separated by ',' (';' is accepted as the RFC 1779 legacy separator), AVAs of a
//    multi-valued RDN by '+'. Unescaped spaces around ',', '+' and '=' are ignored.
//  - Values in Ava are unescaped raw bytes; escape_dn_value() turns them back into DN text.
//  - Parsing is strict about what RFC 4514 says must be escaped: an unescaped '"', '<', '>',
//    '=' (inside a value) or NUL is an error, as is a bad escape or an empty RDN. Errors are
//    kInvalidArgument with "invalid DN '<dn>': <what> at position <n>" (n counts from 1).
//  - A value starting with an unescaped '#' is the hex form of a BER string ("#04024869");
//    OCTET STRING, UTF8String, PrintableString, IA5String and T61String are decoded.
//  - Every function is pure and thread-safe; none uses regex or allocates per character.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "idsync/status.h"

namespace idsync {

// One attribute type and value of an RDN: "CN=Ann" → {"CN", "Ann"}. `value` is unescaped.
struct Ava {
  std::string type;
  std::string value;
  bool operator==(const Ava&) const = default;
};

// One RDN: one AVA, or several for a multi-valued RDN ("CN=Ann+UID=ann").
using Rdn = std::vector<Ava>;

// Parses a whole DN, most specific RDN first. The empty DN (the root) gives no RDNs.
Result<std::vector<Rdn>> parse_dn(std::string_view dn);
// Parses one RDN ("CN=Ann+UID=ann"); an unescaped ',' in it is an error.
Result<Rdn> parse_rdn(std::string_view rdn);

// Escapes a raw value for use in DN text (RFC 4514 section 2.4): '"' '+' ',' ';' '<' '>' '\'
// and '=' get a backslash, a leading '#' or space and a trailing space too, control bytes and
// NUL become \hex pairs. Other bytes (including UTF-8) are copied.
std::string escape_dn_value(std::string_view value);

// Formats parsed RDNs back into DN text: "type=escaped" joined with '+' and ','.
std::string format_rdn(const Rdn& rdn);
std::string format_dn(const std::vector<Rdn>& rdns);

// Canonical form for equality and hashing: attribute types lowercased, values unescaped,
// ASCII-lowercased and re-escaped, the AVAs of a multi-valued RDN sorted, no spaces around
// separators. Two DNs name the same object (as AD compares them) iff their forms are equal.
Result<std::string> normalize_dn(std::string_view dn);
// The same into `out` (replaced; its capacity is reused), for hot paths that normalize many
// DNs with one buffer: the common DN costs one pass and no allocation. `out` is unspecified
// after an error.
Status normalize_dn_into(std::string_view dn, std::string& out);
// normalize_dn(a) == normalize_dn(b); false when either is not a valid DN.
bool dn_equals(std::string_view a, std::string_view b);

// The first RDN as written ("CN=Ann\, Lee" of "CN=Ann\, Lee,OU=X"), without surrounding
// unescaped spaces; a view into `dn`. The whole DN when it has one RDN.
std::string_view rdn(std::string_view dn);
// Everything after the first RDN ("OU=X"), a view into `dn`; empty for a one-RDN DN.
std::string_view parent_dn(std::string_view dn);
// The unescaped value of the first AVA of the first RDN ("Ann, Lee").
Result<std::string> rdn_value(std::string_view dn);
// Number of RDNs ("CN=a,OU=b" → 2; "" → 0). Counts unescaped separators; does not validate.
size_t dn_depth(std::string_view dn);
// Builds "rdn_type=escape_dn_value(value),parent" (no ",parent" when parent is empty).
std::string make_dn(std::string_view rdn_type, std::string_view value, std::string_view parent);

}  // namespace idsync
