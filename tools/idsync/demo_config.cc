#include "demo_config.h"

#include <nlohmann/json.hpp>

namespace idsync::cli {

namespace {

// Written as a configuration file an administrator could write by hand; ${DIR}, ${DOMAIN},
// ${DOMAIN_DN} and ${NETBIOS} are filled in by demo_configuration_json().
constexpr const char* kDemoConfiguration = R"JSON({
  "idsyncConfiguration": 1,
  "metaverse": {
    "attributes": [
      {"name": "sourceAnchor", "type": "string"},
      {"name": "sourceAnchorBinary", "type": "binary"},
      {"name": "cloudSourceAnchor", "type": "string"},
      {"name": "cloudFiltered", "type": "boolean"},
      {"name": "accountEnabled", "type": "boolean"},
      {"name": "userPrincipalName", "type": "string"},
      {"name": "accountName", "type": "string"},
      {"name": "displayName", "type": "string"},
      {"name": "givenName", "type": "string"},
      {"name": "sn", "type": "string"},
      {"name": "cn", "type": "string"},
      {"name": "mail", "type": "string"},
      {"name": "mailNickname", "type": "string"},
      {"name": "proxyAddresses", "type": "string", "multiValued": true},
      {"name": "department", "type": "string"},
      {"name": "title", "type": "string"},
      {"name": "company", "type": "string"},
      {"name": "telephoneNumber", "type": "string"},
      {"name": "mobile", "type": "string"},
      {"name": "physicalDeliveryOfficeName", "type": "string"},
      {"name": "l", "type": "string"},
      {"name": "st", "type": "string"},
      {"name": "c", "type": "string"},
      {"name": "employeeID", "type": "string"},
      {"name": "manager", "type": "reference"},
      {"name": "member", "type": "reference", "multiValued": true},
      {"name": "securityEnabled", "type": "boolean"},
      {"name": "targetAddress", "type": "string"},
      {"name": "onPremisesSamAccountName", "type": "string"},
      {"name": "sourceObjectType", "type": "string"}
    ],
    "objectTypes": [
      {"name": "person", "attributes": []},
      {"name": "group", "attributes": []},
      {"name": "contact", "attributes": []}
    ]
  },
  "connectors": [
    {
      "name": "${DOMAIN}",
      "id": "{3f2a8c1e-0d7b-4e59-9a61-2c44d6a1b001}",
      "type": "ldif",
      "role": "on-premises",
      "options": {
        "path": "${DIR}/onprem/forest.ldif",
        "delta_dir": "${DIR}/onprem/changes",
        "anchor": "objectGUID"
      },
      "parameters": {
        "Domain.FQDN": "${DOMAIN}",
        "Domain.Netbios": "${NETBIOS}",
        "Domain.LDAP": "${DOMAIN_DN}",
        "Forest.FQDN": "${DOMAIN}",
        "Forest.Netbios": "${NETBIOS}",
        "Forest.LDAP": "${DOMAIN_DN}"
      },
      "schema": {
        "attributes": [
          {"name": "objectGUID", "type": "binary"},
          {"name": "objectSid", "type": "binary"},
          {"name": "mS-DS-ConsistencyGuid", "type": "binary"},
          {"name": "objectClass", "type": "string", "multiValued": true},
          {"name": "userAccountControl", "type": "integer"},
          {"name": "groupType", "type": "integer"},
          {"name": "isCriticalSystemObject", "type": "boolean"},
          {"name": "proxyAddresses", "type": "string", "multiValued": true},
          {"name": "member", "type": "reference", "multiValued": true},
          {"name": "manager", "type": "reference"},
          {"name": "sAMAccountName", "type": "string"},
          {"name": "userPrincipalName", "type": "string"},
          {"name": "mailNickname", "type": "string"},
          {"name": "adminDescription", "type": "string"},
          {"name": "cn", "type": "string"},
          {"name": "name", "type": "string"},
          {"name": "displayName", "type": "string"},
          {"name": "givenName", "type": "string"},
          {"name": "sn", "type": "string"},
          {"name": "mail", "type": "string"},
          {"name": "department", "type": "string"},
          {"name": "title", "type": "string"},
          {"name": "company", "type": "string"},
          {"name": "telephoneNumber", "type": "string"},
          {"name": "mobile", "type": "string"},
          {"name": "physicalDeliveryOfficeName", "type": "string"},
          {"name": "streetAddress", "type": "string"},
          {"name": "l", "type": "string"},
          {"name": "st", "type": "string"},
          {"name": "postalCode", "type": "string"},
          {"name": "c", "type": "string"},
          {"name": "co", "type": "string"},
          {"name": "employeeID", "type": "string"},
          {"name": "description", "type": "string"},
          {"name": "targetAddress", "type": "string"},
          {"name": "pwdLastSet", "type": "string"},
          {"name": "whenCreated", "type": "string"},
          {"name": "ou", "type": "string"}
        ],
        "objectTypes": [
          {"name": "user", "attributes": []},
          {"name": "group", "attributes": []},
          {"name": "contact", "attributes": []},
          {"name": "organizationalUnit", "attributes": []}
        ]
      }
    },
    {
      "name": "cloud",
      "id": "{3f2a8c1e-0d7b-4e59-9a61-2c44d6a1b002}",
      "type": "ldif",
      "role": "cloud",
      "options": {
        "path": "${DIR}/cloud/directory.ldif",
        "delta_dir": "${DIR}/cloud/changes",
        "anchor": "cloudAnchor",
        "assign_anchor": "true"
      },
      "schema": {
        "attributes": [
          {"name": "cloudAnchor", "type": "binary"},
          {"name": "objectClass", "type": "string", "multiValued": true},
          {"name": "sourceAnchor", "type": "string"},
          {"name": "userPrincipalName", "type": "string"},
          {"name": "accountEnabled", "type": "boolean"},
          {"name": "displayName", "type": "string"},
          {"name": "givenName", "type": "string"},
          {"name": "surname", "type": "string"},
          {"name": "commonName", "type": "string"},
          {"name": "mail", "type": "string"},
          {"name": "mailNickname", "type": "string"},
          {"name": "proxyAddresses", "type": "string", "multiValued": true},
          {"name": "department", "type": "string"},
          {"name": "jobTitle", "type": "string"},
          {"name": "companyName", "type": "string"},
          {"name": "telephoneNumber", "type": "string"},
          {"name": "mobile", "type": "string"},
          {"name": "physicalDeliveryOfficeName", "type": "string"},
          {"name": "city", "type": "string"},
          {"name": "state", "type": "string"},
          {"name": "country", "type": "string"},
          {"name": "employeeId", "type": "string"},
          {"name": "manager", "type": "reference"},
          {"name": "member", "type": "reference", "multiValued": true},
          {"name": "securityEnabled", "type": "boolean"},
          {"name": "targetAddress", "type": "string"},
          {"name": "onPremisesSamAccountName", "type": "string"}
        ],
        "objectTypes": [
          {"name": "user", "attributes": []},
          {"name": "group", "attributes": []},
          {"name": "contact", "attributes": []}
        ]
      }
    }
  ],
  "syncRules": [
    {
      "id": "{b1a7e9d2-0001-4c1e-9d3a-000000000101}",
      "name": "In from AD - User Join",
      "direction": "Inbound", "connector": "${DOMAIN}",
      "sourceObjectType": "user", "targetObjectType": "person",
      "linkType": "Provision", "precedence": 101,
      "scope": [[
        {"attribute": "isCriticalSystemObject", "operator": "NOTEQUAL", "value": "TRUE"},
        {"attribute": "adminDescription", "operator": "NOTSTARTSWITH", "value": "User_"}
      ]],
      "joins": [[{"csAttribute": "objectGUID", "mvAttribute": "sourceAnchorBinary", "caseSensitive": true}]],
      "flows": [
        {"type": "Expression", "destination": "sourceAnchorBinary", "sources": ["mS-DS-ConsistencyGuid", "objectGUID"],
         "expression": "IIF(IsPresent([mS-DS-ConsistencyGuid]),[mS-DS-ConsistencyGuid],[objectGUID])"},
        {"type": "Expression", "destination": "sourceAnchor", "sources": ["mS-DS-ConsistencyGuid", "objectGUID"],
         "expression": "IIF(IsPresent([mS-DS-ConsistencyGuid]),ConvertToBase64([mS-DS-ConsistencyGuid]),ConvertToBase64([objectGUID]))"},
        {"type": "Expression", "destination": "cloudFiltered", "sources": ["sAMAccountName", "mailNickname", "isCriticalSystemObject"],
         "expression": "IIF(IsPresent([isCriticalSystemObject]) || IsPresent([sAMAccountName]) = False || [sAMAccountName] = \"SUPPORT_388945a0\" || Left([mailNickname], 14) = \"SystemMailbox{\" || Left([sAMAccountName], 14) = \"SYSTEMMAILBOX{\" || Left([sAMAccountName], 4) = \"AAD_\" || (Left([sAMAccountName], 4) = \"CAS_\" && (InStr([sAMAccountName], \"}\") > 0)) || Left([sAMAccountName], 5) = \"MSOL_\" || [sAMAccountName] = \"krbtgt\", True, NULL)"},
        {"type": "Constant", "destination": "sourceObjectType", "value": "User"}
      ]
    },
    {
      "id": "{b1a7e9d2-0001-4c1e-9d3a-000000000102}",
      "name": "In from AD - User Common",
      "direction": "Inbound", "connector": "${DOMAIN}",
      "sourceObjectType": "user", "targetObjectType": "person",
      "linkType": "Join", "precedence": 102,
      "flows": [
        {"type": "Expression", "destination": "userPrincipalName", "sources": ["userPrincipalName", "sAMAccountName"],
         "expression": "IIF(IsPresent([userPrincipalName]),[userPrincipalName], IIF(IsPresent([sAMAccountName]),([sAMAccountName]&\"@\"&%Domain.FQDN%),Error(\"AccountName is not present\")))"},
        {"type": "Expression", "destination": "accountEnabled", "sources": ["userAccountControl"],
         "expression": "IIF(BitAnd([userAccountControl],2)=0,True,False)"},
        {"type": "Expression", "destination": "displayName", "sources": ["displayName", "cn"],
         "expression": "IIF(IsNullOrEmpty([displayName]),[cn],[displayName])"},
        {"type": "Direct", "destination": "givenName", "sources": ["givenName"]},
        {"type": "Direct", "destination": "sn", "sources": ["sn"]},
        {"type": "Direct", "destination": "cn", "sources": ["cn"]},
        {"type": "Expression", "destination": "mail", "sources": ["mail"], "expression": "Trim([mail])"},
        {"type": "Expression", "destination": "mailNickname", "sources": ["mailNickname", "sAMAccountName"],
         "expression": "IIF(IsPresent([mailNickname]),[mailNickname],[sAMAccountName])"},
        {"type": "Expression", "destination": "proxyAddresses", "sources": ["proxyAddresses"],
         "expression": "RemoveDuplicates(Trim(ImportedValue(\"proxyAddresses\")))"},
        {"type": "Direct", "destination": "department", "sources": ["department"]},
        {"type": "Direct", "destination": "title", "sources": ["title"]},
        {"type": "Direct", "destination": "company", "sources": ["company"]},
        {"type": "Direct", "destination": "telephoneNumber", "sources": ["telephoneNumber"]},
        {"type": "Direct", "destination": "mobile", "sources": ["mobile"]},
        {"type": "Direct", "destination": "physicalDeliveryOfficeName", "sources": ["physicalDeliveryOfficeName"]},
        {"type": "Direct", "destination": "l", "sources": ["l"]},
        {"type": "Direct", "destination": "st", "sources": ["st"]},
        {"type": "Direct", "destination": "c", "sources": ["c"]},
        {"type": "Direct", "destination": "employeeID", "sources": ["employeeID"]},
        {"type": "Direct", "destination": "manager", "sources": ["manager"]},
        {"type": "Direct", "destination": "onPremisesSamAccountName", "sources": ["sAMAccountName"]}
      ]
    },
    {
      "id": "{b1a7e9d2-0001-4c1e-9d3a-000000000103}",
      "name": "In from AD - Group Join",
      "direction": "Inbound", "connector": "${DOMAIN}",
      "sourceObjectType": "group", "targetObjectType": "group",
      "linkType": "Provision", "precedence": 103,
      "scope": [[{"attribute": "isCriticalSystemObject", "operator": "NOTEQUAL", "value": "TRUE"}]],
      "joins": [[{"csAttribute": "objectGUID", "mvAttribute": "sourceAnchorBinary", "caseSensitive": true}]],
      "flows": [
        {"type": "Direct", "destination": "sourceAnchorBinary", "sources": ["objectGUID"]},
        {"type": "Expression", "destination": "sourceAnchor", "sources": ["objectGUID"], "expression": "ConvertToBase64([objectGUID])"},
        {"type": "Direct", "destination": "displayName", "sources": ["cn"]},
        {"type": "Direct", "destination": "cn", "sources": ["cn"]},
        {"type": "Direct", "destination": "mail", "sources": ["mail"]},
        {"type": "Direct", "destination": "proxyAddresses", "sources": ["proxyAddresses"]},
        {"type": "Direct", "destination": "member", "sources": ["member"]},
        {"type": "Expression", "destination": "securityEnabled", "sources": ["groupType"],
         "expression": "IIF(BitAnd([groupType],&H80000000)=&H80000000,True,False)"},
        {"type": "Direct", "destination": "onPremisesSamAccountName", "sources": ["sAMAccountName"]},
        {"type": "Constant", "destination": "sourceObjectType", "value": "Group"}
      ]
    },
    {
      "id": "{b1a7e9d2-0001-4c1e-9d3a-000000000104}",
      "name": "In from AD - Contact Join",
      "direction": "Inbound", "connector": "${DOMAIN}",
      "sourceObjectType": "contact", "targetObjectType": "contact",
      "linkType": "Provision", "precedence": 104,
      "joins": [[{"csAttribute": "objectGUID", "mvAttribute": "sourceAnchorBinary", "caseSensitive": true}]],
      "flows": [
        {"type": "Direct", "destination": "sourceAnchorBinary", "sources": ["objectGUID"]},
        {"type": "Expression", "destination": "sourceAnchor", "sources": ["objectGUID"], "expression": "ConvertToBase64([objectGUID])"},
        {"type": "Expression", "destination": "displayName", "sources": ["displayName", "cn"],
         "expression": "IIF(IsNullOrEmpty([displayName]),[cn],[displayName])"},
        {"type": "Direct", "destination": "cn", "sources": ["cn"]},
        {"type": "Direct", "destination": "givenName", "sources": ["givenName"]},
        {"type": "Direct", "destination": "sn", "sources": ["sn"]},
        {"type": "Direct", "destination": "mail", "sources": ["mail"]},
        {"type": "Direct", "destination": "proxyAddresses", "sources": ["proxyAddresses"]},
        {"type": "Direct", "destination": "targetAddress", "sources": ["targetAddress"]},
        {"type": "Constant", "destination": "sourceObjectType", "value": "Contact"}
      ]
    },
    {
      "id": "{b1a7e9d2-0001-4c1e-9d3a-000000000201}",
      "name": "In from AAD - User Join",
      "direction": "Inbound", "connector": "cloud",
      "sourceObjectType": "user", "targetObjectType": "person",
      "linkType": "Join", "precedence": 110,
      "joins": [[{"csAttribute": "sourceAnchor", "mvAttribute": "sourceAnchor", "caseSensitive": true}]],
      "flows": [{"type": "Direct", "destination": "cloudSourceAnchor", "sources": ["sourceAnchor"]}]
    },
    {
      "id": "{b1a7e9d2-0001-4c1e-9d3a-000000000202}",
      "name": "In from AAD - Group Join",
      "direction": "Inbound", "connector": "cloud",
      "sourceObjectType": "group", "targetObjectType": "group",
      "linkType": "Join", "precedence": 111,
      "joins": [[{"csAttribute": "sourceAnchor", "mvAttribute": "sourceAnchor", "caseSensitive": true}]],
      "flows": [{"type": "Direct", "destination": "cloudSourceAnchor", "sources": ["sourceAnchor"]}]
    },
    {
      "id": "{b1a7e9d2-0001-4c1e-9d3a-000000000203}",
      "name": "In from AAD - Contact Join",
      "direction": "Inbound", "connector": "cloud",
      "sourceObjectType": "contact", "targetObjectType": "contact",
      "linkType": "Join", "precedence": 112,
      "joins": [[{"csAttribute": "sourceAnchor", "mvAttribute": "sourceAnchor", "caseSensitive": true}]],
      "flows": [{"type": "Direct", "destination": "cloudSourceAnchor", "sources": ["sourceAnchor"]}]
    },
    {
      "id": "{b1a7e9d2-0001-4c1e-9d3a-000000000301}",
      "name": "Out to AAD - User Join",
      "direction": "Outbound", "connector": "cloud",
      "sourceObjectType": "person", "targetObjectType": "user",
      "linkType": "Provision", "precedence": 120,
      "scope": [[
        {"attribute": "cloudFiltered", "operator": "NOTEQUAL", "value": "True"},
        {"attribute": "sourceAnchor", "operator": "ISNOTNULL", "value": ""}
      ]],
      "joins": [[{"csAttribute": "sourceAnchor", "mvAttribute": "sourceAnchor", "caseSensitive": true}]],
      "flows": [
        {"type": "Expression", "destination": "dn", "sources": ["sourceAnchor"],
         "expression": "\"CN={\" & ConvertToUTF8Hex([sourceAnchor]) & \"}\""},
        {"type": "Expression", "destination": "sourceAnchor", "sources": ["cloudSourceAnchor", "sourceAnchor"],
         "expression": "IIF(IsPresent([cloudSourceAnchor]),IIF([cloudSourceAnchor] = [sourceAnchor],[sourceAnchor],Error(\"SourceAnchor attribute has changed.\")),[sourceAnchor])"},
        {"type": "Direct", "destination": "userPrincipalName", "sources": ["userPrincipalName"]},
        {"type": "Direct", "destination": "accountEnabled", "sources": ["accountEnabled"]},
        {"type": "Direct", "destination": "displayName", "sources": ["displayName"]},
        {"type": "Direct", "destination": "givenName", "sources": ["givenName"]},
        {"type": "Direct", "destination": "surname", "sources": ["sn"]},
        {"type": "Direct", "destination": "commonName", "sources": ["cn"]},
        {"type": "Direct", "destination": "mail", "sources": ["mail"]},
        {"type": "Direct", "destination": "mailNickname", "sources": ["mailNickname"]},
        {"type": "Direct", "destination": "proxyAddresses", "sources": ["proxyAddresses"]},
        {"type": "Direct", "destination": "department", "sources": ["department"]},
        {"type": "Direct", "destination": "jobTitle", "sources": ["title"]},
        {"type": "Direct", "destination": "companyName", "sources": ["company"]},
        {"type": "Direct", "destination": "telephoneNumber", "sources": ["telephoneNumber"]},
        {"type": "Direct", "destination": "mobile", "sources": ["mobile"]},
        {"type": "Direct", "destination": "physicalDeliveryOfficeName", "sources": ["physicalDeliveryOfficeName"]},
        {"type": "Direct", "destination": "city", "sources": ["l"]},
        {"type": "Direct", "destination": "state", "sources": ["st"]},
        {"type": "Direct", "destination": "country", "sources": ["c"]},
        {"type": "Direct", "destination": "employeeId", "sources": ["employeeID"]},
        {"type": "Direct", "destination": "manager", "sources": ["manager"]},
        {"type": "Direct", "destination": "onPremisesSamAccountName", "sources": ["onPremisesSamAccountName"]}
      ]
    },
    {
      "id": "{b1a7e9d2-0001-4c1e-9d3a-000000000302}",
      "name": "Out to AAD - Group Join",
      "direction": "Outbound", "connector": "cloud",
      "sourceObjectType": "group", "targetObjectType": "group",
      "linkType": "Provision", "precedence": 121,
      "scope": [[
        {"attribute": "cloudFiltered", "operator": "NOTEQUAL", "value": "True"},
        {"attribute": "sourceAnchor", "operator": "ISNOTNULL", "value": ""}
      ]],
      "joins": [[{"csAttribute": "sourceAnchor", "mvAttribute": "sourceAnchor", "caseSensitive": true}]],
      "flows": [
        {"type": "Expression", "destination": "dn", "sources": ["sourceAnchor"],
         "expression": "\"CN={\" & ConvertToUTF8Hex([sourceAnchor]) & \"}\""},
        {"type": "Direct", "destination": "sourceAnchor", "sources": ["sourceAnchor"]},
        {"type": "Direct", "destination": "displayName", "sources": ["displayName"]},
        {"type": "Direct", "destination": "commonName", "sources": ["cn"]},
        {"type": "Direct", "destination": "mail", "sources": ["mail"]},
        {"type": "Direct", "destination": "proxyAddresses", "sources": ["proxyAddresses"]},
        {"type": "Direct", "destination": "member", "sources": ["member"]},
        {"type": "Direct", "destination": "securityEnabled", "sources": ["securityEnabled"]},
        {"type": "Direct", "destination": "onPremisesSamAccountName", "sources": ["onPremisesSamAccountName"]}
      ]
    },
    {
      "id": "{b1a7e9d2-0001-4c1e-9d3a-000000000303}",
      "name": "Out to AAD - Contact Join",
      "direction": "Outbound", "connector": "cloud",
      "sourceObjectType": "contact", "targetObjectType": "contact",
      "linkType": "Provision", "precedence": 122,
      "scope": [[{"attribute": "sourceAnchor", "operator": "ISNOTNULL", "value": ""}]],
      "joins": [[{"csAttribute": "sourceAnchor", "mvAttribute": "sourceAnchor", "caseSensitive": true}]],
      "flows": [
        {"type": "Expression", "destination": "dn", "sources": ["sourceAnchor"],
         "expression": "\"CN={\" & ConvertToUTF8Hex([sourceAnchor]) & \"}\""},
        {"type": "Direct", "destination": "sourceAnchor", "sources": ["sourceAnchor"]},
        {"type": "Direct", "destination": "displayName", "sources": ["displayName"]},
        {"type": "Direct", "destination": "commonName", "sources": ["cn"]},
        {"type": "Direct", "destination": "givenName", "sources": ["givenName"]},
        {"type": "Direct", "destination": "surname", "sources": ["sn"]},
        {"type": "Direct", "destination": "mail", "sources": ["mail"]},
        {"type": "Direct", "destination": "proxyAddresses", "sources": ["proxyAddresses"]},
        {"type": "Direct", "destination": "targetAddress", "sources": ["targetAddress"]}
      ]
    }
  ],
  "globalParameters": {}
})JSON";

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) s.replace(pos, from.size(), to);
}

}  // namespace

std::string demo_configuration_json(const std::string& dir, const std::string& domain) {
  std::string domain_dn, netbios;
  size_t start = 0;
  while (start <= domain.size()) {
    size_t dot = domain.find('.', start);
    if (dot == std::string::npos) dot = domain.size();
    std::string label = domain.substr(start, dot - start);
    domain_dn += (domain_dn.empty() ? "DC=" : ",DC=") + label;
    if (netbios.empty()) {
      for (char ch : label) netbios.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
    }
    start = dot + 1;
  }
  std::string text = kDemoConfiguration;
  // Paths and names go into JSON strings: escape them as JSON does.
  std::string dir_json = nlohmann::json(dir).dump();
  replace_all(text, "${DIR}", dir_json.substr(1, dir_json.size() - 2));
  replace_all(text, "${DOMAIN_DN}", domain_dn);
  replace_all(text, "${DOMAIN}", domain);
  replace_all(text, "${NETBIOS}", netbios);
  return text;
}

}  // namespace idsync::cli
