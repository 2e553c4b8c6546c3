// The "ldap" and "ad" connectors: one class, two flavours that differ in the anchor, the
// delta protocol and the parameters they derive from the rootDSE.
//
// A dropped connection during a full import reconnects and runs the search again from the
// start (a paged-results cookie dies with its connection); entries already handed to the sink
// are recognised by their anchor and skipped, so nothing is delivered twice or lost.
#include "idsync/ldap/ldap_connector.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <unordered_set>

#include "idsync/dn.h"
#include "ldap_delta.h"
#include "ldap_filter.h"
#include "ldap_options.h"
#include "ldap_schema.h"
#include "ldap_search.h"
#include "ldap_session.h"
#include "ldap_writer.h"

namespace idsync::ldap {

namespace {

constexpr uint64_t kProgressEvery = 10000;

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) | static_cast<unsigned char>(in[i + 2]);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool unbase64(std::string_view in, std::string& out) {
  out.clear();
  unsigned v = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const char* p = std::strchr(kB64, c);
    if (p == nullptr || c == 0) return false;
    v = (v << 6) | static_cast<unsigned>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xFF);
    }
  }
  return true;
}

// "a.b" from "DC=a,DC=b".
std::string dns_name_of(const std::string& dn) {
  auto rdns = parse_dn(dn);
  std::string out;
  if (!rdns.ok()) return out;
  for (const Rdn& r : *rdns)
    for (const Ava& a : r)
      if (iequals(a.type, "dc")) out += (out.empty() ? "" : ".") + a.value;
  return out;
}

class DirectoryConnector final : public Connector {
 public:
  explicit DirectoryConnector(LdapOptions options) : o_(std::move(options)) {}

  ConnectorCapabilities capabilities() const override {
    ConnectorCapabilities c;
    c.full_import = true;
    c.delta_import = true;
    c.export_changes = true;
    c.rename = true;
    c.assigns_anchor = true;
    return c;
  }

  Result<ConnectorSchema> discover_schema() override {
    IDSYNC_RETURN_IF_ERROR(ensure_session());
    return discover_ldap_schema(*session_);
  }

  // The subschema entry is small next to the data: reading it before every import lets an
  // undeclared objectSid (syntax 2.5.5.17) keep its bytes as binary.
  Result<ConnectorSchema> attribute_types() override { return discover_schema(); }

  Result<std::map<std::string, std::string>> discover_parameters() override {
    std::map<std::string, std::string> p;
    if (o_.flavour != Flavour::kActiveDirectory) return p;  // no connection needed for nothing
    IDSYNC_RETURN_IF_ERROR(ensure_session());
    const RootDse& root = session_->root();
    const std::string domain = root.default_naming_context;
    const std::string forest =
        root.root_domain_naming_context.empty() ? domain : root.root_domain_naming_context;
    p["Domain.LDAP"] = domain;
    p["Domain.FQDN"] = dns_name_of(domain);
    p["Forest.LDAP"] = forest;
    p["Forest.FQDN"] = dns_name_of(forest);
    // NetBIOS names live on the crossRef objects under CN=Partitions of the configuration NC.
    auto netbios = [&](const std::string& nc) -> Result<std::string> {
      struct H : SearchHandler {
        Session* s;
        std::string name;
        Status entry(LDAPMessage* m) override {
          auto v = entry_values(s->ld(), m, "nETBIOSName");
          if (!v.empty()) name = v[0];
          return Status::Ok();
        }
      } h;
      h.s = session_.get();
      SearchSpec spec;
      spec.base = "CN=Partitions," + root.configuration_naming_context;
      spec.scope = LDAP_SCOPE_ONELEVEL;
      spec.filter = "(&(objectClass=crossRef)" + equality_filter("nCName", nc) + ")";
      spec.attrs = {"nETBIOSName"};
      IDSYNC_RETURN_IF_ERROR(run_search(*session_, spec, h));
      return h.name;
    };
    auto dn = netbios(domain);
    if (!dn.ok()) return dn.status();
    p["Domain.Netbios"] = *dn;
    auto fn = netbios(forest);
    if (!fn.ok()) return fn.status();
    p["Forest.Netbios"] = *fn;
    return p;
  }

  Status full_import(ImportSink& sink, std::string& watermark) override {
    IDSYNC_RETURN_IF_ERROR(ensure_session());
    // The delta position is taken first: whatever changes while we read is seen again later.
    auto position = current_position();
    if (!position.ok()) return position.status();
    std::unordered_set<std::string> delivered;
    uint64_t count = 0;
    for (const std::string& base : bases()) {
      struct Handler : SearchHandler {
        DirectoryConnector* self;
        ImportSink* sink;
        std::unordered_set<std::string>* delivered;
        uint64_t* count;
        bool sink_failed = false;
        Entry decoded;
        Status entry(LDAPMessage* m) override {
          Entry& entry = decoded;
          IDSYNC_RETURN_IF_ERROR(decode_entry(*self->session_, m, self->o_.anchor, entry));
          const std::string& key = entry.anchor.empty() ? entry.dn : entry.anchor;
          if (!delivered->insert(key).second) return Status::Ok();  // seen before a reconnect
          EntryChange c;
          c.kind = ChangeKind::kAdd;
          c.dn = std::move(entry.dn);
          c.anchor = std::move(entry.anchor);
          c.object_type = std::move(entry.object_type);
          c.attributes = std::move(entry.attributes);
          Status s = sink->on_change(std::move(c));
          if (!s.ok()) {
            sink_failed = true;
            return s;
          }
          if (++*count % kProgressEvery == 0) sink->on_progress(*count);
          return Status::Ok();
        }
      } handler;
      handler.self = this;
      handler.sink = &sink;
      handler.delivered = &delivered;
      handler.count = &count;
      SearchSpec spec = import_spec(base);
      IDSYNC_RETURN_IF_ERROR(with_reconnect(
          [&] { return paged_search(*session_, spec, o_.page_size, handler); },
          [&] { return handler.sink_failed; }));
    }
    sink.on_progress(count);
    watermark = *position;
    return Status::Ok();
  }

  Status delta_import(ImportSink& sink, std::string& watermark) override {
    if (watermark.empty())
      return Status::Error(ErrorCode::kUnsupported,
                           "connector '" + o_.connector_name +
                               "': no delta watermark yet; run a Full Import first");
    IDSYNC_RETURN_IF_ERROR(ensure_session());
    std::vector<std::string> positions;
    std::string kind;
    IDSYNC_RETURN_IF_ERROR(parse_watermark(watermark, kind, positions));
    auto bs = bases();
    if (kind != "accesslog" && positions.size() != bs.size())
      return Status::Error(ErrorCode::kInvalidArgument,
                           "connector '" + o_.connector_name + "': the watermark covers " +
                               std::to_string(positions.size()) + " partitions but " +
                               std::to_string(bs.size()) + " are configured (option base_dns "
                               "changed?); run a Full Import");
    uint64_t count = 0;
    EmitFn emit = [&](EntryChange&& c) -> Status {
      IDSYNC_RETURN_IF_ERROR(sink.on_change(std::move(c)));
      if (++count % kProgressEvery == 0) sink.on_progress(count);
      return Status::Ok();
    };
    if (kind == "accesslog") {
      // One log for every partition; each change is checked against the base DNs.
      Status s = accesslog_delta(*session_, delta_scope(""), o_.accesslog_base, positions[0], emit);
      if (s.ok()) watermark = "accesslog:" + base64(positions[0]);
      sink.on_progress(count);
      return s.ok() ? s : s.with_context("connector '" + o_.connector_name + "'");
    }
    if (kind == "dirsync") {
      // DirSync runs on the naming context; the OU scope is applied to each change.
      DeltaScope scope = delta_scope(session_->root().default_naming_context);
      if (!o_.attributes.empty()) {
        // With an attribute list DirSync reports an object only when a listed attribute
        // changed; a rename changes "name", a move "parentGUID": ask for them to notice both.
        for (const char* a : {"name", "parentGUID"}) {
          bool listed = false;
          for (const std::string& x : o_.attributes) listed = listed || iequals(x, a);
          if (!listed) {
            scope.attrs.push_back(a);
            scope.notice_only.push_back(a);
          }
        }
      }
      Status s = dirsync_delta(*session_, scope, positions[0], emit);
      if (s.ok()) {
        watermark = "dirsync:" + base64(positions[0]);
      } else if (is_dirsync_refused(s) && o_.delta == DeltaMode::kAuto) {
        return Status::Error(s.code(), s.message() +
                                           "; DirSync is no longer permitted: run a Full Import "
                                           "(it switches this connector to uSNChanged deltas)");
      }
      sink.on_progress(count);
      return s;
    }
    for (size_t i = 0; i < bs.size(); ++i) {
      DeltaScope scope = delta_scope(bs[i]);
      if (kind == "sync") {
        IDSYNC_RETURN_IF_ERROR(sync_delta(*session_, scope, positions[i], emit));
      } else {
        IDSYNC_RETURN_IF_ERROR(usn_delta(*session_, scope, positions[i], emit));
      }
    }
    watermark = format_watermark(kind, positions);
    sink.on_progress(count);
    return Status::Ok();
  }

  Status begin_export() override {
    IDSYNC_RETURN_IF_ERROR(ensure_session());
    writer_ = std::make_unique<Writer>(*session_);
    return Status::Ok();
  }

  ExportResult export_change(const EntryChange& change) override {
    if (!writer_) {
      ExportResult r;
      r.status = Status::Error(ErrorCode::kInternal, "export_change called before begin_export");
      return r;
    }
    return writer_->apply(change);
  }

  // Every LDAP operation is durable once the server answered it; nothing is left to flush.
  Status end_export() override {
    writer_.reset();
    return Status::Ok();
  }

 private:
  Status ensure_session() {
    if (session_) return Status::Ok();
    auto s = Session::open(o_);
    if (!s.ok()) return s.status().with_context("connector '" + o_.connector_name + "'");
    session_ = std::move(s).value();
    return Status::Ok();
  }

  // Runs `op`; after a dropped connection reconnects (with a growing pause) and runs it again,
  // up to reconnect_attempts times.
  template <class Op, class Failed>
  Status with_reconnect(Op op, Failed sink_failed) {
    for (int attempt = 0;; ++attempt) {
      Status s = op();
      if (s.ok() || sink_failed() || s.code() != ErrorCode::kIoError ||
          attempt >= o_.reconnect_attempts)
        return s;
      std::fprintf(stderr, "warning: connector '%s': %s; reconnecting (attempt %d of %d)\n",
                   o_.connector_name.c_str(), s.message().c_str(), attempt + 1,
                   o_.reconnect_attempts);
      for (int wait = 0;; ++wait) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250 << std::min(wait, 4)));
        Status r = session_->reconnect();
        if (r.ok()) break;
        if (wait >= 4 || r.code() != ErrorCode::kIoError)
          return r.with_context("connector '" + o_.connector_name + "': reconnecting after '" +
                                s.message() + "'");
      }
    }
  }

  std::vector<std::string> bases() const {
    if (!o_.base_dns.empty()) return o_.base_dns;
    const RootDse& root = session_->root();
    if (!root.default_naming_context.empty()) return {root.default_naming_context};
    if (!root.naming_contexts.empty()) return {root.naming_contexts.front()};
    return {""};
  }

  std::vector<std::string> request_attrs() const {
    std::vector<std::string> attrs;
    if (o_.attributes.empty()) {
      attrs.push_back("*");
    } else {
      attrs = o_.attributes;
      attrs.push_back("objectClass");
    }
    attrs.push_back(o_.anchor);
    if (o_.flavour == Flavour::kGeneric) attrs.push_back("structuralObjectClass");
    return attrs;
  }

  SearchSpec import_spec(const std::string& base) const {
    SearchSpec spec;
    spec.base = base;
    spec.filter = import_filter(o_.object_classes, o_.filter);
    spec.attrs = request_attrs();
    return spec;
  }

  DeltaScope delta_scope(const std::string& base) const {
    DeltaScope d;
    d.base = base;
    d.filter = import_filter(o_.object_classes, o_.filter);
    d.attrs = request_attrs();
    d.anchor_attr = o_.anchor;
    std::vector<std::string> norms;
    for (const std::string& b : bases()) {
      auto n = normalize_dn(b);
      if (n.ok()) norms.push_back(*n);
    }
    d.in_scope = [norms](std::string_view dn) {
      auto n = normalize_dn(dn);
      if (!n.ok()) return false;
      for (const std::string& b : norms) {
        if (b.empty() || *n == b) return true;
        if (n->size() > b.size() && n->compare(n->size() - b.size(), b.size(), b) == 0 &&
            (*n)[n->size() - b.size() - 1] == ',')
          return true;
      }
      return false;
    };
    return d;
  }

  // The delta position before a full import: per partition for RFC 4533 and uSNChanged, one
  // for DirSync (which covers the naming context).
  Result<std::string> current_position() {
    std::vector<std::string> positions;
    if (o_.delta == DeltaMode::kAccesslog) {
      auto p = accesslog_current_position(*session_, o_.accesslog_base);
      if (!p.ok()) return p.status().with_context("connector '" + o_.connector_name + "'");
      return "accesslog:" + base64(*p);
    }
    if (o_.flavour == Flavour::kGeneric) {
      for (const std::string& base : bases()) {
        auto c = sync_current_cookie(*session_, base);
        if (!c.ok()) return c.status().with_context("connector '" + o_.connector_name + "'");
        positions.push_back(*c);
      }
      return format_watermark("sync", positions);
    }
    if (o_.delta != DeltaMode::kUsn) {
      auto c = dirsync_current_cookie(*session_, session_->root().default_naming_context);
      if (c.ok()) return "dirsync:" + base64(*c);
      if (o_.delta == DeltaMode::kDirSync || !is_dirsync_refused(c.status()))
        return c.status().with_context("connector '" + o_.connector_name + "'");
      std::fprintf(stderr,
                   "warning: connector '%s': DirSync is not permitted (%s); delta imports use "
                   "uSNChanged instead\n",
                   o_.connector_name.c_str(), c.status().message().c_str());
    }
    IDSYNC_RETURN_IF_ERROR(session_->refresh_root());
    if (session_->root().highest_committed_usn.empty())
      return Status::Error(ErrorCode::kConnectorError,
                           "connector '" + o_.connector_name +
                               "': the rootDSE has no highestCommittedUSN; is this an AD server?");
    for (size_t i = 0; i < bases().size(); ++i) positions.push_back(session_->root().highest_committed_usn);
    return format_watermark("usn", positions);
  }

  static std::string format_watermark(const std::string& kind, const std::vector<std::string>& positions) {
    std::string w = kind + ":";
    for (size_t i = 0; i < positions.size(); ++i) w += (i ? "|" : "") + base64(positions[i]);
    return w;
  }

  Status parse_watermark(const std::string& w, std::string& kind, std::vector<std::string>& positions) const {
    size_t colon = w.find(':');
    kind = colon == std::string::npos ? "" : w.substr(0, colon);
    bool ok = kind == "sync" || kind == "accesslog" || kind == "dirsync" || kind == "usn";
    if (ok && (o_.flavour == Flavour::kGeneric) != (kind == "sync" || kind == "accesslog")) ok = false;
    if (ok && o_.flavour == Flavour::kGeneric && (o_.delta == DeltaMode::kAccesslog) != (kind == "accesslog"))
      return Status::Error(ErrorCode::kInvalidArgument,
                           "connector '" + o_.connector_name + "': the delta watermark is from delta=" + kind +
                               " but the connector now uses delta=" +
                               (o_.delta == DeltaMode::kAccesslog ? "accesslog" : "sync") + "; run a Full Import");
    if (ok) {
      std::string rest = w.substr(colon + 1);
      size_t start = 0;
      while (ok) {
        size_t bar = rest.find('|', start);
        std::string decoded;
        ok = unbase64(rest.substr(start, bar == std::string::npos ? std::string::npos : bar - start), decoded);
        positions.push_back(std::move(decoded));
        if (bar == std::string::npos) break;
        start = bar + 1;
      }
    }
    if (!ok)
      return Status::Error(ErrorCode::kInvalidArgument,
                           "connector '" + o_.connector_name + "': the delta watermark '" + w +
                               "' was not written by this connector type; run a Full Import");
    return Status::Ok();
  }

  LdapOptions o_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<Writer> writer_;
};

Result<std::unique_ptr<Connector>> create(const ConnectorConfig& config, Flavour flavour) {
  auto options = parse_options(config, flavour);
  if (!options.ok()) return options.status().with_context("connector '" + config.name + "'");
  return std::unique_ptr<Connector>(new DirectoryConnector(std::move(options).value()));
}

}  // namespace

Result<std::unique_ptr<Connector>> create_ldap_connector(const ConnectorConfig& config) {
  return create(config, Flavour::kGeneric);
}

Result<std::unique_ptr<Connector>> create_ad_connector(const ConnectorConfig& config) {
  return create(config, Flavour::kActiveDirectory);
}

void register_ldap_connectors(ConnectorRegistry& registry) {
  registry.add("ldap", create_ldap_connector);
  registry.add("ad", create_ad_connector);
}

}  // namespace idsync::ldap
