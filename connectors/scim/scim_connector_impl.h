// The "scim" connector's class, shared by its two halves: scim_connector.cc (discovery,
// requests, import) and scim_export.cc (export). Internal to the connector library; the
// public surface is idsync/scim/scim_connector.h.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "http.h"
#include "idsync/connector.h"
#include "mapping.h"
#include "scim_settings.h"

namespace idsync::scim {

using json = nlohmann::json;

struct ResourceKind {
  std::string object_type;  // "user" / "group"
  std::string endpoint;     // "Users" / "Groups"
  const AttributeMap* map = nullptr;
};

// One object's export, carried through the rounds of requests it needs.
struct Job {
  const EntryChange* change = nullptr;
  const ResourceKind* kind = nullptr;
  ExportResult result;
  bool done = false;
  bool has_references = false;  // member / manager values to resolve
  // create
  json body;
  std::string external_id, unique_name;  // for the lookup of a create with unknown outcome
  bool conflict = false;
  std::string conflict_message;
  int posts = 0;
  std::vector<std::pair<std::string, std::vector<json>>> deferred;  // references created later
  // patch
  std::string id;
  std::vector<std::vector<json>> patches;      // PatchOp operation lists, sent in order
  std::vector<std::vector<json>> fallbacks;    // same index: alternative when noTarget
  size_t next_patch = 0;
  bool used_fallback = false;
};

class ScimConnector : public Connector {
 public:
  explicit ScimConnector(ScimSettings settings)
      : config_(std::move(settings.config)),
        http_(std::move(settings.http)),
        base_url_(std::move(settings.base_url)),
        user_map_(std::move(settings.user_map)),
        group_map_(std::move(settings.group_map)),
        page_size_(settings.page_size),
        patch_chunk_(settings.patch_chunk),
        delta_overlap_ms_(settings.delta_overlap_ms),
        export_batch_size_(settings.export_batch),
        use_bulk_(settings.bulk) {
    if (settings.users) kinds_.push_back(ResourceKind{"user", "Users", &user_map_});
    if (settings.groups) kinds_.push_back(ResourceKind{"group", "Groups", &group_map_});
  }

  ConnectorCapabilities capabilities() const override;

  Result<ConnectorSchema> discover_schema() override;

  Status full_import(ImportSink& sink, std::string& watermark) override;

  Status delta_import(ImportSink& sink, std::string& watermark) override;

  Status begin_export() override { return discover(); }

  ExportResult export_change(const EntryChange& change) override;

  Status end_export() override { return Status::Ok(); }

  std::vector<ExportResult> export_changes(const std::vector<const EntryChange*>& changes) override {
    return export_batch(changes);
  }
  size_t export_batch_size() const override { return export_batch_size_; }

  // Exports several objects at once: what lets `concurrency` requests be in flight.
  std::vector<ExportResult> export_batch(const std::vector<const EntryChange*>& changes);

 private:
  // ---- requests and answers ------------------------------------------------------------------
  std::string url(const std::string& endpoint, const std::string& id = "", const std::string& query = "") const;

  Status http_error(const HttpRequest& req, const HttpResponse& res, const std::string& what) const;

  // Where the credentials come from, for a 401 ("the token in option token_file ('/etc/...')").
  std::string credential_source() const;

  Result<json> parse_body(const HttpRequest& req, const HttpResponse& res, const std::string& what) const;

  Result<json> get_json(const std::string& u, const std::string& what);

  // ---- discovery -----------------------------------------------------------------------------
  Status discover();

  bool server_has_attribute(const ScimPath& p) const;

  // ---- import --------------------------------------------------------------------------------
  // Every resource of `kind` matching `filter`, in pages: the first page tells the total, the
  // rest are fetched `concurrency` pages at a time.
  Status list(const ResourceKind& kind, const std::string& filter,
              const std::function<Status(json&&)>& each);

  void remember(const std::string& id, const std::string& dn);

  Status import_all(const std::string& filter, ImportSink& sink, std::string& newest);

  // Looks up the DNs of member / manager ids this import has not seen (a delta import reads
  // only what changed).
  Status resolve_member_ids(const std::vector<json>& resources);

  EntryChange to_change(const ResourceKind& kind, const json& r) const;

  // ---- export helpers ------------------------------------------------------------------------
  const ResourceKind* kind_of(const std::string& object_type) const;

  std::string object_name(const EntryChange& c) const { return "object '" + c.dn + "'"; }

  // Resolves reference DNs to SCIM ids: from this connector's memory, from the DN itself
  // ("CN=<id>"), or by looking the externalId up.
  Status resolve_dns(const std::vector<std::string>& dns);

  // JSON values for one attribute's values; references become ids. Unresolved references go
  // to `missing`.
  std::vector<json> json_values(const MappedAttribute& m, const ValueList& values, ValueList* missing) const;

  Status unmapped(const EntryChange& c, const ResourceKind& k, const std::string& attribute) const;

  Status build_create(Job& job);

  // The PatchOp operations for one attribute change, appended to `ops` (and `alts`, the
  // replacement when the server has no element to replace in).
  Status patch_ops(const EntryChange& c, const ResourceKind& k, const AttributeChange& ch, std::vector<json>& ops,
                   std::vector<json>& alts);

  // Splits operations into PatchOp requests of at most patch_chunk values each.
  void chunk_patches(Job& job, std::vector<json> ops, std::vector<json> alts);

  void fail(Job& job, Status s);

  // Sends write requests: in /Bulk requests when the server supports them (and option bulk
  // allows), else one by one; either way, concurrently. One answer per request, in order.
  std::vector<HttpResponse> send(const std::vector<HttpRequest>& reqs);

  void run_creates(std::vector<Job*>& jobs);
  void run_patches(std::vector<Job*>& jobs);
  void run_deletes(std::vector<Job*>& jobs);
  void lookup_created(std::vector<Job*>& jobs);
  void remove_twins(std::vector<Job*>& jobs);

  ConnectorConfig config_;
  HttpClient http_;
  std::string base_url_;
  AttributeMap user_map_, group_map_;
  std::vector<ResourceKind> kinds_;
  size_t page_size_, patch_chunk_;
  long delta_overlap_ms_;
  size_t export_batch_size_;
  bool discovered_ = false, filter_supported_ = false, patch_supported_ = false, server_schema_known_ = false;
  bool use_bulk_;
  size_t bulk_max_operations_ = 0, bulk_max_bytes_ = 0;  // 0 operations: no /Bulk
  std::set<std::string> server_attributes_;
  std::unordered_map<std::string, std::string> id_to_dn_, dn_to_id_;
};

}  // namespace idsync::scim
