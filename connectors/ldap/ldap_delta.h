// Delta import protocols. Each reads the changes after a position (cookie or USN), hands them
// to `emit` as EntryChanges and returns the new position. A position is only advanced once
// every change before it was emitted, so a failed delta is simply run again.
//
//  - RFC 4533 refreshOnly (OpenLDAP syncprov): changed entries arrive whole (kAdd; the engine
//    matches them by entryUUID, so modifies, renames and moves all stage correctly), deleted
//    ones as entryUUIDs in a syncIdSet (kDelete by anchor).
//  - accesslog (OpenLDAP slapo-accesslog, ldap_accesslog.cc): the write records after a reqStart
//    position; added, modified, renamed and moved entries are read again whole (kAdd),
//    deletions are kDelete by DN (with the entryUUID when the overlay logs it).
//  - DirSync (AD, 1.2.840.113556.1.4.841): new objects arrive whole (kAdd), changed ones with
//    only the changed attributes (kRename to their current DN, so renames and moves are seen,
//    with replace / value-level add and delete changes), deletions as tombstones (kDelete by
//    objectGUID).
//  - uSNChanged (AD without the DirSync right): objects with uSNChanged above the position,
//    whole (kAdd), and tombstones read with the show-deleted control.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "idsync/entry.h"
#include "ldap_session.h"

namespace idsync::ldap {

using EmitFn = std::function<Status(EntryChange&&)>;

struct DeltaScope {
  std::string base;
  std::string filter;
  std::vector<std::string> attrs;
  std::string anchor_attr;
  // DirSync: attributes requested only to notice renames and moves (name, parentGUID when an
  // attribute list is configured); they are not merged into the hologram.
  std::vector<std::string> notice_only;
  // True when `dn` lies inside the configured partitions / OUs.
  std::function<bool(std::string_view dn)> in_scope;
};

// RFC 4533: the cookie for "now" (a refresh that matches nothing), and a refresh from `cookie`.
Result<std::string> sync_current_cookie(Session& session, const std::string& base);
Status sync_delta(Session& session, const DeltaScope& scope, std::string& cookie, const EmitFn& emit);

// accesslog: the reqStart of the newest record under `log_base` ("" for an empty log), and the
// changes after `position` within `scope` (a purged position asks for a Full Import).
Result<std::string> accesslog_current_position(Session& session, const std::string& log_base);
Status accesslog_delta(Session& session, const DeltaScope& scope, const std::string& log_base,
                       std::string& position, const EmitFn& emit);

// DirSync: the cookie for "now", and the changes after `cookie`. kUnsupported-like failures
// (insufficient rights, control not supported) come back as kConnectorError with
// is_dirsync_refused() true, so the caller can fall back to uSNChanged.
Result<std::string> dirsync_current_cookie(Session& session, const std::string& base);
Status dirsync_delta(Session& session, const DeltaScope& scope, std::string& cookie, const EmitFn& emit);
bool is_dirsync_refused(const Status& s);

// uSNChanged: objects and tombstones changed after `usn` (decimal); `usn` becomes the
// highestCommittedUSN read before the searches.
Status usn_delta(Session& session, const DeltaScope& scope, std::string& usn, const EmitFn& emit);

// Text form of a 16-byte UUID ("8-4-4-4-12", lowercase), as entryUUID values are written.
std::string uuid_text(std::string_view raw);

}  // namespace idsync::ldap
