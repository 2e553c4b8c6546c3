#include "ldif_dn_snapshot.h"

#include <sys/stat.h>
#include <xxhash.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>

#include "file_util.h"

namespace idsync::file {

namespace fs = std::filesystem;

namespace {

// Layout: magic; u32 file count, per file {u32 name length, name, u64 size, i64 mtime_ns,
// u64 inode}; u64 DN count, per DN {u32 length, bytes}; u64 XXH3 of everything before it.
// Integers are little-endian as the machine writes them (the snapshot never leaves it).
constexpr std::string_view kMagic = "IDSYNC-LDIF-DN-SNAPSHOT 1\n";

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

void put_text(std::string& out, std::string_view s) {
  put(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  template <typename T>
  bool get(T& v) {
    if (data_.size() - pos_ < sizeof v) return false;
    std::memcpy(&v, data_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return true;
  }
  bool get_text(std::string& s) {
    uint32_t n = 0;
    if (!get(n) || data_.size() - pos_ < n) return false;
    s.assign(data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<FileStamp> stamp_file(const fs::path& path, std::string name) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  FileStamp s;
  s.name = std::move(name);
  s.size = static_cast<uint64_t>(st.st_size);
  s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  s.inode = static_cast<uint64_t>(st.st_ino);
  return s;
}

std::optional<DnSnapshot> read_dn_snapshot(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad() || data.size() < kMagic.size() + sizeof(uint64_t)) return std::nullopt;
  if (std::string_view(data).substr(0, kMagic.size()) != kMagic) return std::nullopt;
  const size_t body = data.size() - sizeof(uint64_t);
  uint64_t sum = 0;
  std::memcpy(&sum, data.data() + body, sizeof sum);
  if (XXH3_64bits(data.data(), body) != sum) return std::nullopt;

  Reader r(std::string_view(data).substr(kMagic.size(), body - kMagic.size()));
  DnSnapshot snapshot;
  uint32_t files = 0;
  if (!r.get(files) || files > r.remaining()) return std::nullopt;
  snapshot.files.resize(files);
  for (FileStamp& f : snapshot.files) {
    if (!r.get_text(f.name) || !r.get(f.size) || !r.get(f.mtime_ns) || !r.get(f.inode)) return std::nullopt;
  }
  uint64_t dns = 0;
  if (!r.get(dns) || dns > r.remaining() / sizeof(uint32_t)) return std::nullopt;
  snapshot.dns.resize(dns);
  for (std::string& dn : snapshot.dns) {
    if (!r.get_text(dn)) return std::nullopt;
  }
  if (r.remaining() != 0) return std::nullopt;
  return snapshot;
}

Status write_dn_snapshot(const fs::path& path, const DnSnapshot& snapshot) {
  std::string out(kMagic);
  put(out, static_cast<uint32_t>(snapshot.files.size()));
  for (const FileStamp& f : snapshot.files) {
    put_text(out, f.name);
    put(out, f.size);
    put(out, f.mtime_ns);
    put(out, f.inode);
  }
  put(out, static_cast<uint64_t>(snapshot.dns.size()));
  for (const std::string& dn : snapshot.dns) put_text(out, dn);
  put(out, static_cast<uint64_t>(XXH3_64bits(out.data(), out.size())));

  fs::path temp = path;
  temp += ".tmp";
  IDSYNC_RETURN_IF_ERROR(create_private_file(temp));
  std::ofstream file(temp, std::ios::binary | std::ios::trunc);
  file.write(out.data(), static_cast<std::streamsize>(out.size()));
  file.close();
  std::error_code ec;
  if (!file) {
    fs::remove(temp, ec);
    return Status::Error(ErrorCode::kIoError, "cannot write the DN snapshot '" + temp.string() + "'");
  }
  fs::rename(temp, path, ec);
  if (ec) {
    fs::remove(temp, ec);
    return Status::Error(ErrorCode::kIoError, "cannot rename the DN snapshot to '" + path.string() + "'");
  }
  return Status::Ok();
}

}  // namespace idsync::file
