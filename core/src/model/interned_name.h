// InternedName: a short name drawn from a small set (object types: "user", "group", ...) kept
// once per process; each holder stores one pointer to the shared copy, never a heap block of
// its own. 8 bytes, null when empty; reads like a std::string_view (model/compact_string.h).
//
// Thread safety: interning (construction or assignment from a string) may run on any number
// of threads at once, and reading an InternedName never locks. Interned names live until the
// process ends: the set is bounded by the directories' schemas (a few dozen object classes),
// not by the number of objects.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "model/compact_string.h"

namespace idsync {

class InternedName : public StringLike<InternedName> {
 public:
  InternedName() noexcept = default;
  InternedName(std::string_view s) : name_(intern(s)) {}  // implicit, like std::string's
  InternedName(const std::string& s) : name_(intern(s)) {}
  InternedName(const char* s) : name_(intern(s)) {}
  InternedName& operator=(std::string_view s) {
    name_ = intern(s);
    return *this;
  }
  InternedName& operator=(const std::string& s) { return *this = std::string_view(s); }
  InternedName& operator=(const char* s) { return *this = std::string_view(s); }
  void clear() noexcept { name_ = nullptr; }

  std::string_view view() const noexcept { return name_ == nullptr ? std::string_view() : std::string_view(*name_); }
  const char* c_str() const noexcept { return name_ == nullptr ? "" : name_->c_str(); }
  const std::string& string() const noexcept;

  // Equal names share one copy: the same name is the same pointer.
  const void* identity() const noexcept { return name_; }

  // The process-wide copy of `s` (null for the empty name).
  static const std::string* intern(std::string_view s);
  // How many distinct names are interned (for tests and the heap report).
  static size_t interned_count();

 private:
  const std::string* name_ = nullptr;
};

std::ostream& operator<<(std::ostream& os, const InternedName& s);

static_assert(sizeof(InternedName) == 8);

}  // namespace idsync

template <>
struct std::hash<idsync::InternedName> {
  size_t operator()(const idsync::InternedName& s) const noexcept { return std::hash<std::string_view>{}(s); }
};
