// The LDIF connector's DN snapshot: the DNs of the directory as its last export left it, with
// the stamps (size, modification time, inode) of the files they were read from.
//
// Why: an export validates every change against the directory's DNs (an add of an existing
// DN, a modify of a missing one are rejected per object). Reading them from the content file
// and every change file costs a parse of the whole directory — at a million entries, seconds
// per export run, for a change set of a few thousand objects. The snapshot holds only the
// DNs, so the next export reads it instead, plus the change files written after it.
//
// It is a cache, never the data: a snapshot whose stamps do not match the files exactly, or
// that is damaged (checked with a 64-bit XXH3 of its bytes), is ignored and the files are read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "idsync/status.h"

namespace idsync::file {

struct FileStamp {
  std::string name;  // the content file's path, or a change file's name in the change folder
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  uint64_t inode = 0;
  bool operator==(const FileStamp&) const = default;
};

// The stamp of `path` as `name`; nullopt when it cannot be read.
std::optional<FileStamp> stamp_file(const std::filesystem::path& path, std::string name);

struct DnSnapshot {
  std::vector<FileStamp> files;  // the content file first, then the change files in order
  std::vector<std::string> dns;  // in directory order
};

// A snapshot read and checked whole (checksum, framing), its DNs still in the file's bytes:
// an export adds them to its DN view one by one instead of building a list of them first.
struct DnSnapshotFile {
  std::vector<FileStamp> files;
  uint64_t dn_count = 0;
  // Visits the DNs in order; stops at and returns the first error of `visit`.
  Status each_dn(const std::function<Status(std::string_view)>& visit) const;

  std::string bytes;     // the whole file
  size_t dns_begin = 0;  // where the first DN's length is
};

// nullopt when the file is missing, unreadable, damaged or of another format version.
std::optional<DnSnapshotFile> open_dn_snapshot(const std::filesystem::path& path);
std::optional<DnSnapshot> read_dn_snapshot(const std::filesystem::path& path);

// Writes under a temporary name and renames, owner-readable only (it names directory entries).
// No fsync: a snapshot lost in a crash is stale or missing, and then ignored. Streamed through
// a small buffer: `dn_count` DNs, handed over in order by `dns` to the sink it is given (the
// snapshot of a million DNs is never built in memory, nor a list of them).
using DnSource = std::function<void(const std::function<void(std::string_view)>& sink)>;
Status write_dn_snapshot(const std::filesystem::path& path, const std::vector<FileStamp>& files, uint64_t dn_count,
                         const DnSource& dns);
Status write_dn_snapshot(const std::filesystem::path& path, const DnSnapshot& snapshot);

}  // namespace idsync::file
