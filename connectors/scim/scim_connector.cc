// The "scim" connector: discovery, requests and answers, and import. Import pages through
// /Users and /Groups, `concurrency` pages at a time after the first; groups are held until all
// are read, so members that are groups on later pages still resolve to DNs.
#include <algorithm>
#include <set>

#include "idsync/scim/scim_connector.h"
#include "idsync/value_types.h"
#include "scim_connector_impl.h"
#include "scim_reader.h"
#include "scim_util.h"

namespace idsync::scim {

ConnectorCapabilities ScimConnector::capabilities() const {
  ConnectorCapabilities c;
  c.full_import = true;
  c.delta_import = true;
  c.export_changes = true;
  c.rename = false;
  c.assigns_anchor = true;
  return c;
}

Result<ConnectorSchema> ScimConnector::discover_schema() {
  IDSYNC_RETURN_IF_ERROR(discover());
  ConnectorSchema schema;
  std::set<std::string> seen;
  for (const ResourceKind& k : kinds_) {
    SchemaObjectType type{k.object_type, {}};
    for (const MappedAttribute& m : k.map->attributes()) {
      if (server_schema_known_ && !server_has_attribute(m.path)) {
        return Status::Error(ErrorCode::kConnectorError,
                             "connector '" + config_.name + "': the server's /Schemas has no attribute '" +
                                 m.path.text + "' (mapped from '" + m.name + "' for " + k.endpoint +
                                 "); fix option " + k.object_type + "_attribute_map or the server's schema");
      }
      type.attributes.push_back(m.name);
      if (seen.insert(to_lower_ascii(m.name)).second)
        schema.attributes.push_back(SchemaAttribute{m.name, m.type, m.multi_valued});
    }
    schema.object_types.push_back(std::move(type));
  }
  return schema;
}

Status ScimConnector::full_import(ImportSink& sink, std::string& watermark) {
  IDSYNC_RETURN_IF_ERROR(discover());
  std::string newest;
  IDSYNC_RETURN_IF_ERROR(import_all("", sink, newest));
  watermark = newest;
  return Status::Ok();
}

Status ScimConnector::delta_import(ImportSink& sink, std::string& watermark) {
  IDSYNC_RETURN_IF_ERROR(discover());
  std::string filter;
  // Without filter support (or a watermark) every object is read again: changes come out
  // right, but only a Full Import notices deletions.
  if (filter_supported_ && !watermark.empty())
    filter = "meta.lastModified gt \"" + shift_timestamp(watermark, -delta_overlap_ms_) + "\"";
  std::string newest = watermark;
  IDSYNC_RETURN_IF_ERROR(import_all(filter, sink, newest));
  watermark = newest;
  return Status::Ok();
}

// ---- requests and answers ------------------------------------------------------------------
std::string ScimConnector::url(const std::string& endpoint, const std::string& id, const std::string& query) const {
  std::string u = base_url_ + "/" + endpoint;
  if (!id.empty()) u += "/" + url_encode(id);
  if (!query.empty()) u += "?" + query;
  return u;
}

std::string ScimConnector::credential_source() const {
  for (const char* name : {"token_file", "token_env", "password_file", "password_env"})
    if (!config_.option(name).empty())
      return std::string(name[0] == 'p' ? "option 'username' and the password in option " : "the token in option ") +
             name + " ('" + config_.option(name) + "')";
  return "the credentials";
}

Status ScimConnector::http_error(const HttpRequest& req, const HttpResponse& res, const std::string& what) const {
  std::string where = what + " (" + req.method + " " + req.url + ")";
  if (res.tls_error)
    return Status::Error(ErrorCode::kIoError,
                         where + ": TLS with the SCIM server failed: " + res.transport_error +
                             "; give the CA that signed its certificate with option ca_file (for a test "
                             "system only: tls_verify = false with insecure = true)");
  if (res.status == 0)
    return Status::Error(ErrorCode::kIoError,
                         where + ": no answer from the SCIM server after " + std::to_string(res.attempts) +
                             " attempt(s): " + res.transport_error +
                             "; check option base_url and that the server is reachable");
  if (res.status == 401)
    return Status::Error(ErrorCode::kConnectorError,
                         where + ": the server rejected the credentials (HTTP 401); check " + credential_source() +
                             " (the secret itself is never shown)");
  if (res.status == 403)
    return Status::Error(ErrorCode::kConnectorError,
                         where + ": forbidden (HTTP 403): " + server_detail(res) +
                             "; the account behind the token lacks the permission");
  std::string msg = where + ": HTTP " + std::to_string(res.status) + ": " + server_detail(res);
  if (res.status == 429 || res.status >= 500)
    msg += " (after " + std::to_string(res.attempts) + " attempt(s); raise max_attempts / retry_budget or retry later)";
  return Status::Error(ErrorCode::kConnectorError, msg);
}

Result<json> ScimConnector::parse_body(const HttpRequest& req, const HttpResponse& res, const std::string& what) const {
  auto j = read_json_object(res.body);
  if (!j.ok()) return Status::Error(j.status().code(), what + " (" + req.method + " " + req.url + "): " + j.status().message());
  return j;
}

Result<json> ScimConnector::get_json(const std::string& u, const std::string& what) {
  HttpRequest req{"GET", u, ""};
  HttpResponse res = http_.run_one(req);
  if (!res.ok()) return http_error(req, res, what);
  return parse_body(req, res, what);
}

// ---- discovery -----------------------------------------------------------------------------
Status ScimConnector::discover() {
  if (discovered_) return Status::Ok();
  auto spc = get_json(base_url_ + "/ServiceProviderConfig", "reading the ServiceProviderConfig");
  if (!spc.ok()) return spc.status().with_context("connector '" + config_.name + "'");
  auto features = read_service_provider_config(*spc, use_bulk_);
  if (!features.ok())
    return Status::Error(features.status().code(), "connector '" + config_.name + "': " + base_url_ +
                                                       "/ServiceProviderConfig is " + features.status().message());
  filter_supported_ = features->filter;
  patch_supported_ = features->patch;
  bulk_max_operations_ = features->bulk_max_operations;
  bulk_max_bytes_ = features->bulk_max_bytes;
  // /Schemas tells which attributes exist; a server without it is taken at its word.
  HttpRequest req{"GET", base_url_ + "/Schemas", ""};
  HttpResponse res = http_.run_one(req);
  if (res.ok()) {
    server_attributes_ = read_schema_attributes(res.body);
    server_schema_known_ = !server_attributes_.empty();
  }
  discovered_ = true;
  return Status::Ok();
}

bool ScimConnector::server_has_attribute(const ScimPath& p) const {
  static const std::set<std::string> kCommon = {"id", "externalid", "meta"};
  if (p.urn.empty() && kCommon.count(to_lower_ascii(p.attribute))) return true;
  std::string lower = to_lower_ascii(p.attribute);
  if (!p.urn.empty()) return server_attributes_.count(to_lower_ascii(p.urn) + ":" + lower) != 0;
  for (const char* urn : {kUserSchema, kGroupSchema})
    if (server_attributes_.count(to_lower_ascii(urn) + ":" + lower)) return true;
  return false;
}

Status ScimConnector::list(const ResourceKind& kind, const std::string& filter,
    const std::function<Status(json&&)>& each) {
  std::string query = filter.empty() ? "" : "filter=" + url_encode(filter) + "&";
  auto page_url = [&](size_t start) {
    return url(kind.endpoint, "", query + "startIndex=" + std::to_string(start) + "&count=" + std::to_string(page_size_));
  };
  auto take = [&](const HttpRequest& req, const HttpResponse& res, size_t& total, size_t& got) -> Status {
    std::string what = "connector '" + config_.name + "': reading " + kind.endpoint;
    if (!res.ok()) return http_error(req, res, what);
    auto page = read_list_response(res.body);
    if (!page.ok()) return Status::Error(page.status().code(), what + " (GET " + req.url + "): " + page.status().message());
    total = page->total;
    got = page->resources.size();
    for (json& r : page->resources) IDSYNC_RETURN_IF_ERROR(each(std::move(r)));
    return Status::Ok();
  };
  HttpRequest first{"GET", page_url(1), ""};
  size_t total = 0, got = 0;
  IDSYNC_RETURN_IF_ERROR(take(first, http_.run_one(first), total, got));
  if (got == 0 || got >= total) return Status::Ok();
  const size_t step = got;  // the server may cap count below page_size
  const size_t window = static_cast<size_t>(std::max(1, http_.options().concurrency));
  for (size_t start = 1 + step; start <= total;) {
    std::vector<HttpRequest> reqs;
    for (size_t k = 0; k < window && start <= total; ++k, start += step) reqs.push_back(HttpRequest{"GET", page_url(start), ""});
    std::vector<HttpResponse> answers = http_.run(reqs);
    bool ran_out = false;
    for (size_t k = 0; k < reqs.size(); ++k) {
      size_t t = 0, g = 0;
      IDSYNC_RETURN_IF_ERROR(take(reqs[k], answers[k], t, g));
      ran_out = ran_out || g == 0;
    }
    // An empty page is the end, whatever totalResults said: objects deleted while the import
    // runs, or a server whose count is wrong, must not make it ask for pages forever.
    if (ran_out) break;
  }
  return Status::Ok();
}

void ScimConnector::remember(const std::string& id, const std::string& dn) {
  id_to_dn_[id] = dn;
  dn_to_id_[to_lower_ascii(dn)] = id;
}

Status ScimConnector::import_all(const std::string& filter, ImportSink& sink, std::string& newest) {
  auto note_time = [&](const json& r) {
    const json* meta = find_member(r, "meta");
    const json* lm = meta == nullptr ? nullptr : find_member(*meta, "lastModified");
    if (lm != nullptr && lm->is_string() && lm->get<std::string>() > newest) newest = lm->get<std::string>();
  };
  // True when a reference of `r` (a manager) names an id not seen yet.
  auto refers_to_unknown = [&](const ResourceKind& kind, const json& r) {
    for (const MappedAttribute& m : kind.map->attributes()) {
      if (m.type != AttrType::kReference) continue;
      for (const std::string& id : read_values(r, m.path))
        if (!id_to_dn_.count(id)) return true;
    }
    return false;
  };
  uint64_t read = 0;
  for (const ResourceKind& kind : kinds_) {
    // Groups are held until all are read: a member may be a group listed on a later page. So
    // is a user whose manager is not known yet: listed later, or (in a delta import) not
    // changed, so not listed at all; it is looked up by id before the user is handed over.
    std::vector<json> held;
    IDSYNC_RETURN_IF_ERROR(list(kind, filter, [&](json&& r) -> Status {
      note_time(r);
      remember(resource_id(r), resource_dn(r));
      if (kind.object_type == "group" || refers_to_unknown(kind, r)) {
        held.push_back(std::move(r));
        return Status::Ok();
      }
      ++read;
      return sink.on_change(to_change(kind, r));
    }));
    if (!held.empty()) {
      IDSYNC_RETURN_IF_ERROR(resolve_member_ids(held));
      for (const json& g : held) {
        ++read;
        IDSYNC_RETURN_IF_ERROR(sink.on_change(to_change(kind, g)));
      }
    }
    sink.on_progress(read);
  }
  return Status::Ok();
}

Status ScimConnector::resolve_member_ids(const std::vector<json>& resources) {
  std::vector<std::string> unknown;
  std::set<std::string> asked;
  for (const json& r : resources)
    for (const ResourceKind& k : kinds_)
      for (const MappedAttribute& m : k.map->attributes()) {
        if (m.type != AttrType::kReference) continue;
        for (const std::string& id : read_values(r, m.path))
          if (!id_to_dn_.count(id) && asked.insert(id).second) unknown.push_back(id);
      }
  for (const char* endpoint : {"Users", "Groups"}) {
    if (unknown.empty()) break;
    std::vector<HttpRequest> reqs;
    for (const std::string& id : unknown) reqs.push_back(HttpRequest{"GET", url(endpoint, id, "attributes=externalId"), ""});
    std::vector<HttpResponse> answers = http_.run(reqs);
    std::vector<std::string> still;
    for (size_t i = 0; i < reqs.size(); ++i) {
      if (answers[i].status == 404) {
        still.push_back(unknown[i]);
        continue;
      }
      std::string what = "connector '" + config_.name + "': looking up member " + unknown[i];
      if (!answers[i].ok()) return http_error(reqs[i], answers[i], what);
      auto j = parse_body(reqs[i], answers[i], what);
      if (!j.ok()) return j.status();
      (*j)["id"] = unknown[i];  // the id asked for, whatever the answer says
      remember(unknown[i], resource_dn(*j));
    }
    unknown = std::move(still);
  }
  return Status::Ok();  // ids found nowhere are dangling references: left out
}

EntryChange ScimConnector::to_change(const ResourceKind& kind, const json& r) const {
  return resource_to_change(kind.object_type, *kind.map, r, id_to_dn_);
}

std::unique_ptr<Connector> make_scim_connector(ScimSettings settings) {
  return std::make_unique<ScimConnector>(std::move(settings));
}

}  // namespace idsync::scim
