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
  bool get_view(std::string_view& s) {
    uint32_t n = 0;
    if (!get(n) || data_.size() - pos_ < n) return false;
    s = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool skip_text() {
    std::string_view ignored;
    return get_view(ignored);
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

std::optional<DnSnapshotFile> open_dn_snapshot(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  DnSnapshotFile snapshot;
  std::string& data = snapshot.bytes;
  data.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad() || data.size() < kMagic.size() + sizeof(uint64_t)) return std::nullopt;
  if (std::string_view(data).substr(0, kMagic.size()) != kMagic) return std::nullopt;
  const size_t body = data.size() - sizeof(uint64_t);
  uint64_t sum = 0;
  std::memcpy(&sum, data.data() + body, sizeof sum);
  if (XXH3_64bits(data.data(), body) != sum) return std::nullopt;

  Reader r(std::string_view(data).substr(kMagic.size(), body - kMagic.size()));
  uint32_t files = 0;
  if (!r.get(files) || files > r.remaining()) return std::nullopt;
  snapshot.files.resize(files);
  for (FileStamp& f : snapshot.files) {
    if (!r.get_text(f.name) || !r.get(f.size) || !r.get(f.mtime_ns) || !r.get(f.inode)) return std::nullopt;
  }
  if (!r.get(snapshot.dn_count) || snapshot.dn_count > r.remaining() / sizeof(uint32_t)) return std::nullopt;
  snapshot.dns_begin = kMagic.size() + (body - kMagic.size() - r.remaining());
  // The framing of every DN is checked here, so that each_dn never meets a cut-short one.
  for (uint64_t i = 0; i < snapshot.dn_count; ++i) {
    if (!r.skip_text()) return std::nullopt;
  }
  if (r.remaining() != 0) return std::nullopt;
  return snapshot;
}

Status DnSnapshotFile::each_dn(const std::function<Status(std::string_view)>& visit) const {
  const size_t body = bytes.size() - sizeof(uint64_t);
  Reader r(std::string_view(bytes).substr(dns_begin, body - dns_begin));
  std::string_view dn;
  for (uint64_t i = 0; i < dn_count; ++i) {
    if (!r.get_view(dn)) return Status::Error(ErrorCode::kInternal, "the DN snapshot changed while it was read");
    IDSYNC_RETURN_IF_ERROR(visit(dn));
  }
  return Status::Ok();
}

std::optional<DnSnapshot> read_dn_snapshot(const fs::path& path) {
  std::optional<DnSnapshotFile> file = open_dn_snapshot(path);
  if (!file) return std::nullopt;
  DnSnapshot snapshot;
  snapshot.files = std::move(file->files);
  snapshot.dns.reserve(file->dn_count);
  (void)file->each_dn([&](std::string_view dn) {
    snapshot.dns.emplace_back(dn);
    return Status::Ok();
  });
  return snapshot;
}

namespace {

// Appends to a buffer flushed to `out` whenever it holds kFlushBytes, hashing what it writes.
class StreamedWriter {
 public:
  explicit StreamedWriter(std::ofstream& out) : out_(out), hash_(XXH3_createState()) {
    XXH3_64bits_reset(hash_);
    buffer_.reserve(kFlushBytes + 4096);
  }
  ~StreamedWriter() { XXH3_freeState(hash_); }
  StreamedWriter(const StreamedWriter&) = delete;
  StreamedWriter& operator=(const StreamedWriter&) = delete;

  std::string& buffer() { return buffer_; }
  void maybe_flush() {
    if (buffer_.size() >= kFlushBytes) flush();
  }
  void flush() {
    XXH3_64bits_update(hash_, buffer_.data(), buffer_.size());
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }
  // Flushes, then writes the checksum of everything written.
  void finish() {
    flush();
    put(buffer_, static_cast<uint64_t>(XXH3_64bits_digest(hash_)));
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

 private:
  static constexpr size_t kFlushBytes = size_t{1} << 20;
  std::ofstream& out_;
  XXH3_state_t* hash_;
  std::string buffer_;
};

}  // namespace

Status write_dn_snapshot(const fs::path& path, const std::vector<FileStamp>& files, uint64_t dn_count,
                         const DnSource& dns) {
  fs::path temp = path;
  temp += ".tmp";
  IDSYNC_RETURN_IF_ERROR(create_private_file(temp));
  std::ofstream file(temp, std::ios::binary | std::ios::trunc);
  {
    StreamedWriter w(file);
    std::string& out = w.buffer();
    out.append(kMagic);
    put(out, static_cast<uint32_t>(files.size()));
    for (const FileStamp& f : files) {
      put_text(out, f.name);
      put(out, f.size);
      put(out, f.mtime_ns);
      put(out, f.inode);
    }
    put(out, dn_count);
    uint64_t written = 0;
    dns([&](std::string_view dn) {
      put_text(out, dn);
      ++written;
      w.maybe_flush();
    });
    if (written != dn_count) {
      file.close();
      std::error_code ec;
      fs::remove(temp, ec);
      return Status::Error(ErrorCode::kInternal, "the DN snapshot got " + std::to_string(written) + " DNs, not the " +
                                                     std::to_string(dn_count) + " announced");
    }
    w.finish();
  }
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

Status write_dn_snapshot(const fs::path& path, const DnSnapshot& snapshot) {
  return write_dn_snapshot(path, snapshot.files, snapshot.dns.size(), [&](const std::function<void(std::string_view)>& sink) {
    for (const std::string& dn : snapshot.dns) sink(dn);
  });
}

}  // namespace idsync::file
