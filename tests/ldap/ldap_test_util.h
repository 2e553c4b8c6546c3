// Helpers shared by the LDAP connector tests: a sink that keeps what an import delivered,
// connector construction, and an independent view of a directory through ldapsearch.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "idsync/connector.h"
#include "idsync/ldap/ldap_connector.h"
#include "ldap_servers.h"

namespace idsync::ldap::testing {

struct Collector : ImportSink {
  std::vector<EntryChange> changes;
  std::function<void(size_t)> after_each;  // called after every change (e.g. to kill a server)
  Status on_change(EntryChange&& c) override {
    changes.push_back(std::move(c));
    if (after_each) after_each(changes.size());
    return Status::Ok();
  }
  const EntryChange* find_dn(const std::string& dn) const;
  const EntryChange* find_anchor(const std::string& anchor) const;
  // "kind dn" lines, sorted, for exact comparison of a delta.
  std::vector<std::string> summary() const;
};

std::unique_ptr<Connector> make_connector(const std::string& type,
                                          std::map<std::string, std::string> options,
                                          ConnectorSchema schema = {});

// One entry as ldapsearch prints it (LDIF, base64 values decoded).
struct LdifEntry {
  std::string dn;
  std::map<std::string, std::vector<std::string>> attrs;  // lowercased names
  const std::vector<std::string>& values(const std::string& name) const;
};
// Runs `cli` (an ldapsearch command line) with "-o ldif-wrap=no -LLL" and parses its output.
std::vector<LdifEntry> ldapsearch(const std::string& cli);

std::string values_of(const EntryChange& c, const std::string& attr);  // joined with '|'
std::string base64_decode(const std::string& in);

}  // namespace idsync::ldap::testing
