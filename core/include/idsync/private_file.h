// Files IdSync writes that can hold directory data (csexport output, the analyzer CSV, the
// export preview page, configuration exports) are readable and writable by their owner only
// (mode 0600), whatever the umask, like the store: a name, a manager chain or a group
// membership list is as sensitive as the directory it came from.
// Thread safety: reentrant (file system calls only).
#pragma once

#include <string>

#include "idsync/status.h"

namespace idsync {

// Creates `path` with mode 0600 (left empty), or, when it exists as a regular file, sets its
// mode to 0600 (through a symbolic link: the file written); the caller then opens it for
// writing as usual, truncating it. A device or FIFO (e.g. /dev/stdout) is left as it is.
// Errors (kIoError) name the file and what to do.
[[nodiscard]] Status prepare_private_file(const std::string& path);

// Mode for open(2) of a file that may hold directory data.
inline constexpr unsigned kPrivateFileMode = 0600;

}  // namespace idsync
