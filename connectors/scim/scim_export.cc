// The "scim" connector's export: POST / PATCH / DELETE (or /Bulk), many objects at a time over
// kept-alive connections (http.h). Why the care around creates: a POST whose answer was lost
// may have created the object, so before trying again (and on 409) the object is looked up by
// externalId / userName and adopted when it is ours.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>

#include "idsync/value_types.h"
#include "scim_connector_impl.h"
#include "scim_reader.h"
#include "scim_util.h"

namespace idsync::scim {

namespace {

constexpr const char* kPatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

}  // namespace

ExportResult ScimConnector::export_change(const EntryChange& change) {
  std::vector<const EntryChange*> one{&change};
  return std::move(export_batch(one).front());
}

// ---- export helpers ------------------------------------------------------------------------
const ResourceKind* ScimConnector::kind_of(const std::string& object_type) const {
  for (const ResourceKind& k : kinds_)
    if (iequals(k.object_type, object_type)) return &k;
  return nullptr;
}

Status ScimConnector::resolve_dns(const std::vector<std::string>& dns) {
  struct Ask {
    std::string dn, external_id;
  };
  std::vector<Ask> asks;
  std::set<std::string> asked;
  for (const std::string& dn : dns) {
    std::string key = to_lower_ascii(dn);
    if (dn_to_id_.count(key) || !asked.insert(key).second) continue;
    std::string ext;
    if (external_id_from_dn(dn, ext)) {
      asks.push_back(Ask{dn, ext});
    } else if (dn.size() > 3 && iequals(dn.substr(0, 3), "CN=")) {
      remember(dn.substr(3), dn);
    }
  }
  for (const char* endpoint : {"Users", "Groups"}) {
    if (asks.empty()) break;
    if (!filter_supported_)
      return Status::Error(ErrorCode::kUnsupported,
                           "connector '" + config_.name + "': cannot find '" + asks.front().dn +
                               "' in the SCIM server: it does not support filters; run a Full Import first so "
                               "the connector knows the ids");
    std::vector<HttpRequest> reqs;
    for (const Ask& a : asks)
      reqs.push_back(HttpRequest{"GET", url(endpoint, "", "filter=" + url_encode("externalId eq " + quote(a.external_id)) +
                                                               "&attributes=id,externalId"), ""});
    std::vector<HttpResponse> answers = http_.run(reqs);
    std::vector<Ask> still;
    for (size_t i = 0; i < reqs.size(); ++i) {
      std::string what = "connector '" + config_.name + "': looking up '" + asks[i].dn + "'";
      if (!answers[i].ok()) return http_error(reqs[i], answers[i], what);
      auto j = parse_body(reqs[i], answers[i], what);
      if (!j.ok()) return j.status();
      const json* list = find_member(*j, "Resources");
      if (list != nullptr && list->is_array() && !list->empty() && find_member(list->front(), "id") != nullptr &&
          find_member(list->front(), "id")->is_string()) {
        remember(find_member(list->front(), "id")->get<std::string>(), asks[i].dn);
      } else {
        still.push_back(asks[i]);
      }
    }
    asks = std::move(still);
  }
  return Status::Ok();
}

std::vector<json> ScimConnector::json_values(const MappedAttribute& m, const ValueList& values, ValueList* missing) const {
  std::vector<json> out;
  for (const std::string& v : values) {
    if (m.type == AttrType::kReference) {
      auto it = dn_to_id_.find(to_lower_ascii(v));
      if (it == dn_to_id_.end()) {
        if (missing) missing->push_back(v);
        continue;
      }
      out.emplace_back(it->second);
    } else {
      out.push_back(to_json_value(m.type, v));
    }
  }
  return out;
}

Status ScimConnector::unmapped(const EntryChange& c, const ResourceKind& k, const std::string& attribute) const {
  return Status::Error(ErrorCode::kInvalidArgument,
                       object_name(c) + ": attribute '" + attribute + "' has no SCIM mapping for " + k.endpoint +
                           "; add it to option " + k.object_type +
                           "_attribute_map (e.g. " + attribute + "=urn:...:" + attribute +
                           ") or remove its outbound flow");
}

Status ScimConnector::build_create(Job& job) {
  const EntryChange& c = *job.change;
  const ResourceKind& k = *job.kind;
  json body = json::object();
  body["schemas"] = json::array({k.object_type == "group" ? kGroupSchema : kUserSchema});
  bool enterprise = false;
  for (const Attribute& a : c.attributes) {
    const MappedAttribute* m = k.map->find(a.name);
    if (m == nullptr) return unmapped(c, k, a.name);
    ValueList missing;
    std::vector<json> values = json_values(*m, a.values, &missing);
    if (!missing.empty()) job.deferred.emplace_back(m->name, std::vector<json>(missing.begin(), missing.end()));
    if (values.empty()) continue;
    if (m->path.urn == kEnterpriseUrn) enterprise = true;
    write_values(body, m->path, values);
  }
  if (enterprise) body["schemas"].push_back(kEnterpriseUrn);
  if (const json* ext = find_member(body, "externalId"); ext && ext->is_string()) job.external_id = ext->get<std::string>();
  const char* unique = k.object_type == "group" ? "displayName" : "userName";
  if (const json* u = find_member(body, unique); u && u->is_string()) job.unique_name = u->get<std::string>();
  job.body = std::move(body);
  return Status::Ok();
}

Status ScimConnector::patch_ops(const EntryChange& c, const ResourceKind& k, const AttributeChange& ch, std::vector<json>& ops,
    std::vector<json>& alts) {
  const MappedAttribute* m = k.map->find(ch.name);
  if (m == nullptr) return unmapped(c, k, ch.name);
  const ScimPath& p = m->path;
  ValueList missing;
  std::vector<json> values = json_values(*m, ch.values, &missing);
  if (!missing.empty())
    return Status::Error(ErrorCode::kConnectorError,
                         object_name(c) + ": attribute '" + ch.name + "' refers to '" + missing.front() +
                             "', which is not in the SCIM server yet; it is exported again after that object");
  auto op = [](const char* name, const std::string& path) { return json{{"op", name}, {"path", path}}; };
  auto element = [&](const json& v) {
    json e = json::object();
    if (!p.type_filter.empty()) e["type"] = p.type_filter;
    if (p.sub.empty()) return v;
    e[p.sub] = v;
    return e;
  };
  const bool removal = values.empty() && (ch.op == ValueOp::kReplace || ch.op == ValueOp::kDelete);
  if (!p.multi_valued || (!m->multi_valued && !p.type_filter.empty())) {
    // One value: replace it, or remove it.
    if (removal || ch.op == ValueOp::kDelete) {
      ops.push_back(op("remove", p.text));
      alts.push_back(nullptr);
    } else {
      json o = op("replace", p.text);
      o["value"] = values.front();
      ops.push_back(std::move(o));
      if (p.multi_valued) {
        json a = op("add", p.attribute_path());
        a["value"] = json::array({element(values.front())});
        alts.push_back(std::move(a));
      } else if (!p.sub.empty()) {
        // A sub-attribute of a complex attribute the resource does not have yet (manager.value
        // of a user without a manager): servers answer the replace with noTarget, so add the
        // complex attribute with this sub-attribute instead (add merges into what is there).
        json a = op("add", p.attribute_path());
        a["value"] = element(values.front());
        alts.push_back(std::move(a));
      } else {
        alts.push_back(nullptr);
      }
    }
    return Status::Ok();
  }
  // Several values (emails of a type, group members): value-level changes.
  std::string selector_base = p.attribute_path() + "[";
  if (!p.type_filter.empty()) selector_base += "type eq " + quote(p.type_filter) + " and ";
  std::string value_field = p.sub.empty() ? "value" : p.sub;
  auto remove_value = [&](const json& v) {
    return op("remove", selector_base + value_field + " eq " + (v.is_string() ? quote(v.get<std::string>()) : v.dump()) + "]");
  };
  if (ch.op == ValueOp::kReplace || removal) {
    if (p.type_filter.empty()) {
      ops.push_back(op("remove", p.attribute_path()));
    } else {
      ops.push_back(op("remove", p.attribute_path() + "[type eq " + quote(p.type_filter) + "]"));
    }
    alts.push_back(nullptr);
  }
  if (ch.op == ValueOp::kDelete) {
    for (const json& v : values) {
      ops.push_back(remove_value(v));
      alts.push_back(nullptr);
    }
    return Status::Ok();
  }
  for (size_t i = 0; i < values.size(); i += patch_chunk_) {
    json o = op("add", p.attribute_path());
    json arr = json::array();
    for (size_t j = i; j < std::min(values.size(), i + patch_chunk_); ++j) arr.push_back(element(values[j]));
    o["value"] = std::move(arr);
    ops.push_back(std::move(o));
    alts.push_back(nullptr);
  }
  return Status::Ok();
}

void ScimConnector::chunk_patches(Job& job, std::vector<json> ops, std::vector<json> alts) {
  size_t weight = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    size_t w = ops[i].contains("value") && ops[i]["value"].is_array() ? ops[i]["value"].size() : 1;
    if (job.patches.empty() || weight + w > patch_chunk_) {
      job.patches.emplace_back();
      job.fallbacks.emplace_back();
      weight = 0;
    }
    job.patches.back().push_back(ops[i]);
    job.fallbacks.back().push_back(alts[i].is_null() ? ops[i] : alts[i]);
    weight += w;
  }
}

void ScimConnector::fail(Job& job, Status s) {
  job.result.status = std::move(s);
  job.done = true;
}

std::vector<ExportResult> ScimConnector::export_batch(const std::vector<const EntryChange*>& changes) {
  std::vector<Job> jobs(changes.size());
  std::vector<std::string> refs;
  std::set<std::string> created_here;
  for (size_t i = 0; i < changes.size(); ++i) {
    Job& j = jobs[i];
    j.change = changes[i];
    j.kind = kind_of(changes[i]->object_type);
    if (j.kind == nullptr) {
      fail(j, Status::Error(ErrorCode::kInvalidArgument,
                            object_name(*j.change) + ": object type '" + j.change->object_type +
                                "' is not exported by this connector (user / group, see option resource_types)"));
      continue;
    }
    if (changes[i]->kind == ChangeKind::kAdd) created_here.insert(to_lower_ascii(changes[i]->dn));
    auto collect = [&](const std::string& name, const ValueList& values) {
      const MappedAttribute* m = j.kind->map->find(name);
      if (m == nullptr || m->type != AttrType::kReference) return;
      for (const std::string& v : values) refs.push_back(v);
      if (!values.empty()) j.has_references = true;
    };
    for (const Attribute& a : changes[i]->attributes) collect(a.name, a.values);
    for (const AttributeChange& a : changes[i]->changes) collect(a.name, a.values);
  }
  std::vector<std::string> lookups;
  for (const std::string& r : refs)
    if (!created_here.count(to_lower_ascii(r))) lookups.push_back(r);
  Status resolved = resolve_dns(lookups);
  if (!resolved.ok()) {  // only the objects that refer to others cannot go on
    for (Job& j : jobs)
      if (!j.done && j.has_references) fail(j, resolved);
  }

  // Creates, in waves: an object waits for the objects it refers to that this batch creates.
  std::vector<Job*> pending;
  for (Job& j : jobs)
    if (!j.done && j.change->kind == ChangeKind::kAdd) pending.push_back(&j);
  while (!pending.empty()) {
    std::vector<Job*> wave, later;
    for (Job* j : pending) {
      bool ready = true;
      for (const Attribute& a : j->change->attributes) {
        const MappedAttribute* m = j->kind->map->find(a.name);
        if (m == nullptr || m->type != AttrType::kReference) continue;
        for (const std::string& v : a.values)
          if (created_here.count(to_lower_ascii(v)) && !dn_to_id_.count(to_lower_ascii(v))) ready = false;
      }
      (ready ? wave : later).push_back(j);
    }
    if (wave.empty()) {  // a cycle: create them all, the missing references follow as PATCH
      wave = std::move(later);
      later.clear();
    }
    for (Job* j : wave) {
      Status s = build_create(*j);
      if (!s.ok()) fail(*j, s);
    }
    run_creates(wave);
    for (Job* j : wave)
      if (!j->done || !j->result.status.ok()) created_here.erase(to_lower_ascii(j->change->dn));
    pending = std::move(later);
  }

  // Updates (and the references a create could not carry yet), then deletes.
  std::vector<Job*> patches, deletes;
  for (Job& j : jobs) {
    if (j.change->kind == ChangeKind::kDelete) {
      if (!j.done) deletes.push_back(&j);
      continue;
    }
    if (j.change->kind == ChangeKind::kAdd) {
      if (!j.result.status.ok() || j.deferred.empty()) continue;
      std::vector<AttributeChange> follow;
      for (auto& [name, dns] : j.deferred) {
        AttributeChange ch{name, ValueOp::kAdd, {}};
        for (const json& d : dns) ch.values.push_back(d.get<std::string>());
        follow.push_back(std::move(ch));
      }
      std::vector<json> ops, alts;
      for (const AttributeChange& ch : follow) {
        Status s = patch_ops(*j.change, *j.kind, ch, ops, alts);
        if (!s.ok()) {
          fail(j, s);
          break;
        }
      }
      if (!j.result.status.ok()) continue;
      j.id = j.result.new_anchor;
      j.done = false;
      chunk_patches(j, std::move(ops), std::move(alts));
      patches.push_back(&j);
      continue;
    }
    if (j.done) continue;
    if (!patch_supported_) {
      fail(j, Status::Error(ErrorCode::kUnsupported,
                            object_name(*j.change) + ": the SCIM server's ServiceProviderConfig says it does not "
                                                     "support PATCH, which updates need; enable PATCH on the server"));
      continue;
    }
    j.id = j.change->anchor;
    if (j.id.empty()) {
      fail(j, Status::Error(ErrorCode::kNotFound, object_name(*j.change) +
                                                      " has no SCIM id (anchor); run a Full Import to join it"));
      continue;
    }
    std::vector<json> ops, alts;
    for (const AttributeChange& ch : j.change->changes) {
      Status s = patch_ops(*j.change, *j.kind, ch, ops, alts);
      if (!s.ok()) {
        fail(j, s);
        break;
      }
    }
    if (j.done) continue;
    chunk_patches(j, std::move(ops), std::move(alts));
    patches.push_back(&j);
  }
  run_patches(patches);
  run_deletes(deletes);

  std::vector<ExportResult> out;
  out.reserve(jobs.size());
  for (Job& j : jobs) out.push_back(std::move(j.result));
  return out;
}

void ScimConnector::run_creates(std::vector<Job*>& all) {
  std::vector<Job*> posting;
  for (Job* j : all)
    if (!j->done) posting.push_back(j);
  int round = 0;
  while (!posting.empty()) {
    if (round++ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(http_.backoff_ms(round, 0)));
    std::vector<HttpRequest> reqs;
    for (Job* j : posting) {
      ++j->posts;
      reqs.push_back(HttpRequest{"POST", url(j->kind->endpoint), j->body.dump()});
    }
    std::vector<HttpResponse> answers = send(reqs);
    std::vector<Job*> lookup, resent;
    for (size_t i = 0; i < posting.size(); ++i) {
      Job& j = *posting[i];
      const HttpResponse& res = answers[i];
      std::string what = "connector '" + config_.name + "': creating " + object_name(*j.change);
      if (res.ok()) {
        auto body = parse_body(reqs[i], res, what);
        const json* id = body.ok() ? find_member(*body, "id") : nullptr;
        if (id == nullptr || !id->is_string()) {
          // Created, but we cannot tell its id: find it like a lost answer.
          lookup.push_back(&j);
          continue;
        }
        j.result.new_anchor = id->get<std::string>();
        remember(j.result.new_anchor, j.change->dn);
        j.done = true;
        if (res.resent) resent.push_back(&j);
      } else if (res.status == 409) {
        j.conflict = true;
        j.conflict_message = server_detail(res);
        lookup.push_back(&j);
      } else if (res.outcome_unknown) {
        lookup.push_back(&j);
      } else {
        fail(j, http_error(reqs[i], res, what));
      }
    }
    lookup_created(lookup);
    remove_twins(resent);
    posting.clear();
    for (Job* j : lookup) {
      if (j->done) continue;
      // Not there: the create did not happen and may be sent again.
      if (j->posts < http_.options().max_attempts && http_.take_retry()) {
        posting.push_back(j);
      } else {
        fail(*j, Status::Error(ErrorCode::kConnectorError,
                               "connector '" + config_.name + "': creating " + object_name(*j->change) +
                                   " failed after " + std::to_string(j->posts) +
                                   " attempt(s) with no clear answer from the server; it is exported again next run"));
      }
    }
  }
}

// After a 409 or a lost answer: is the object there, created by us (same externalId)?
void ScimConnector::lookup_created(std::vector<Job*>& jobs) {
  std::vector<Job*> asking;
  std::vector<HttpRequest> reqs;
  for (Job* j : jobs) {
    std::string filter;
    if (!j->external_id.empty()) {
      filter = "externalId eq " + quote(j->external_id);
    } else if (!j->unique_name.empty()) {
      filter = (j->kind->object_type == "group" ? "displayName eq " : "userName eq ") + quote(j->unique_name);
    }
    if (filter.empty() || !filter_supported_) {
      fail(*j, Status::Error(ErrorCode::kConnectorError,
                             "connector '" + config_.name + "': creating " + object_name(*j->change) +
                                 (j->conflict ? " was refused (HTTP 409: " + j->conflict_message + ")"
                                              : " got no clear answer") +
                                 " and the object cannot be looked up (no externalId / " +
                                 (j->kind->object_type == "group" ? "displayName" : "userName") +
                                 ", or no filter support); check the server before the next export"));
      continue;
    }
    asking.push_back(j);
    reqs.push_back(HttpRequest{"GET", url(j->kind->endpoint, "", "filter=" + url_encode(filter)), ""});
  }
  std::vector<HttpResponse> answers = http_.run(reqs);
  for (size_t i = 0; i < asking.size(); ++i) {
    Job& j = *asking[i];
    std::string what = "connector '" + config_.name + "': looking up " + object_name(*j.change) + " after its create";
    if (!answers[i].ok()) {
      fail(j, http_error(reqs[i], answers[i], what));
      continue;
    }
    auto body = parse_body(reqs[i], answers[i], what);
    if (!body.ok()) {
      fail(j, body.status());
      continue;
    }
    const json* list = find_member(*body, "Resources");
    const json* found = nullptr;
    if (list != nullptr && list->is_array()) {
      for (const json& r : *list) {
        const json* ext = find_member(r, "externalId");
        std::string theirs = ext != nullptr && ext->is_string() ? ext->get<std::string>() : "";
        if (theirs == j.external_id) found = &r;
      }
    }
    if (found != nullptr && find_member(*found, "id") != nullptr && find_member(*found, "id")->is_string()) {
      j.result.new_anchor = find_member(*found, "id")->get<std::string>();
      remember(j.result.new_anchor, j.change->dn);
      j.done = true;
    } else if (j.conflict) {
      fail(j, Status::Error(ErrorCode::kConnectorError,
                            "connector '" + config_.name + "': creating " + object_name(*j.change) +
                                " was refused (HTTP 409: " + j.conflict_message +
                                "); another object already holds that value: resolve the duplicate in the "
                                "source or the cloud directory"));
    }
  }
}

std::vector<HttpResponse> ScimConnector::send(const std::vector<HttpRequest>& reqs) {
  if (bulk_max_operations_ < 2 || reqs.size() < 2) return http_.run(reqs);
  // Pack the requests into BulkRequests within the server's limits.
  struct Pack {
    std::vector<size_t> members;
    json operations = json::array();
    size_t bytes = 0;
  };
  std::vector<Pack> packs;
  const size_t per_pack = std::max<size_t>(
      1, std::min(bulk_max_operations_, (reqs.size() + static_cast<size_t>(http_.options().concurrency) - 1) /
                                            static_cast<size_t>(http_.options().concurrency)));
  for (size_t i = 0; i < reqs.size(); ++i) {
    json op = {{"method", reqs[i].method}, {"path", reqs[i].url.substr(base_url_.size())}};
    if (reqs[i].method == "POST") op["bulkId"] = "op" + std::to_string(i);
    if (!reqs[i].body.empty()) op["data"] = json::parse(reqs[i].body, nullptr, false);
    size_t bytes = reqs[i].body.size() + 100;
    if (packs.empty() || packs.back().members.size() >= per_pack || packs.back().bytes + bytes > bulk_max_bytes_ / 2)
      packs.emplace_back();
    packs.back().members.push_back(i);
    packs.back().operations.push_back(std::move(op));
    packs.back().bytes += bytes;
  }
  std::vector<HttpRequest> bulk;
  for (Pack& p : packs) {
    json body = {{"schemas", json::array({"urn:ietf:params:scim:api:messages:2.0:BulkRequest"})},
                 {"Operations", std::move(p.operations)}};
    bulk.push_back(HttpRequest{"POST", base_url_ + "/Bulk", body.dump()});
  }
  std::vector<HttpResponse> answers = http_.run(bulk);
  std::vector<HttpResponse> out(reqs.size());
  std::vector<size_t> again;  // updates and deletes of a failed BulkRequest: sent one by one
  for (size_t k = 0; k < packs.size(); ++k) {
    const HttpResponse& res = answers[k];
    json body = res.ok() ? json::parse(res.body, nullptr, false) : json();
    for (size_t pos = 0; pos < packs[k].members.size(); ++pos) {
      size_t i = packs[k].members[pos];
      std::optional<BulkOperationResult> op = read_bulk_operation(body, pos);
      if (!op) {
        if (reqs[i].method != "POST") {
          again.push_back(i);
        } else {
          out[i] = res;  // the create's outcome is unknown: the caller looks it up
          out[i].outcome_unknown = true;
          if (out[i].ok()) out[i].status = 0, out[i].transport_error = "the /Bulk answer has no result for it";
        }
        continue;
      }
      HttpResponse& r = out[i];
      r.attempts = res.attempts;
      r.resent = res.resent;
      r.status = op->status;
      r.body = std::move(op->body);
      if (r.ok() && reqs[i].method == "POST") {
        // The id is the last segment of the created resource's location.
        const std::string& loc = op->location;
        if (r.body.empty() && !loc.empty()) r.body = json{{"id", loc.substr(loc.rfind('/') + 1)}}.dump();
      }
      r.outcome_unknown = r.status >= 500 && reqs[i].method == "POST";
    }
  }
  if (!again.empty()) {
    std::vector<HttpRequest> single;
    for (size_t i : again) single.push_back(reqs[i]);
    std::vector<HttpResponse> singles = http_.run(single);
    for (size_t n = 0; n < again.size(); ++n) out[again[n]] = std::move(singles[n]);
  }
  return out;
}

// A create that libcurl sent twice (the first connection died after the server did the work)
// may have made two objects: keep the one whose id we were given, delete the other.
void ScimConnector::remove_twins(std::vector<Job*>& jobs) {
  std::vector<HttpRequest> reqs;
  std::vector<Job*> asking;
  for (Job* j : jobs) {
    if (j->external_id.empty() || !filter_supported_) continue;
    asking.push_back(j);
    reqs.push_back(HttpRequest{"GET", url(j->kind->endpoint, "", "filter=" + url_encode("externalId eq " + quote(j->external_id)) +
                                                                     "&attributes=id,externalId"), ""});
  }
  std::vector<HttpResponse> answers = http_.run(reqs);
  std::vector<HttpRequest> deletes;
  for (size_t i = 0; i < asking.size(); ++i) {
    json body = json::parse(answers[i].body, nullptr, false);
    const json* list = answers[i].ok() && body.is_object() ? find_member(body, "Resources") : nullptr;
    if (list == nullptr || !list->is_array()) continue;
    for (const json& r : *list) {
      const json* id = find_member(r, "id");
      const json* ext = find_member(r, "externalId");
      if (id != nullptr && id->is_string() && ext != nullptr && ext->is_string() &&
          ext->get<std::string>() == asking[i]->external_id && id->get<std::string>() != asking[i]->result.new_anchor)
        deletes.push_back(HttpRequest{"DELETE", url(asking[i]->kind->endpoint, id->get<std::string>()), ""});
    }
  }
  http_.run(deletes);  // best effort: a twin left behind shows on the next Full Import
}

void ScimConnector::run_patches(std::vector<Job*>& all) {
  std::vector<Job*> active;
  for (Job* j : all) {
    if (j->patches.empty()) {
      j->done = true;
    } else {
      active.push_back(j);
    }
  }
  while (!active.empty()) {
    std::vector<HttpRequest> reqs;
    for (Job* j : active) {
      json body{{"schemas", json::array({kPatchSchema})},
                {"Operations", j->used_fallback ? j->fallbacks[j->next_patch] : j->patches[j->next_patch]}};
      reqs.push_back(HttpRequest{"PATCH", url(j->kind->endpoint, j->id), body.dump()});
    }
    std::vector<HttpResponse> answers = send(reqs);
    std::vector<Job*> next;
    for (size_t i = 0; i < active.size(); ++i) {
      Job& j = *active[i];
      const HttpResponse& res = answers[i];
      if (res.ok()) {
        j.used_fallback = false;
        if (++j.next_patch < j.patches.size()) {
          next.push_back(&j);
        } else {
          j.done = true;
        }
      } else if (res.status == 400 && !j.used_fallback && res.body.find("noTarget") != std::string::npos &&
                 j.fallbacks[j.next_patch] != j.patches[j.next_patch]) {
        // The typed element does not exist yet: add it instead of replacing in it.
        j.used_fallback = true;
        next.push_back(&j);
      } else if (res.status == 404) {
        fail(j, Status::Error(ErrorCode::kNotFound,
                              "connector '" + config_.name + "': updating " + object_name(*j.change) +
                                  ": the SCIM server no longer has id " + j.id + " (HTTP 404); run a Full Import"));
      } else {
        fail(j, http_error(reqs[i], res, "connector '" + config_.name + "': updating " + object_name(*j.change)));
      }
    }
    active = std::move(next);
  }
}

void ScimConnector::run_deletes(std::vector<Job*>& all) {
  std::vector<HttpRequest> reqs;
  std::vector<Job*> sent;
  for (Job* j : all) {
    if (j->change->anchor.empty()) {
      fail(*j, Status::Error(ErrorCode::kNotFound, object_name(*j->change) + " has no SCIM id (anchor) to delete"));
      continue;
    }
    sent.push_back(j);
    reqs.push_back(HttpRequest{"DELETE", url(j->kind->endpoint, j->change->anchor), ""});
  }
  std::vector<HttpResponse> answers = send(reqs);
  for (size_t i = 0; i < sent.size(); ++i) {
    // 404: already gone (a retry after a lost answer, or deleted in the cloud): the goal holds.
    if (answers[i].ok() || answers[i].status == 404) {
      sent[i]->done = true;
      id_to_dn_.erase(sent[i]->change->anchor);
      dn_to_id_.erase(to_lower_ascii(sent[i]->change->dn));
    } else {
      fail(*sent[i], http_error(reqs[i], answers[i],
                                "connector '" + config_.name + "': deleting " + object_name(*sent[i]->change)));
    }
  }
}

}  // namespace idsync::scim
