#include "ldap_test_util.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "idsync/value_types.h"

namespace idsync::ldap::testing {

const EntryChange* Collector::find_dn(const std::string& dn) const {
  for (const EntryChange& c : changes)
    if (iequals(c.dn, dn) || iequals(c.new_dn, dn)) return &c;
  return nullptr;
}

const EntryChange* Collector::find_anchor(const std::string& anchor) const {
  for (const EntryChange& c : changes)
    if (c.anchor == anchor) return &c;
  return nullptr;
}

std::vector<std::string> Collector::summary() const {
  std::vector<std::string> out;
  for (const EntryChange& c : changes)
    out.push_back(std::string(change_kind_name(c.kind)) + " " +
                  to_lower_ascii(c.kind == ChangeKind::kRename ? c.new_dn : c.dn));
  std::sort(out.begin(), out.end());
  return out;
}

std::unique_ptr<Connector> make_connector(const std::string& type,
                                          std::map<std::string, std::string> options,
                                          ConnectorSchema schema) {
  ConnectorRegistry registry;
  register_ldap_connectors(registry);
  ConnectorConfig config;
  config.name = "test-" + type;
  config.type = type;
  config.options = std::move(options);
  config.schema = std::move(schema);
  auto c = registry.create(config);
  if (!c.ok()) throw std::runtime_error("creating connector: " + c.status().to_string());
  return std::move(c).value();
}

std::string base64_decode(const std::string& in) {
  static const std::string k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (char c : in) {
    size_t p = k.find(c);
    if (p == std::string::npos) continue;
    v = (v << 6) | static_cast<unsigned>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xFF);
    }
  }
  return out;
}

const std::vector<std::string>& LdifEntry::values(const std::string& name) const {
  static const std::vector<std::string> kNone;
  auto it = attrs.find(to_lower_ascii(name));
  return it == attrs.end() ? kNone : it->second;
}

std::vector<LdifEntry> ldapsearch(const std::string& cli) {
  std::string out;
  int rc = run_command(cli + " -o ldif-wrap=no -LLL", &out);
  if (rc != 0 && rc != 4) throw std::runtime_error("ldapsearch failed (" + std::to_string(rc) + "): " + out);
  std::vector<LdifEntry> entries;
  std::istringstream in(out);
  LdifEntry cur;
  auto flush = [&] {
    if (!cur.dn.empty()) entries.push_back(std::move(cur));
    cur = LdifEntry{};
  };
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (line[0] == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::string value;
    if (colon + 1 < line.size() && line[colon + 1] == ':') {
      value = base64_decode(line.substr(colon + 2));
    } else {
      value = line.substr(std::min(line.size(), colon + 2));
    }
    if (iequals(name, "dn")) {
      cur.dn = value;
    } else {
      cur.attrs[to_lower_ascii(name)].push_back(value);
    }
  }
  flush();
  return entries;
}

std::string values_of(const EntryChange& c, const std::string& attr) {
  std::string out;
  for (const Attribute& a : c.attributes)
    if (iequals(a.name, attr))
      for (const std::string& v : a.values) out += (out.empty() ? "" : "|") + v;
  return out;
}

}  // namespace idsync::ldap::testing
