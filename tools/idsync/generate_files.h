// Writing generated forests and change sets to LDIF files (used by `generate` and `demo`).
#pragma once

#include <string>

#include "idsync/forestgen/forestgen.h"

namespace idsync::cli {

// Returns the number of records written. The file is written to a temporary name and renamed,
// so a reader never sees half a file.
Result<uint64_t> write_forest_ldif(const forestgen::ForestOptions& options, const std::string& path);
Result<uint64_t> write_changes_ldif(const forestgen::ForestOptions& options, uint32_t round, const std::string& path);

}  // namespace idsync::cli
