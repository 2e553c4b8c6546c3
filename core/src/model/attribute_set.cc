#include "model/attribute_set.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>

namespace idsync {

namespace {
constexpr size_t kRepackBelowValues = kOutOfLineValues / 2;
}  // namespace

// ---- block access ------------------------------------------------------------------------

size_t AttributeSet::block_bytes() const {
  if (block_ == nullptr) return 0;
  const size_t end = narrow_block() ? bytes_end<uint16_t>() : bytes_end<uint32_t>();
  const size_t n = nlarge();
  return n == 0 ? end : align8(end) + 8 * n;
}

template <class T>
OutOfLineList* AttributeSet::large_of_in(size_t i) const {
  // The lists are in entry order: count the out-of-line entries before this one (a set holds
  // a few dozen entries and rarely more than one long list).
  const Entry<T>* e = entries<T>();
  size_t k = 0;
  for (size_t j = 0; j < i; ++j) k += (e[j].first & kLargeFlag<T>) != 0;
  return reinterpret_cast<OutOfLineList* const*>(block_ + align8(bytes_end<T>()))[k];
}
template OutOfLineList* AttributeSet::large_of_in<uint16_t>(size_t) const;
template OutOfLineList* AttributeSet::large_of_in<uint32_t>(size_t) const;

bool AttributeSet::out_of_line(AttrId id) const {
  if (block_ == nullptr) return false;
  const size_t i = find_any(id);
  return i != size() && large_entry_any(i);
}

namespace {
// Guards OutOfLineList::cut where const members read or write it (remember_chunk_cut may run
// while another thread encodes the same object, e.g. one listed twice in a put_cs_many).
// Only lists of 512+ values have a cut: the lock is rare and short.
std::mutex cut_mutex;
}  // namespace

std::shared_ptr<const std::vector<uint64_t>> AttributeSet::chunk_cut(AttrId id) const {
  if (block_ == nullptr) return nullptr;
  const size_t i = find_any(id);
  if (i == size() || !large_entry_any(i)) return nullptr;
  std::lock_guard<std::mutex> lock(cut_mutex);
  return large_of(i)->cut;
}

void AttributeSet::remember_chunk_cut(AttrId id, std::shared_ptr<const std::vector<uint64_t>> cut) const {
  if (block_ == nullptr) return;
  const size_t i = find_any(id);
  if (i == size() || !large_entry_any(i)) return;
  std::lock_guard<std::mutex> lock(cut_mutex);
  large_of(i)->cut = std::move(cut);
}

// ---- packing -----------------------------------------------------------------------------

char* AttributeSet::pack(const Part* parts, size_t n) {
  if (n == 0) return nullptr;
  size_t nlarge = 0, npacked = 0, nbytes = 0;
  AttrId max_id = 0;
  for (size_t i = 0; i < n; ++i) {
    max_id = std::max(max_id, parts[i].id);
    if (parts[i].large != nullptr) {
      ++nlarge;
    } else {
      npacked += parts[i].values.size();
      nbytes += parts[i].values.value_bytes();
    }
  }
  // The narrow form's end of bytes bounds every offset and count in it (an entry takes 4
  // bytes, an offset 2), so only the ids and the number of long lists need a check of their own.
  const size_t narrow_end = 4 + 4 * (n + 1) + 2 * (npacked + 1) + nbytes;
  if (narrow_end <= kNarrowMaxBytes && max_id <= UINT16_MAX && nlarge <= UINT16_MAX)
    return pack_as<uint16_t>(parts, n, npacked, nbytes, nlarge);
  if (n >= kLargeFlag<uint32_t> || npacked >= kLargeFlag<uint32_t> || nbytes > UINT32_MAX ||
      8 + 8 * (n + 1) + 4 * (npacked + 1) > UINT32_MAX)
    throw std::length_error("attribute set too large to pack");
  return pack_as<uint32_t>(parts, n, npacked, nbytes, nlarge);
}

template <class T>
char* AttributeSet::pack_as(const Part* parts, size_t n, size_t npacked, size_t nbytes, size_t nlarge) {
  const size_t bytes_at = 2 * sizeof(T) + 2 * sizeof(T) * (n + 1) + sizeof(T) * (npacked + 1);
  const size_t size = nlarge == 0 ? bytes_at + nbytes : align8(bytes_at + nbytes) + 8 * nlarge;
  char* block = static_cast<char*>(std::malloc(size));
  if (block == nullptr) throw std::bad_alloc();
  auto* header = reinterpret_cast<T*>(block);
  header[0] = static_cast<T>(n << 1 | (sizeof(T) == 2 ? 1u : 0u));
  header[1] = static_cast<T>(bytes_at);
  auto* entry = reinterpret_cast<Entry<T>*>(block + 2 * sizeof(T));
  auto* offsets = reinterpret_cast<T*>(entry + n + 1);
  char* bytes = block + bytes_at;
  auto* large = reinterpret_cast<OutOfLineList**>(block + align8(bytes_at + nbytes));
  size_t value = 0, end = 0;
  offsets[0] = 0;
  for (size_t i = 0; i < n; ++i) {
    const Part& p = parts[i];
    entry[i].id = static_cast<T>(p.id);
    if (p.large != nullptr) {
      entry[i].first = static_cast<T>(value | kLargeFlag<T>);
      *large++ = p.large;
      continue;
    }
    entry[i].first = static_cast<T>(value);
    for (std::string_view v : p.values) {
      if (!v.empty()) std::memcpy(bytes + end, v.data(), v.size());
      end += v.size();
      offsets[++value] = static_cast<T>(end);
    }
  }
  entry[n].id = static_cast<T>(nlarge);
  entry[n].first = static_cast<T>(value);
  return block;
}

std::vector<AttributeSet::Part> AttributeSet::parts_without(AttrId id) const {
  std::vector<Part> parts;
  if (block_ == nullptr) return parts;
  parts.reserve(size() + 1);
  if (narrow_block()) {
    parts_without_in<uint16_t>(id, parts);
  } else {
    parts_without_in<uint32_t>(id, parts);
  }
  return parts;
}

template <class T>
void AttributeSet::parts_without_in(AttrId id, std::vector<Part>& parts) const {
  const size_t n = count<T>();
  const Entry<T>* e = entries<T>();
  size_t k = 0;  // out-of-line lists seen
  for (size_t i = 0; i < n; ++i) {
    const bool large = (e[i].first & kLargeFlag<T>) != 0;
    OutOfLineList* list = large ? larges()[k++] : nullptr;
    if (e[i].id == id) continue;
    if (large) {
      parts.push_back({e[i].id, {}, list});
    } else {
      const size_t first = e[i].first, next = e[i + 1].first & static_cast<T>(~kLargeFlag<T>);
      parts.push_back({e[i].id, ValuesView(bytes<T>(), offsets<T>() + first, static_cast<uint32_t>(next - first)), nullptr});
    }
  }
}

void AttributeSet::release_block_only() {
  std::free(block_);
  block_ = nullptr;
}

void AttributeSet::release() {
  if (block_ == nullptr) return;
  const size_t n = nlarge();
  OutOfLineList* const* lists = n ? larges() : nullptr;
  for (size_t k = 0; k < n; ++k) delete lists[k];
  release_block_only();
}

// ---- copy and move -----------------------------------------------------------------------

AttributeSet::AttributeSet(const AttributeSet& other) {
  if (other.block_ == nullptr) return;
  const size_t n = other.block_bytes();
  char* block = static_cast<char*>(std::malloc(n));
  if (block == nullptr) throw std::bad_alloc();
  std::memcpy(block, other.block_, n);
  // The copy owns copies of the long lists (sharing their cuts: the same values); should one
  // fail to copy, the ones made are freed.
  auto* large = reinterpret_cast<OutOfLineList**>(block + other.larges_at());
  const size_t nlarge = other.nlarge();
  size_t made = 0;
  try {
    for (; made < nlarge; ++made) {
      const OutOfLineList& from = *other.larges()[made];
      large[made] = new OutOfLineList{from.values, nullptr};
      std::lock_guard<std::mutex> lock(cut_mutex);
      large[made]->cut = from.cut;
    }
  } catch (...) {
    for (size_t k = 0; k < made; ++k) delete large[k];
    std::free(block);
    throw;
  }
  block_ = block;
}

AttributeSet& AttributeSet::operator=(const AttributeSet& other) {
  if (this != &other) {
    AttributeSet copy(other);
    *this = std::move(copy);
  }
  return *this;
}

AttributeSet& AttributeSet::operator=(AttributeSet&& other) noexcept {
  if (this != &other) {
    release();
    block_ = other.block_;
    other.block_ = nullptr;
  }
  return *this;
}

// ---- mutators ----------------------------------------------------------------------------

void AttributeSet::set(AttrId id, ValueList values) {
  const size_t i = block_ ? find_any(id) : 0;
  const bool found = i != size();
  if (found && !values.empty() && values.size() >= kOutOfLineValues && large_entry_any(i)) {
    OutOfLineList* list = large_of(i);  // a long list replaced by a long list: no repack
    list->values = std::move(values);
    list->cut.reset();
    return;
  }
  OutOfLineList* old = found && large_entry_any(i) ? large_of(i) : nullptr;
  std::vector<Part> parts = parts_without(id);
  OutOfLineList* fresh = nullptr;
  if (!values.empty()) {
    Part p{id, ValuesView(values), nullptr};
    if (values.size() >= kOutOfLineValues) {
      fresh = new OutOfLineList{std::move(values), nullptr};
      p = Part{id, {}, fresh};
    }
    auto at = std::lower_bound(parts.begin(), parts.end(), id, [](const Part& a, AttrId key) { return a.id < key; });
    parts.insert(at, p);
  }
  char* block = nullptr;
  try {
    block = pack(parts.data(), parts.size());
  } catch (...) {
    delete fresh;
    throw;
  }
  adopt(block);  // the kept lists moved to the new block
  delete old;
}

void AttributeSet::add_value(AttrId id, std::string value) {
  const size_t i = block_ ? find_any(id) : 0;
  if (i != size() && large_entry_any(i)) {
    OutOfLineList& list = *large_of(i);
    if (std::find(list.values.begin(), list.values.end(), value) != list.values.end()) return;
    list.values.push_back(std::move(value));
    list.cut.reset();
    return;
  }
  ValuesView now = i != size() ? at(i).values : ValuesView();
  if (now.contains(value)) return;
  ValueList values = now.to_list();
  values.push_back(std::move(value));
  set(id, std::move(values));
}

void AttributeSet::remove_value(AttrId id, std::string_view value) {
  if (block_ == nullptr) return;
  const size_t i = find_any(id);
  if (i == size()) return;
  if (large_entry_any(i)) {
    OutOfLineList& list = *large_of(i);
    auto v = std::find(list.values.begin(), list.values.end(), value);
    if (v == list.values.end()) return;
    list.values.erase(v);
    list.cut.reset();
    if (list.values.size() < kRepackBelowValues) set(id, take(id));  // short again: packed
    return;
  }
  ValuesView now = at(i).values;
  if (!now.contains(value)) return;
  ValueList values;
  values.reserve(now.size() - 1);
  bool removed = false;
  for (std::string_view v : now) {
    if (!removed && v == value) {
      removed = true;
      continue;
    }
    values.emplace_back(v);
  }
  set(id, std::move(values));
}

ValueList AttributeSet::take(AttrId id) {
  if (block_ == nullptr) return {};
  const size_t i = find_any(id);
  if (i == size()) return {};
  ValueList values;
  if (large_entry_any(i)) {
    OutOfLineList* list = large_of(i);
    values = std::move(list->values);
    std::vector<Part> parts = parts_without(id);
    adopt(pack(parts.data(), parts.size()));
    delete list;
    return values;
  }
  values = at(i).values.to_list();
  std::vector<Part> parts = parts_without(id);
  adopt(pack(parts.data(), parts.size()));
  return values;
}

void AttributeSet::shrink_to_fit() {
  if (block_ == nullptr) return;
  const size_t n = nlarge();
  for (size_t k = 0; k < n; ++k) larges()[k]->values.shrink_to_fit();  // same values: the cut holds
}

bool operator==(const AttributeSet& a, const AttributeSet& b) {
  if (a.size() != b.size()) return false;
  if (a.block_ == nullptr) return true;
  // No long lists on either side (the usual case): equal sets have equal blocks.
  if (a.nlarge() == 0 && b.nlarge() == 0) {
    const size_t n = a.block_bytes();
    return n == b.block_bytes() && std::memcmp(a.block_, b.block_, n) == 0;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    AttrEntry x = a.at(i), y = b.at(i);
    if (x.id != y.id || !(x.values == y.values)) return false;
  }
  return true;
}

// ---- builder -----------------------------------------------------------------------------

void AttributeSet::Builder::add(AttrId id, ValueList values) {
  if (values.size() >= kOutOfLineValues) {
    staged_.push_back({id, 0, 0, nullptr});
    staged_.back().large = new OutOfLineList{std::move(values), nullptr};
    return;
  }
  start(id, 0);
  for (const std::string& v : values) value(v);
}

void AttributeSet::Builder::start(AttrId id, size_t count_hint) {
  if (offsets_.empty()) offsets_.push_back(0);
  staged_.push_back({id, static_cast<uint32_t>(offsets_.size() - 1), 0, nullptr});
  if (count_hint >= kOutOfLineValues) {
    staged_.back().large = new OutOfLineList();
    staged_.back().large->values.reserve(count_hint);
  }
}

void AttributeSet::Builder::value(std::string_view v) {
  Staged& s = staged_.back();
  if (s.large != nullptr) {
    s.large->values.emplace_back(v);
    return;
  }
  bytes_.append(v);
  offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
  ++s.count;
}

void AttributeSet::Builder::reset() {
  for (Staged& s : staged_) delete s.large;
  staged_.clear();
  offsets_.clear();
  bytes_.clear();
  // A builder reused for a whole load keeps its buffers, but not one huge object's worth.
  if (bytes_.capacity() > (1u << 20)) std::string().swap(bytes_);
  if (offsets_.capacity() > (1u << 16)) std::vector<uint32_t>().swap(offsets_);
}

AttributeSet AttributeSet::Builder::finish() {
  // Stable: of two entries with one id the later one is kept.
  std::stable_sort(staged_.begin(), staged_.end(), [](const Staged& a, const Staged& b) { return a.id < b.id; });
  std::vector<Part> parts;
  parts.reserve(staged_.size());
  std::vector<Staged*> adopted;  // whose lists the set takes over
  AttributeSet out;
  try {
    for (size_t i = 0; i < staged_.size(); ++i) {
      Staged& s = staged_[i];
      if (i + 1 < staged_.size() && staged_[i + 1].id == s.id) continue;  // replaced by a later one
      if (s.large != nullptr) {
        if (s.large->values.empty()) continue;
        s.large->values.shrink_to_fit();  // grown value by value: give back the doubling slack
        parts.push_back({s.id, {}, s.large});
        adopted.push_back(&s);
      } else if (s.count >= kOutOfLineValues) {  // longer than its hint said: out of line after all
        ValuesView v(bytes_.data(), offsets_.data() + s.first, s.count);
        s.large = new OutOfLineList{v.to_list(), nullptr};
        parts.push_back({s.id, {}, s.large});
        adopted.push_back(&s);
      } else if (s.count != 0) {
        parts.push_back({s.id, ValuesView(bytes_.data(), offsets_.data() + s.first, s.count), nullptr});
      }
    }
    out.block_ = pack(parts.data(), parts.size());
  } catch (...) {
    reset();
    throw;
  }
  // The lists now belong to the set; the rest of the staging goes.
  for (Staged* s : adopted) s->large = nullptr;
  reset();
  return out;
}

}  // namespace idsync
