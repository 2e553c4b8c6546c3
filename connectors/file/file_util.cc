#include "file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <random>

#include "idsync/dn.h"
#include "idsync/value_types.h"

namespace idsync::file {

namespace {

constexpr char kBase64Chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> make_decode_table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kBase64Chars[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr std::array<int8_t, 256> kDecode = make_decode_table();

}  // namespace

void base64_encode_to(std::string_view bytes, std::string& out) {
  out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    out.push_back(kBase64Chars[(v >> 18) & 63]);
    out.push_back(kBase64Chars[(v >> 12) & 63]);
    out.push_back(kBase64Chars[(v >> 6) & 63]);
    out.push_back(kBase64Chars[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = b(i) << 16;
    out.push_back(kBase64Chars[(v >> 18) & 63]);
    out.push_back(kBase64Chars[(v >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8);
    out.push_back(kBase64Chars[(v >> 18) & 63]);
    out.push_back(kBase64Chars[(v >> 12) & 63]);
    out.push_back(kBase64Chars[(v >> 6) & 63]);
    out.push_back('=');
  }
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  base64_encode_to(bytes, out);
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  size_t pad = 0;
  while (!text.empty() && text.back() == '=' && pad < 2) {
    text.remove_suffix(1);
    ++pad;
  }
  if (text.size() % 4 == 1) return std::nullopt;
  if (pad > 0 && (text.size() + pad) % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int8_t v = kDecode[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero in canonical base64; reject garbage like "QQ" vs "QR".
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

void apply_attribute_changes(Entry& entry, const std::vector<AttributeChange>& changes) {
  for (const AttributeChange& change : changes) {
    Attribute* attr = entry.find(change.name);
    switch (change.op) {
      case ValueOp::kReplace:
        entry.set(change.name, change.values);
        break;
      case ValueOp::kAdd: {
        if (change.values.empty()) break;
        if (attr == nullptr) {
          entry.attributes.push_back(Attribute{change.name, {}});
          attr = &entry.attributes.back();
        }
        for (const std::string& v : change.values)
          if (std::find(attr->values.begin(), attr->values.end(), v) == attr->values.end())
            attr->values.push_back(v);
        break;
      }
      case ValueOp::kDelete: {
        if (attr == nullptr) break;
        if (change.values.empty()) {
          entry.set(change.name, {});
          break;
        }
        ValueList& vals = attr->values;
        vals.erase(std::remove_if(vals.begin(), vals.end(),
                                  [&](const std::string& v) {
                                    return std::find(change.values.begin(), change.values.end(),
                                                     v) != change.values.end();
                                  }),
                   vals.end());
        if (vals.empty()) entry.set(change.name, {});
        break;
      }
    }
  }
}

std::vector<std::string> split_list(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view piece = text.substr(start, end - start);
    while (!piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
    while (!piece.empty() && piece.back() == ' ') piece.remove_suffix(1);
    if (!piece.empty()) out.emplace_back(piece);
    start = end + 1;
  }
  return out;
}

namespace {

Status io_error(const std::string& what, const std::filesystem::path& p) {
  return Status::Error(ErrorCode::kIoError, what + " '" + p.string() + "': " + std::strerror(errno));
}

}  // namespace

Status create_private_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create", path);
  // O_CREAT's mode does not apply to a file that was already there (a stale temp file).
  if (::fchmod(fd, 0600) != 0) {
    Status s = io_error("cannot set mode 0600 on", path);
    ::close(fd);
    return s;
  }
  ::close(fd);
  return Status::Ok();
}

Status fsync_and_rename(const std::filesystem::path& temp, const std::filesystem::path& target) {
  return fsync_and_rename(temp, target, target);
}

Status fsync_and_rename(const std::filesystem::path& temp, const std::filesystem::path& target,
                        const std::filesystem::path& like) {
  int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", temp);
  struct stat st {};
  bool has_like = ::stat(like.c_str(), &st) == 0;
  // Owner first (chown may clear set-id bits), then the mode. Only root may give a file away;
  // a plain user can still keep the group when it belongs to it (best effort by design).
  if (has_like && ::fchown(fd, st.st_uid, st.st_gid) != 0) (void)!::fchown(fd, static_cast<uid_t>(-1), st.st_gid);
  if (::fchmod(fd, has_like ? (st.st_mode & 07777) : 0600) != 0) {
    Status s = io_error("cannot set the mode of", temp);
    ::close(fd);
    return s;
  }
  if (::fsync(fd) != 0) {
    Status s = io_error("cannot fsync", temp);
    ::close(fd);
    return s;
  }
  ::close(fd);
  if (::rename(temp.c_str(), target.c_str()) != 0) return io_error("cannot rename to", target);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // best effort: some file systems refuse fsync on directories
    ::close(dfd);
  }
  return Status::Ok();
}

std::string random_guid_bytes() {
  static thread_local std::mt19937_64 rng = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }();
  std::string out(16, '\0');
  uint64_t a = rng(), b = rng();
  std::memcpy(out.data(), &a, 8);
  std::memcpy(out.data() + 8, &b, 8);
  out[7] = static_cast<char>((out[7] & 0x0f) | 0x40);  // version 4 (byte 7 in AD's mixed-endian layout)
  out[8] = static_cast<char>((out[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return out;
}

std::string moved_descendant_dn(std::string_view child_dn, std::string_view old_parent_norm,
                                std::string_view new_parent_dn) {
  const size_t keep = dn_depth(child_dn) - dn_depth(old_parent_norm);
  std::string_view rest = child_dn;
  for (size_t j = 0; j < keep; ++j) rest = parent_dn(rest);
  std::string_view prefix(child_dn.data(), static_cast<size_t>(rest.data() - child_dn.data()));
  while (!prefix.empty() && (prefix.back() == ' ' || prefix.back() == ',' || prefix.back() == ';'))
    prefix.remove_suffix(1);
  return std::string(prefix) + "," + std::string(new_parent_dn);
}

}  // namespace idsync::file
