// Test fixture: the real SCIM test server (scim_process.h) with checking helpers. A server
// that cannot start fails the test (each test asserts server.ok()).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "idsync/connector.h"
#include "idsync/scim/scim_connector.h"
#include "scim_process.h"

namespace idsync::scimtest {

class ScimServer : public ScimProcess {
 public:
  using ScimProcess::ScimProcess;

  void faults(const json& f) const { EXPECT_TRUE(ScimProcess::faults(f)) << "cannot set faults " << f.dump(); }

  // Creates a resource directly; returns its id ("" on failure, with a test failure).
  std::string create(const std::string& endpoint, const json& body) const {
    auto r = request("POST", "/scim/" + endpoint, body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    json j = r.j();
    return j.is_object() && j.contains("id") ? j["id"].get<std::string>() : std::string();
  }
};

inline json user_json(const std::string& user_name, const std::string& external_id, const std::string& given = "",
                      const std::string& family = "") {
  json u = {{"schemas", json::array({"urn:ietf:params:scim:schemas:core:2.0:User"})},
            {"userName", user_name}};
  if (!external_id.empty()) u["externalId"] = external_id;
  if (!given.empty()) u["name"]["givenName"] = given;
  if (!family.empty()) u["name"]["familyName"] = family;
  return u;
}

// Collects imported changes.
class Collector : public ImportSink {
 public:
  Status on_change(EntryChange&& c) override {
    changes.push_back(std::move(c));
    return Status::Ok();
  }
  const EntryChange* by_dn(const std::string& dn) const {
    for (const EntryChange& c : changes)
      if (c.dn == dn) return &c;
    return nullptr;
  }
  std::vector<EntryChange> changes;
};

inline std::vector<std::string> values_of(const EntryChange& c, const std::string& name) {
  for (const Attribute& a : c.attributes)
    if (a.name == name) return a.values;
  return {};
}

inline std::string hex(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// The DN the connector gives an object with this externalId.
inline std::string dn_for(const std::string& external_id) { return "CN={" + hex(external_id) + "}"; }

inline std::unique_ptr<Connector> make_connector(const std::map<std::string, std::string>& options,
                                                 const std::string& name = "cloud") {
  ConnectorRegistry registry;
  register_scim_connector(registry);
  ConnectorConfig config;
  config.name = name;
  config.type = "scim";
  config.options = options;
  auto c = registry.create(config);
  EXPECT_TRUE(c.ok()) << c.status().to_string();
  return c.ok() ? std::move(c).value() : nullptr;
}

// Users / groups in the server keyed by externalId, without ids and meta: what two runs
// must agree on. Members are given as the externalIds of the members.
inline json comparable_state(const json& state) {
  std::map<std::string, std::string> ext_of;
  for (const char* type : {"Users", "Groups"})
    for (const json& r : state[type]) ext_of[r["id"].get<std::string>()] = r.value("externalId", "?" + r["id"].get<std::string>());
  json out = json::object();
  for (const char* type : {"Users", "Groups"}) {
    json bucket = json::object();
    for (json r : state[type]) {
      std::string key = r.value("externalId", "");
      r.erase("id");
      r.erase("meta");
      if (r.contains("members")) {
        std::vector<std::string> m;
        for (const json& x : r["members"]) m.push_back(ext_of[x["value"].get<std::string>()]);
        std::sort(m.begin(), m.end());
        r["members"] = m;
      }
      if (r.contains("emails")) {
        std::vector<json> e(r["emails"].begin(), r["emails"].end());
        std::sort(e.begin(), e.end(), [](const json& a, const json& b) { return a.dump() < b.dump(); });
        r["emails"] = e;
      }
      bucket[key] = r;
    }
    out[type] = bucket;
  }
  return out;
}

}  // namespace idsync::scimtest
