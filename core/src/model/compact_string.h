// Compact string types for the fields every connector-space object carries (issue 5: a
// std::string is 32 bytes inline plus a heap block once it passes 15 bytes, and a 16-byte GUID
// anchor does not fit; with ~2M objects per million users that is hundreds of MB).
//
// - CompactString (8 bytes): one pointer to a heap block [uint32 size][bytes][NUL], null when
//   empty. For the DN and the rarely set strings (rename targets, error text): an empty one
//   costs 8 bytes and no block, a set one exactly its bytes plus 5.
// - ShortString (17 bytes, alignment 1): up to 16 bytes inline, longer ones in a block as
//   above. For anchors: a GUID or an objectGUID-sized anchor lives in the object itself.
//
// Both hold raw bytes (embedded NULs included) and read like a std::string_view: size(),
// data(), empty(), begin()/end(), conversion to std::string_view, comparison with anything
// string-like, assignment from std::string / std::string_view / const char*. They are values:
// copies copy the bytes, moves steal the block. Not thread safe against concurrent mutation of
// the same object, like std::string.
#pragma once

#include <compare>
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>

namespace idsync {

namespace compact_detail {
// A heap block holding `s` as [uint32 size][bytes][NUL]; never null (s may be empty).
char* new_block(std::string_view s);
void free_block(char* block) noexcept;
inline uint32_t block_size(const char* block) {
  uint32_t n;
  std::memcpy(&n, block, sizeof n);
  return n;
}
inline const char* block_data(const char* block) { return block + sizeof(uint32_t); }
}  // namespace compact_detail

// The read-only string interface shared by the compact string types; D provides view().
template <class D>
class StringLike {
 public:
  std::string_view sv() const noexcept { return static_cast<const D&>(*this).view(); }
  operator std::string_view() const noexcept { return sv(); }
  std::string str() const { return std::string(sv()); }
  const char* data() const noexcept { return sv().data(); }
  size_t size() const noexcept { return sv().size(); }
  size_t length() const noexcept { return size(); }
  bool empty() const noexcept { return size() == 0; }
  const char* begin() const noexcept { return data(); }
  const char* end() const noexcept { return data() + size(); }
  char operator[](size_t i) const noexcept { return data()[i]; }
  bool starts_with(std::string_view p) const noexcept { return sv().starts_with(p); }
  bool ends_with(std::string_view p) const noexcept { return sv().ends_with(p); }
  size_t find(std::string_view p, size_t pos = 0) const noexcept { return sv().find(p, pos); }
  size_t find(char c, size_t pos = 0) const noexcept { return sv().find(c, pos); }

  // One overload per string-like kind, so that `x == "literal"` or `x == some_std_string` is an
  // exact match and never ambiguous between conversions.
  friend bool operator==(const D& a, const D& b) noexcept { return a.sv() == b.sv(); }
  friend bool operator==(const D& a, std::string_view b) noexcept { return a.sv() == b; }
  friend bool operator==(const D& a, const std::string& b) noexcept { return a.sv() == std::string_view(b); }
  friend bool operator==(const D& a, const char* b) noexcept { return a.sv() == std::string_view(b); }
  friend std::strong_ordering operator<=>(const D& a, const D& b) noexcept { return a.sv() <=> b.sv(); }
  friend std::strong_ordering operator<=>(const D& a, std::string_view b) noexcept { return a.sv() <=> b; }
  friend std::strong_ordering operator<=>(const D& a, const std::string& b) noexcept {
    return a.sv() <=> std::string_view(b);
  }
  friend std::strong_ordering operator<=>(const D& a, const char* b) noexcept {
    return a.sv() <=> std::string_view(b);
  }
  friend std::string operator+(const std::string& a, const D& b) { return a + std::string(b.sv()); }
  friend std::string operator+(const char* a, const D& b) { return std::string(a).append(b.sv()); }
  friend std::string operator+(const D& a, std::string_view b) { return std::string(a.sv()).append(b); }
  friend std::string operator+(const D& a, const char* b) { return std::string(a.sv()).append(b); }
  friend std::string operator+(const D& a, const std::string& b) { return std::string(a.sv()).append(b); }
};

class CompactString : public StringLike<CompactString> {
 public:
  CompactString() noexcept = default;
  CompactString(std::string_view s) { assign(s); }  // implicit, like std::string's
  CompactString(const std::string& s) { assign(s); }
  CompactString(const char* s) { assign(s); }
  CompactString(const CompactString& o) { assign(o.view()); }
  CompactString(CompactString&& o) noexcept : block_(std::exchange(o.block_, nullptr)) {}
  ~CompactString() { compact_detail::free_block(block_); }

  CompactString& operator=(const CompactString& o) {
    assign(o.view());
    return *this;
  }
  CompactString& operator=(CompactString&& o) noexcept {
    if (this != &o) {
      compact_detail::free_block(block_);
      block_ = std::exchange(o.block_, nullptr);
    }
    return *this;
  }
  CompactString& operator=(std::string_view s) { return assign(s); }
  CompactString& operator=(const std::string& s) { return assign(s); }
  CompactString& operator=(const char* s) { return assign(s); }

  // `s` may point into this string's own bytes.
  CompactString& assign(std::string_view s) {
    char* old = block_;
    block_ = s.empty() ? nullptr : compact_detail::new_block(s);
    compact_detail::free_block(old);
    return *this;
  }
  void clear() noexcept {
    compact_detail::free_block(block_);
    block_ = nullptr;
  }
  void swap(CompactString& o) noexcept { std::swap(block_, o.block_); }

  std::string_view view() const noexcept {
    if (block_ == nullptr) return {};
    return {compact_detail::block_data(block_), compact_detail::block_size(block_)};
  }
  // NUL-terminated (the block keeps a NUL after the bytes).
  const char* c_str() const noexcept { return block_ == nullptr ? "" : compact_detail::block_data(block_); }
  // The heap block (for heap accounting), or null when empty.
  const void* heap_block() const noexcept { return block_; }

 private:
  char* block_ = nullptr;
};

class ShortString : public StringLike<ShortString> {
 public:
  static constexpr size_t kInline = 16;

  ShortString() noexcept = default;
  ShortString(std::string_view s) { assign(s); }  // implicit, like std::string's
  ShortString(const std::string& s) { assign(s); }
  ShortString(const char* s) { assign(s); }
  ShortString(const ShortString& o) { assign(o.view()); }
  ShortString(ShortString&& o) noexcept {
    std::memcpy(bytes_, o.bytes_, sizeof bytes_);
    tag_ = std::exchange(o.tag_, 0);
  }
  ~ShortString() { release(); }

  ShortString& operator=(const ShortString& o) { return assign(o.view()); }
  ShortString& operator=(ShortString&& o) noexcept {
    if (this != &o) {
      release();
      std::memcpy(bytes_, o.bytes_, sizeof bytes_);
      tag_ = std::exchange(o.tag_, 0);
    }
    return *this;
  }
  ShortString& operator=(std::string_view s) { return assign(s); }
  ShortString& operator=(const std::string& s) { return assign(s); }
  ShortString& operator=(const char* s) { return assign(s); }

  // `s` may point into this string's own bytes.
  ShortString& assign(std::string_view s) {
    if (s.size() <= kInline) {
      char copy[kInline];
      if (!s.empty()) std::memcpy(copy, s.data(), s.size());  // before releasing: s may be ours
      release();
      if (!s.empty()) std::memcpy(bytes_, copy, s.size());
      tag_ = static_cast<uint8_t>(s.size());
    } else {
      char* block = compact_detail::new_block(s);
      release();
      std::memcpy(bytes_, &block, sizeof block);
      tag_ = kHeap;
    }
    return *this;
  }
  void clear() noexcept {
    release();
    tag_ = 0;
  }
  void swap(ShortString& o) noexcept {
    ShortString t(std::move(o));
    o = std::move(*this);
    *this = std::move(t);
  }

  std::string_view view() const noexcept {
    if (tag_ != kHeap) return {bytes_, tag_};
    const char* b = block();
    return {compact_detail::block_data(b), compact_detail::block_size(b)};
  }
  // True when the bytes live in the object itself (no heap block).
  bool is_inline() const noexcept { return tag_ != kHeap; }
  const void* heap_block() const noexcept { return tag_ == kHeap ? block() : nullptr; }

 private:
  static constexpr uint8_t kHeap = 0xff;
  char* block() const noexcept {
    char* b;
    std::memcpy(&b, bytes_, sizeof b);
    return b;
  }
  void release() noexcept {
    if (tag_ == kHeap) compact_detail::free_block(block());
  }

  char bytes_[kInline] = {};  // the bytes, or the block pointer when tag_ == kHeap
  uint8_t tag_ = 0;      // the inline size, or kHeap
};

std::ostream& operator<<(std::ostream& os, const CompactString& s);
std::ostream& operator<<(std::ostream& os, const ShortString& s);

static_assert(sizeof(CompactString) == 8);
static_assert(sizeof(ShortString) == 17 && alignof(ShortString) == 1);

}  // namespace idsync

template <>
struct std::hash<idsync::CompactString> {
  size_t operator()(const idsync::CompactString& s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <>
struct std::hash<idsync::ShortString> {
  size_t operator()(const idsync::ShortString& s) const noexcept { return std::hash<std::string_view>{}(s); }
};
