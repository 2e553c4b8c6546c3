// Helpers shared by the file connectors (private to connectors/file).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idsync/entry.h"
#include "idsync/status.h"

namespace idsync::file {

// Standard base64 (RFC 4648) with padding.
std::string base64_encode(std::string_view bytes);
// Decodes standard base64; whitespace is not allowed, missing final padding is accepted.
// nullopt when the text is not base64.
std::optional<std::string> base64_decode(std::string_view text);
void base64_encode_to(std::string_view bytes, std::string& out);

bool is_valid_utf8(std::string_view s);

// Applies attribute-level changes to `entry` with LDAP semantics, leniently: adding a value
// already present or deleting one that is absent is a no-op (a file has no server to refuse).
// Values compare exactly (byte for byte).
void apply_attribute_changes(Entry& entry, const std::vector<AttributeChange>& changes);

// Splits "a, b ,c" on `sep` and trims spaces; empty pieces are dropped.
std::vector<std::string> split_list(std::string_view text, char sep);

// Creates (or truncates) `path` readable by its owner only (0600): files hold directory data,
// and a temp file must not be readable by others while it is written.
Status create_private_file(const std::filesystem::path& path);

// Writes `target` durably: fsyncs `temp` and, after renaming it over `target`, the directory.
// The result keeps the mode (and, where permitted, the owner and group) of `like` — by default
// the file it replaces, so an administrator's chmod/chown survives the rewrite; when `like`
// does not exist the result is 0600.
Status fsync_and_rename(const std::filesystem::path& temp, const std::filesystem::path& target);
Status fsync_and_rename(const std::filesystem::path& temp, const std::filesystem::path& target,
                        const std::filesystem::path& like);

// The DN of `child_dn`, a descendant of the entry whose normalized DN was `old_parent_norm`,
// once that entry is renamed to `new_parent_dn`: the child's own leading RDNs as written, then
// the new name (a subtree rename moves descendants with their parent, as in LDAP).
std::string moved_descendant_dn(std::string_view child_dn, std::string_view old_parent_norm,
                                std::string_view new_parent_dn);

// 16 random bytes (a version-4 GUID in byte form).
std::string random_guid_bytes();

}  // namespace idsync::file
