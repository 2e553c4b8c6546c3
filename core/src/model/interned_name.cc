#include "model/interned_name.h"

#include <array>
#include <mutex>
#include <ostream>
#include <shared_mutex>
#include <unordered_set>

namespace idsync {

namespace {

struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
struct NameEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

// Node-based: an element's address never changes, so holders keep plain pointers.
struct NameTable {
  std::shared_mutex mutex;
  std::unordered_set<std::string, NameHash, NameEq> names;
};

NameTable& table() {
  static NameTable* t = new NameTable;  // never destroyed: names outlive static destructors
  return *t;
}

// The last names this thread interned: an import assigns the same few types to every object,
// so nearly every call is answered here without touching the shared lock.
struct RecentNames {
  std::array<const std::string*, 4> names{};
  size_t next = 0;
};
thread_local RecentNames recent;

}  // namespace

const std::string* InternedName::intern(std::string_view s) {
  if (s.empty()) return nullptr;
  for (const std::string* n : recent.names)
    if (n != nullptr && *n == s) return n;
  NameTable& t = table();
  const std::string* found = nullptr;
  {
    std::shared_lock lock(t.mutex);
    auto it = t.names.find(s);
    if (it != t.names.end()) found = &*it;
  }
  if (found == nullptr) {
    std::unique_lock lock(t.mutex);
    found = &*t.names.emplace(s).first;
  }
  recent.names[recent.next] = found;
  recent.next = (recent.next + 1) % recent.names.size();
  return found;
}

size_t InternedName::interned_count() {
  NameTable& t = table();
  std::shared_lock lock(t.mutex);
  return t.names.size();
}

const std::string& InternedName::string() const noexcept {
  static const std::string empty;
  return name_ == nullptr ? empty : *name_;
}

std::ostream& operator<<(std::ostream& os, const InternedName& s) { return os << s.view(); }

}  // namespace idsync
