#include "ldap_writer.h"

#include <cstring>

#include "idsync/dn.h"

namespace idsync::ldap {

namespace {

constexpr const char* kPermissiveModify = "1.2.840.113556.1.4.1413";

// Storage for one LDAPMod and its values; pointers stay valid while the batch lives.
struct ModBatch {
  struct One {
    int op;
    std::string name;
    std::vector<std::string> values;
  };
  std::vector<One> mods;
  size_t value_count = 0;

  void clear() {
    mods.clear();
    value_count = 0;
  }
};

// Builds the NULL-terminated LDAPMod* array libldap expects (binary-safe berval values).
class ModArray {
 public:
  explicit ModArray(const ModBatch& batch) {
    mods_.resize(batch.mods.size());
    vals_.resize(batch.mods.size());
    for (size_t i = 0; i < batch.mods.size(); ++i) {
      const auto& m = batch.mods[i];
      auto& v = vals_[i];
      v.bervals.resize(m.values.size());
      for (size_t k = 0; k < m.values.size(); ++k) {
        v.bervals[k].bv_val = const_cast<char*>(m.values[k].data());
        v.bervals[k].bv_len = m.values[k].size();
      }
      for (auto& b : v.bervals) v.ptrs.push_back(&b);
      v.ptrs.push_back(nullptr);
      mods_[i].mod_op = m.op | LDAP_MOD_BVALUES;
      mods_[i].mod_type = const_cast<char*>(m.name.c_str());
      mods_[i].mod_bvalues = v.ptrs.data();
      ptrs_.push_back(&mods_[i]);
    }
    ptrs_.push_back(nullptr);
  }
  LDAPMod** get() { return ptrs_.data(); }

 private:
  struct Vals {
    std::vector<berval> bervals;
    std::vector<berval*> ptrs;
  };
  std::vector<LDAPMod> mods_;
  std::vector<Vals> vals_;
  std::vector<LDAPMod*> ptrs_;
};

// Canonical "YYYY-MM-DDTHH:MM:SS.fffZ" → GeneralizedTime "YYYYMMDDHHMMSS[.fff]Z".
std::string to_generalized_time(const std::string& v) {
  if (v.size() < 20 || v[4] != '-' || v[10] != 'T') return v;
  std::string out = v.substr(0, 4) + v.substr(5, 2) + v.substr(8, 2) + v.substr(11, 2) +
                    v.substr(14, 2) + v.substr(17, 2);
  if (v.size() >= 24 && v[19] == '.' && v.substr(20, 3) != "000") out += "." + v.substr(20, 3);
  return out + "Z";
}

// Without permissive modify (OpenLDAP; Samba for linked attributes), a chunk that adds a value
// already there (or removes one already gone) fails as a whole. Sending it again value by value lets exactly those values be skipped:
// the goal state is reached, and every other error still counts.
int modify_value_by_value(Session& session, const std::string& dn, const ModBatch& batch, LDAPControl** ctrls) {
  for (const ModBatch::One& m : batch.mods) {
    const bool per_value = (m.op == LDAP_MOD_ADD || m.op == LDAP_MOD_DELETE) && !m.values.empty();
    std::vector<ModBatch::One> steps;
    if (per_value) {
      for (const std::string& v : m.values) steps.push_back({m.op, m.name, {v}});
    } else {
      steps.push_back(m);
    }
    for (const ModBatch::One& step : steps) {
      ModBatch one;
      one.mods.push_back(step);
      auto op = [&] {
        ModArray arr(one);
        return ldap_modify_ext_s(session.ld(), dn.c_str(), arr.get(), ctrls, nullptr);
      };
      int rc = op();
      if (is_connection_error(rc) && rc != LDAP_TIMEOUT && session.reconnect().ok()) rc = op();
      if (rc != LDAP_SUCCESS && per_value) {
        // Servers word "already there / already gone" differently (20, 16, 68, 53): ask the
        // directory whether the goal holds instead of trusting the code.
        berval bv{};
        bv.bv_val = const_cast<char*>(step.values[0].data());
        bv.bv_len = step.values[0].size();
        int cmp = ldap_compare_ext_s(session.ld(), dn.c_str(), step.name.c_str(), &bv, nullptr, nullptr);
        const bool present = cmp == LDAP_COMPARE_TRUE;
        const bool absent = cmp == LDAP_COMPARE_FALSE || cmp == LDAP_NO_SUCH_ATTRIBUTE;
        if ((step.op == LDAP_MOD_ADD && present) || (step.op == LDAP_MOD_DELETE && absent)) continue;
      }
      if (rc != LDAP_SUCCESS) return rc;
    }
  }
  return LDAP_SUCCESS;
}

const char* kind_verb(ChangeKind k) {
  switch (k) {
    case ChangeKind::kAdd: return "add";
    case ChangeKind::kModify: return "update";
    case ChangeKind::kDelete: return "delete";
    case ChangeKind::kRename: return "rename";
  }
  return "change";
}

}  // namespace

Writer::Writer(Session& session)
    : session_(session), permissive_(session.root().supports_control(kPermissiveModify)) {}

template <class Op>
int Writer::with_retry(Op op) {
  int rc = op();
  if (is_connection_error(rc) && rc != LDAP_TIMEOUT && session_.reconnect().ok()) rc = op();
  return rc;
}

std::string Writer::to_wire(std::string_view attr, const std::string& value) const {
  const SchemaAttribute* a = session_.options().schema.find_attribute(attr);
  if (a != nullptr && a->type == AttrType::kDateTime) return to_generalized_time(value);
  return value;
}

ExportResult Writer::apply(const EntryChange& change) {
  ExportResult result;
  const std::string who = "export (" + std::string(kind_verb(change.kind)) + ") of '" + change.dn +
                          "' to connector '" + session_.options().connector_name + "'";
  auto dn = parse_dn(change.dn);
  if (!dn.ok() || change.dn.empty()) {
    result.status = Status::Error(ErrorCode::kInvalidArgument,
                                  who + ": " + (dn.ok() ? "the DN is empty" : dn.status().message()) +
                                      "; correct the sync rule that builds the DN");
    return result;
  }
  if (change.kind == ChangeKind::kRename) {
    auto nd = parse_dn(change.new_dn);
    if (!nd.ok() || change.new_dn.empty()) {
      result.status = Status::Error(
          ErrorCode::kInvalidArgument,
          who + ": new DN: " + (nd.ok() ? "empty" : nd.status().message()) +
              "; correct the sync rule that builds the DN");
      return result;
    }
  }
  Status s;
  switch (change.kind) {
    case ChangeKind::kAdd: s = add(change, result.new_anchor); break;
    case ChangeKind::kModify: s = modify(change.dn, change.changes); break;
    case ChangeKind::kRename: s = rename(change); break;
    case ChangeKind::kDelete: s = remove(change); break;
  }
  if (!s.ok()) result.status = Status::Error(s.code(), who + ": " + s.message());
  return result;
}

Status Writer::add(const EntryChange& change, std::string& new_anchor) {
  const size_t chunk = static_cast<size_t>(session_.options().modify_chunk);
  ModBatch first;
  std::vector<AttributeChange> rest;  // values beyond the first chunk, added afterwards
  bool has_oc = false;
  for (const Attribute& a : change.attributes) has_oc = has_oc || iequals(a.name, "objectClass");
  if (!has_oc && !change.object_type.empty())
    first.mods.push_back({LDAP_MOD_ADD, "objectClass", {change.object_type}});
  for (const Attribute& a : change.attributes) {
    if (a.values.empty()) continue;
    ModBatch::One m{LDAP_MOD_ADD, a.name, {}};
    for (size_t i = 0; i < a.values.size(); ++i) {
      if (i < chunk) {
        m.values.push_back(to_wire(a.name, a.values[i]));
      } else {
        if (rest.empty() || !iequals(rest.back().name, a.name))
          rest.push_back(AttributeChange{a.name, ValueOp::kAdd, {}});
        rest.back().values.push_back(a.values[i]);
      }
    }
    first.mods.push_back(std::move(m));
  }
  int rc = with_retry([&] {
    ModArray arr(first);
    return ldap_add_ext_s(session_.ld(), change.dn.c_str(), arr.get(), nullptr, nullptr);
  });
  if (rc != LDAP_SUCCESS) return session_.error(rc, "adding '" + change.dn + "'");
  if (!rest.empty()) IDSYNC_RETURN_IF_ERROR(modify(change.dn, rest));
  // The directory assigns the anchor (entryUUID / objectGUID): read it back for the engine.
  const std::string& anchor = session_.options().anchor;
  auto v = session_.read_entry(change.dn, {anchor});
  if (!v.ok()) return v.status();
  if (!(*v)[0].empty()) new_anchor = (*v)[0][0];
  return Status::Ok();
}

Status Writer::modify(const std::string& dn, const std::vector<AttributeChange>& changes) {
  const size_t chunk = static_cast<size_t>(session_.options().modify_chunk);
  ModBatch batch;
  size_t sent = 0;
  auto flush = [&]() -> Status {
    if (batch.mods.empty()) return Status::Ok();
    LDAPControl permissive{};
    permissive.ldctl_oid = const_cast<char*>(kPermissiveModify);
    permissive.ldctl_iscritical = 0;
    LDAPControl* ctrls[] = {&permissive, nullptr};
    int rc = with_retry([&] {
      ModArray arr(batch);
      return ldap_modify_ext_s(session_.ld(), dn.c_str(), arr.get(), permissive_ ? ctrls : nullptr,
                               nullptr);
    });
    // Samba answers a linked value that exists (or is gone) with 68 (53) even under permissive modify.
    if (rc == LDAP_TYPE_OR_VALUE_EXISTS || rc == LDAP_NO_SUCH_ATTRIBUTE || rc == LDAP_ALREADY_EXISTS ||
        rc == LDAP_UNWILLING_TO_PERFORM)
      rc = modify_value_by_value(session_, dn, batch, permissive_ ? ctrls : nullptr);
    if (rc != LDAP_SUCCESS) {
      std::string what = "modifying '" + dn + "'";
      if (sent > 0) what += " (after " + std::to_string(sent) + " values were written in earlier steps)";
      return session_.error(rc, what);
    }
    sent += batch.value_count;
    batch.clear();
    return Status::Ok();
  };
  for (const AttributeChange& c : changes) {
    int op = c.op == ValueOp::kAdd ? LDAP_MOD_ADD
             : c.op == ValueOp::kDelete ? LDAP_MOD_DELETE : LDAP_MOD_REPLACE;
    if (c.values.empty()) {
      if (c.op == ValueOp::kAdd) continue;  // adding nothing changes nothing
      batch.mods.push_back({op, c.name, {}});
      continue;
    }
    // A replace larger than a chunk: replace with the first chunk, add the rest.
    size_t i = 0;
    while (i < c.values.size()) {
      if (batch.value_count >= chunk) IDSYNC_RETURN_IF_ERROR(flush());
      size_t room = chunk - batch.value_count;
      size_t n = std::min(room, c.values.size() - i);
      ModBatch::One m{i == 0 ? op : (op == LDAP_MOD_REPLACE ? LDAP_MOD_ADD : op), c.name, {}};
      m.values.reserve(n);
      for (size_t k = 0; k < n; ++k) m.values.push_back(to_wire(c.name, c.values[i + k]));
      batch.value_count += n;
      batch.mods.push_back(std::move(m));
      i += n;
      // A replace must go out before the adds that continue it (one modify applies in order,
      // but keep the pieces of one attribute in separate, ordered operations for clarity).
      if (op == LDAP_MOD_REPLACE && i < c.values.size()) IDSYNC_RETURN_IF_ERROR(flush());
    }
  }
  return flush();
}

Status Writer::rename(const EntryChange& change) {
  std::string new_rdn(idsync::rdn(change.new_dn));
  std::string new_parent(parent_dn(change.new_dn));
  std::string old_parent(parent_dn(change.dn));
  const bool move = !dn_equals(new_parent, old_parent) ||
                    (new_parent.empty() != old_parent.empty());
  if (!dn_equals(change.dn, change.new_dn) || change.dn != change.new_dn) {
    int rc = with_retry([&] {
      return ldap_rename_s(session_.ld(), change.dn.c_str(), new_rdn.c_str(),
                           move ? new_parent.c_str() : nullptr, 1, nullptr, nullptr);
    });
    if (rc != LDAP_SUCCESS)
      return session_.error(rc, "renaming '" + change.dn + "' to '" + change.new_dn + "'");
  }
  // The modrdn already set the naming attribute; AD refuses a modify of it ("name", "cn" as
  // RDN), so drop changes that only restate the new RDN value.
  auto parsed = parse_rdn(new_rdn);
  std::vector<AttributeChange> rest;
  for (const AttributeChange& c : change.changes) {
    bool restates = false;
    if (parsed.ok() && c.op == ValueOp::kReplace && c.values.size() == 1)
      for (const Ava& ava : *parsed) restates = restates || (iequals(ava.type, c.name) && ava.value == c.values[0]);
    if (iequals(c.name, "name") && session_.options().flavour == Flavour::kActiveDirectory) restates = true;
    if (!restates) rest.push_back(c);
  }
  return modify(change.new_dn, rest);
}

Status Writer::remove(const EntryChange& change) {
  int rc = with_retry([&] { return ldap_delete_ext_s(session_.ld(), change.dn.c_str(), nullptr, nullptr); });
  if (rc == LDAP_NO_SUCH_OBJECT) return Status::Ok();  // already gone: the goal is reached
  if (rc != LDAP_SUCCESS) return session_.error(rc, "deleting '" + change.dn + "'");
  return Status::Ok();
}

}  // namespace idsync::ldap
