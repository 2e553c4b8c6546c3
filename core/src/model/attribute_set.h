// AttributeSet: the attributes of one object, sorted by id, each a non-empty list of values,
// in one heap block per object (issue 5: a std::string per value and a vector per attribute
// cost about 4.5x the value bytes on a loaded state).
//
// Block layout (malloc'd, 8-aligned), in one of two forms whose every count, id and offset is
// a T: the narrow form (T = u16) when the block up to the end of its bytes fits in 64 KiB
// (kNarrowMaxBytes), its ids are below 2^16 and it holds fewer than 2^16 long lists — nearly
// every object —, the wide form (T = u32) else:
//   T head = nattrs << 1 | narrow         the form is bit 0 of the first byte (little-endian)
//   T offset of the bytes                 both read by every get(), with the first entries
//   Entry {id, first} x (nattrs + 1)       sorted by id; `first` = index of the attribute's
//                                          first packed value, the top bit of T (large flag)
//                                          set when the attribute is out of line (it packs
//                                          no value); the last entry is a sentinel:
//                                          id = nlarge, first = npacked
//   T offsets[npacked + 1]                value i = bytes[offsets[i] .. offsets[i + 1])
//   bytes, then padding to 8
//   OutOfLineList* large[nlarge]          lists of >= kOutOfLineValues values, owned by the set,
//                                          in entry order
// A narrow block costs 4 bytes per attribute, 2 per value and 10 beside the value bytes; a wide
// one 8, 4 and 20. The form follows from the contents alone, so equal sets have equal blocks.
// A big group's member list lives out of line so that changing one member moves one value,
// never repacks the list. Lookups are a binary search over the entries; values are read
// through ValuesView (idsync/values_view.h), string_views into the block or the list. A
// mutator rebuilds the block (one allocation, the object's small values copied once); a set
// built attribute by attribute uses the Builder and is packed once. A view is invalidated by
// any change to the set. An attribute with no values is never stored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "idsync/value_types.h"
#include "idsync/values_view.h"
#include "model/attribute_table.h"

namespace idsync {

struct HeapBytes;

// A value list of at least this many values is kept out of line (the store's chunked lists
// start at the same size, model/objects.h kChunkedMinValues); one shrunk below half of it by
// remove_value is packed again (the gap keeps a list near the limit from moving each change).
inline constexpr size_t kOutOfLineValues = 512;

// The largest block (up to the end of its value bytes) kept in the narrow form (u16 counts).
inline constexpr size_t kNarrowMaxBytes = 65535;

// An out-of-line list as the set holds it: the values, and the chunks the store last cut them
// into or read them from (model/objects.h layout 2: chunk hashes in list order), so that saving
// a huge list unchanged since needs no new cut. Every mutator of the set that changes the
// values drops `cut`; a copy of the set shares it (same values); null: unknown.
struct OutOfLineList {
  ValueList values;
  std::shared_ptr<const std::vector<uint64_t>> cut;
};

// One attribute as items() shows it.
struct AttrEntry {
  AttrId id;
  ValuesView values;
};

class AttributeSet {
 public:
  AttributeSet() = default;
  AttributeSet(const AttributeSet& other);
  AttributeSet(AttributeSet&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
  AttributeSet& operator=(const AttributeSet& other);
  AttributeSet& operator=(AttributeSet&& other) noexcept;
  ~AttributeSet() { release(); }

  // Values of `id`; an empty (false) view when absent. Inline: the hottest read of a sync.
  ValuesView get(AttrId id) const {
    if (block_ == nullptr) return {};
    return narrow_block() ? get_in<uint16_t>(id) : get_in<uint32_t>(id);
  }
  bool has(AttrId id) const { return !get(id).empty(); }
  // Replaces the values; an empty list removes the attribute.
  void set(AttrId id, ValueList values);
  void erase(AttrId id) { set(id, {}); }
  // Adds `value` unless present (exact byte comparison); removes it if present.
  void add_value(AttrId id, std::string value);
  void remove_value(AttrId id, std::string_view value);
  // Removes the attribute and hands back its values (empty when absent), so a caller can
  // change a long list in place and set() it back without copying it.
  ValueList take(AttrId id);

  bool empty() const { return block_ == nullptr; }
  size_t size() const {
    if (block_ == nullptr) return 0;
    return narrow_block() ? count<uint16_t>() : count<uint32_t>();
  }
  // The i-th attribute in id order (i < size()).
  AttrEntry at(size_t i) const { return narrow_block() ? at_in<uint16_t>(i) : at_in<uint32_t>(i); }
  // Whether `id` is held out of line (false when absent); for tests and accounting.
  bool out_of_line(AttrId id) const;
  // Whether the block is in the narrow form (u16 counts, ids and offsets; false when empty);
  // for tests and accounting.
  bool narrow() const { return block_ != nullptr && narrow_block(); }

  // The chunk hashes (in list order) the store last wrote or read `id`'s out-of-line list as
  // (OutOfLineList::cut), or null: not known since the list last changed, or `id` is not out of
  // line. For the store's encoder (model/objects.cc); the cut depends only on the values.
  std::shared_ptr<const std::vector<uint64_t>> chunk_cut(AttrId id) const;
  // Remembers the cut of `id`'s out-of-line list (nothing when `id` is not out of line). Const:
  // a cache beside the values, not a change of the set (safe beside other const members).
  void remember_chunk_cut(AttrId id, std::shared_ptr<const std::vector<uint64_t>> cut) const;

  class Items;
  // The attributes in id order, as (id, values) entries.
  Items items() const;

  // Removes every attribute and frees the storage.
  void clear() { release(); }
  // Trims the out-of-line lists to their sizes (the block is always exact), for a set kept
  // long after it was built.
  void shrink_to_fit();
  // Bytes of the packed block (0 when empty); the out-of-line lists are apart.
  size_t block_bytes() const;

  friend bool operator==(const AttributeSet& a, const AttributeSet& b);
  // The heap this set holds (model/memory_usage.h).
  friend HeapBytes heap_bytes(const AttributeSet& set);

  // Builds a set in one go from attributes given one after another (an import entry, a
  // decoded blob, a recomputed metaverse object), instead of re-sorting it per attribute.
  // Attributes may come in any id order; for an id given twice the last one counts; an
  // attribute with no values is left out.
  class Builder {
   public:
    Builder() = default;
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;
    ~Builder() { reset(); }
    // Room for `attributes` attributes (a hint).
    void reserve(size_t attributes) { staged_.reserve(attributes); }
    // A whole attribute.
    void add(AttrId id, ValueList values);
    // An attribute given value by value: start(), then value() for each.
    void start(AttrId id, size_t count_hint = 0);
    void value(std::string_view v);
    // The set built; the builder is empty afterwards and can be reused (its buffers stay).
    AttributeSet finish();
    // Drops what was staged.
    void reset();

   private:
    struct Staged {
      AttrId id;
      uint32_t first;      // index of its first value in offsets_ (packed ones)
      uint32_t count;      // values packed
      OutOfLineList* large;  // owned until finish(); null when packed
    };
    std::vector<Staged> staged_;
    std::string bytes_;              // staged packed values, back to back
    std::vector<uint32_t> offsets_;  // value i = bytes_[offsets_[i] .. offsets_[i + 1])
  };

 private:
  // A cold set (model/cold_set.h) compresses and restores the block of a set without
  // out-of-line lists as it is, and keeps its compressed block in block_ (tagged) meanwhile.
  friend class ColdSet;

  // The two forms of a block: T is the type of every count, id and offset in it.
  template <class T>
  struct Entry {
    T id;
    T first;
  };
  template <class T>
  static constexpr T kLargeFlag = static_cast<T>(T{1} << (8 * sizeof(T) - 1));
  // One attribute of a block being built: its values packed from `values`, or the list
  // `large` adopted as it is.
  struct Part {
    AttrId id;
    ValuesView values;
    OutOfLineList* large;
  };
  static char* pack(const Part* parts, size_t n);
  template <class T>
  static char* pack_as(const Part* parts, size_t n, size_t npacked, size_t nbytes, size_t nlarge);
  // The parts of this set, with `id` left out.
  std::vector<Part> parts_without(AttrId id) const;
  template <class T>
  void parts_without_in(AttrId id, std::vector<Part>& parts) const;
  void adopt(char* block) {
    release_block_only();
    block_ = block;
  }
  void release();             // frees the block and the out-of-line lists
  void release_block_only();  // frees the block; its lists now belong to a newer block

  bool narrow_block() const { return (static_cast<unsigned char>(block_[0]) & 1u) != 0; }
  template <class T>
  const T* header() const { return reinterpret_cast<const T*>(block_); }
  template <class T>
  size_t count() const { return header<T>()[0] >> 1; }
  template <class T>
  const Entry<T>* entries() const { return reinterpret_cast<const Entry<T>*>(block_ + 2 * sizeof(T)); }
  template <class T>
  const T* offsets() const { return reinterpret_cast<const T*>(entries<T>() + count<T>() + 1); }
  template <class T>
  const char* bytes() const { return block_ + header<T>()[1]; }
  template <class T>
  size_t npacked_in() const { return entries<T>()[count<T>()].first; }
  template <class T>
  size_t nlarge_in() const { return entries<T>()[count<T>()].id; }
  // End of the value bytes, where the padding before the long lists starts.
  template <class T>
  size_t bytes_end() const { return size_t{header<T>()[1]} + offsets<T>()[npacked_in<T>()]; }

  // Index of `id` among the entries, or count() when absent.
  template <class T>
  size_t find(AttrId id) const {
    const size_t n = count<T>();
    const Entry<T>* e = entries<T>();
    size_t lo = 0, len = n;
    while (len > 1) {  // branch-free lower bound: a few dozen entries, ~5 steps
      const size_t half = len / 2;
      lo = e[lo + half].id < id ? lo + half : lo;
      len -= half;
    }
    lo += e[lo].id < id;  // n >= 1: an empty set has no block
    return lo < n && e[lo].id == id ? lo : n;
  }
  template <class T>
  ValuesView get_in(AttrId id) const {
    const size_t i = find<T>(id);
    return i == count<T>() ? ValuesView() : at_in<T>(i).values;
  }
  template <class T>
  AttrEntry at_in(size_t i) const {
    const Entry<T>* e = entries<T>();
    const size_t first = e[i].first;
    if (first & kLargeFlag<T>) return {e[i].id, ValuesView(large_of_in<T>(i)->values)};
    const auto* offs = reinterpret_cast<const T*>(e + count<T>() + 1);
    const size_t next = e[i + 1].first & static_cast<T>(~kLargeFlag<T>);
    return {e[i].id, ValuesView(block_ + header<T>()[1], offs + first, static_cast<uint32_t>(next - first))};
  }
  template <class T>
  bool large_entry(size_t i) const { return (entries<T>()[i].first & kLargeFlag<T>) != 0; }
  template <class T>
  OutOfLineList* large_of_in(size_t i) const;  // the out-of-line list of entry i

  // Form-independent accessors for the non-inline code.
  size_t find_any(AttrId id) const { return narrow_block() ? find<uint16_t>(id) : find<uint32_t>(id); }
  bool large_entry_any(size_t i) const { return narrow_block() ? large_entry<uint16_t>(i) : large_entry<uint32_t>(i); }
  OutOfLineList* large_of(size_t i) const { return narrow_block() ? large_of_in<uint16_t>(i) : large_of_in<uint32_t>(i); }
  size_t npacked() const { return narrow_block() ? npacked_in<uint16_t>() : npacked_in<uint32_t>(); }
  size_t nlarge() const { return narrow_block() ? nlarge_in<uint16_t>() : nlarge_in<uint32_t>(); }
  size_t packed_value_bytes() const {
    return narrow_block() ? offsets<uint16_t>()[npacked_in<uint16_t>()] : offsets<uint32_t>()[npacked_in<uint32_t>()];
  }
  size_t larges_at() const { return align8(narrow_block() ? bytes_end<uint16_t>() : bytes_end<uint32_t>()); }
  OutOfLineList* const* larges() const { return reinterpret_cast<OutOfLineList* const*>(block_ + larges_at()); }

  static size_t align8(size_t n) { return (n + 7) & ~size_t{7}; }

  char* block_ = nullptr;
};

// Iterates the attributes of a set in id order; invalidated by any change to the set.
class AttributeSet::Items {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = AttrEntry;
    using difference_type = std::ptrdiff_t;
    using reference = AttrEntry;
    struct Arrow {
      AttrEntry entry;
      const AttrEntry* operator->() const { return &entry; }
    };
    using pointer = Arrow;
    iterator() = default;
    iterator(const AttributeSet* set, size_t i) : set_(set), i_(i) {}
    AttrEntry operator*() const { return set_->at(i_); }
    Arrow operator->() const { return {set_->at(i_)}; }
    iterator& operator++() { ++i_; return *this; }
    iterator operator++(int) { iterator t = *this; ++i_; return t; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.i_ == b.i_; }

   private:
    const AttributeSet* set_ = nullptr;
    size_t i_ = 0;
  };
  explicit Items(const AttributeSet& set) : set_(&set) {}
  iterator begin() const { return {set_, 0}; }
  iterator end() const { return {set_, set_->size()}; }
  size_t size() const { return set_->size(); }
  bool empty() const { return set_->empty(); }

 private:
  const AttributeSet* set_;
};

inline AttributeSet::Items AttributeSet::items() const { return Items(*this); }

}  // namespace idsync
