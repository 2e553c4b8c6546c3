#include "generate_files.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "idsync/file/ldif.h"

namespace idsync::cli {

namespace {

template <class Body>
Result<uint64_t> write_atomically(const std::string& path, Body&& body) {
  std::filesystem::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
  std::string temp = path + ".tmp";
  std::ofstream out(temp, std::ios::binary | std::ios::trunc);
  if (!out) return Status::Error(ErrorCode::kIoError, "cannot create '" + temp + "'; check the directory and its permissions");
  std::vector<char> buffer(1 << 20);
  out.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  file::LdifWriter writer(out);
  Status s = body(writer);
  if (s.ok()) s = writer.status();
  out.flush();
  if (s.ok() && !out) s = Status::Error(ErrorCode::kIoError, "cannot write '" + temp + "' (disk full?)");
  out.close();
  if (!s.ok()) {
    std::filesystem::remove(temp, ec);
    return s;
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) return Status::Error(ErrorCode::kIoError, "cannot rename '" + temp + "' to '" + path + "': " + ec.message());
  return writer.records_written();
}

}  // namespace

Result<uint64_t> write_forest_ldif(const forestgen::ForestOptions& options, const std::string& path) {
  return write_atomically(path, [&](file::LdifWriter& writer) {
    return forestgen::generate_forest(options, [&](Entry&& e) { return writer.write_entry(e); });
  });
}

Result<uint64_t> write_changes_ldif(const forestgen::ForestOptions& options, uint32_t round, const std::string& path) {
  forestgen::ChangeOptions changes;
  changes.round = round;
  return write_atomically(path, [&](file::LdifWriter& writer) {
    return forestgen::generate_changes(options, changes, [&](EntryChange&& c) { return writer.write_change(c); });
  });
}

}  // namespace idsync::cli
