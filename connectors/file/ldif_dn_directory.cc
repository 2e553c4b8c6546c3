#include "ldif_dn_directory.h"

#include <xxhash.h>

#include <algorithm>

#include "file_util.h"
#include "idsync/dn.h"

namespace idsync::file {

namespace {

Status connector_error(const std::string& context, const std::string& what) {
  return Status::Error(ErrorCode::kConnectorError, context + ": " + what);
}

uint64_t hash_of(std::string_view norm) { return XXH3_64bits(norm.data(), norm.size()); }

}  // namespace

uint32_t DnDirectory::find(uint64_t h, std::string_view norm) const {
  auto [it, end] = index_.equal_range(h);
  if (it == end) return kNone;  // the common miss (an add) costs no normalization
  for (; it != end; ++it) {
    // A 64-bit hash names a DN only once verified: normalize the DN it points at.
    if (normalize_dn_into(dn_at(it->second), scratch_).ok() && scratch_ == norm) return it->second;
  }
  return kNone;
}

void DnDirectory::unindex(uint64_t h, uint32_t slot) {
  auto [it, end] = index_.equal_range(h);
  for (; it != end; ++it)
    if (it->second == slot) {
      index_.erase(it);
      return;
    }
}

uint32_t DnDirectory::store(std::string_view dn) {
  if (blocks_.empty() || dn.size() > block_cap_ - block_used_) {
    block_cap_ = std::max(kBlockBytes, dn.size());
    blocks_.push_back(std::make_unique<char[]>(block_cap_));
    block_bytes_ += block_cap_;
    block_used_ = 0;
  }
  Slot s;
  s.block = static_cast<uint32_t>(blocks_.size() - 1);
  s.offset = static_cast<uint32_t>(block_used_);
  s.size = static_cast<uint32_t>(dn.size());
  s.live = true;
  std::copy(dn.begin(), dn.end(), blocks_.back().get() + block_used_);
  block_used_ += dn.size();
  slots_.push_back(s);
  return static_cast<uint32_t>(slots_.size() - 1);
}

Status DnDirectory::add_dn(std::string_view dn, const std::string& context) {
  auto norm = normalize_dn(dn);
  if (!norm.ok()) return connector_error(context, norm.status().message());
  const uint64_t h = hash_of(*norm);
  if (find(h, *norm) != kNone)
    return connector_error(context, "cannot add '" + std::string(dn) + "': an entry with that DN already exists");
  std::string parent(parent_dn(*norm));
  if (!parent.empty()) ++children_[parent];
  index_.emplace(h, store(dn));
  ++live_;
  return Status::Ok();
}

bool DnDirectory::contains(std::string_view dn) const {
  auto norm = normalize_dn(dn);
  return norm.ok() && find(hash_of(*norm), *norm) != kNone;
}

Status DnDirectory::apply(EntryChange& change, const std::string& context) {
  if (change.kind == ChangeKind::kAdd) return add_dn(change.dn, context);
  auto norm = normalize_dn(change.dn);
  if (!norm.ok()) return connector_error(context, norm.status().message());
  const uint64_t h = hash_of(*norm);
  const uint32_t slot = find(h, *norm);
  if (slot == kNone)
    return connector_error(context, std::string("cannot ") + change_kind_name(change.kind) + " '" + change.dn +
                                        "': no such entry");
  switch (change.kind) {
    case ChangeKind::kAdd:
    case ChangeKind::kModify:
      break;
    case ChangeKind::kDelete: {
      std::string parent(parent_dn(*norm));
      if (!parent.empty() && --children_[parent] == 0) children_.erase(parent);
      unindex(h, slot);
      slots_[slot].live = false;
      --live_;
      break;
    }
    case ChangeKind::kRename:
      return rename(slot, *norm, h, change, context);
  }
  return Status::Ok();
}

void DnDirectory::rekey(uint32_t slot, uint64_t old_hash, std::string_view new_dn, std::string_view new_norm) {
  unindex(old_hash, slot);
  const uint32_t fresh = store(new_dn);  // the old bytes stay in their block: renames are few
  slots_[slot] = slots_[fresh];
  slots_.pop_back();
  index_.emplace(hash_of(new_norm), slot);
}

Status DnDirectory::rename(uint32_t slot, const std::string& old_norm, uint64_t old_hash, const EntryChange& change,
                           const std::string& context) {
  auto new_norm = normalize_dn(change.new_dn);
  if (!new_norm.ok()) return connector_error(context, new_norm.status().message());
  if (*new_norm != old_norm && find(hash_of(*new_norm), *new_norm) != kNone)
    return connector_error(context, "cannot rename '" + change.dn + "' to '" + change.new_dn +
                                        "': an entry with that DN already exists");
  const bool has_children = children_.count(old_norm) != 0;
  std::string old_parent(parent_dn(old_norm));
  if (!old_parent.empty() && --children_[old_parent] == 0) children_.erase(old_parent);
  std::string new_parent(parent_dn(*new_norm));
  if (!new_parent.empty()) ++children_[new_parent];
  rekey(slot, old_hash, change.new_dn, *new_norm);
  if (!has_children) return Status::Ok();
  // Descendants move with their parent, as in LDAP. Only the DNs are held, so each is
  // normalized to see whether it is under the old name: a cost of subtree renames (rare in an
  // export), not of the adds and modifies that make up almost all of them.
  const std::string suffix = "," + old_norm;
  std::string child_norm;
  for (uint32_t k = 0; k < slots_.size(); ++k) {
    if (!slots_[k].live || k == slot) continue;
    if (!normalize_dn_into(dn_at(k), child_norm).ok()) continue;
    if (child_norm.size() <= suffix.size() ||
        child_norm.compare(child_norm.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string moved_dn = moved_descendant_dn(dn_at(k), old_norm, change.new_dn);
    const std::string moved_norm = child_norm.substr(0, child_norm.size() - suffix.size()) + "," + *new_norm;
    rekey(k, hash_of(child_norm), moved_dn, moved_norm);
  }
  if (*new_norm != old_norm) {
    // Re-key the child counts of the moved subtree.
    auto under = [&](const std::string& n) {
      return n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    std::vector<std::pair<std::string, size_t>> moved;
    for (auto it = children_.begin(); it != children_.end();) {
      if (it->first == old_norm || under(it->first)) {
        moved.emplace_back(it->first.substr(0, it->first.size() - old_norm.size()) + *new_norm, it->second);
        it = children_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [key, n] : moved) children_[key] += n;
  }
  return Status::Ok();
}

void DnDirectory::for_each_live_dn(const std::function<void(std::string_view)>& visit) const {
  for (uint32_t k = 0; k < slots_.size(); ++k)
    if (slots_[k].live) visit(dn_at(k));
}

size_t DnDirectory::heap_bytes() const {
  // An unordered_multimap node: next pointer + key + value, rounded up by the allocator.
  constexpr size_t kIndexNode = 32;
  return block_bytes_ + blocks_.capacity() * sizeof(blocks_[0]) + slots_.capacity() * sizeof(Slot) +
         index_.size() * kIndexNode + index_.bucket_count() * sizeof(void*);
}

}  // namespace idsync::file
