// The "scim" connector: a SCIM 2.0 (RFC 7643 / 7644) service provider such as a cloud
// directory or a SaaS application, reached over HTTPS with libcurl.
//
// Options (ConnectorConfig::options):
//   base_url            e.g. https://scim.example.com/scim/v2 (required)
//   token_file          file holding the bearer token, or
//   token_env           environment variable holding it, or
//   username + password_file / password_env   HTTP basic authentication instead
//                       (the secret is never logged, stored in run history or put in an error;
//                       files must be mode 0600: read_secret() in idsync/secret.h)
//   tls_verify          "true" (default); "false" is refused unless insecure = "true"
//   insecure            "true" to accept an unverified certificate (test systems only)
//   ca_file             PEM bundle to verify the server with
//   connect_timeout_ms  default 10000;  timeout_ms  per request, default 60000
//   concurrency         parallel requests on kept-alive connections (default 8)
//   page_size           list page size for imports (default 200)
//   max_attempts        tries per request, default 6; retry_budget  retries per run, default 10000
//   backoff_initial_ms  default 100; backoff_max_ms  default 30000
//   export_batch        changes the engine hands over at once (default 1000), spread over
//                       `concurrency` connections
//   patch_chunk         values (e.g. group members) per PATCH request, default 100
//   bulk                "auto" (default): writes go in /Bulk requests when the server's
//                       ServiceProviderConfig supports it; "false": one request per change
//   resource_types      "Users,Groups" (default), or one of them
//   user_attribute_map / group_attribute_map
//                       "attr=path;attr2=path2" added to / replacing the defaults; "attr=" drops
//                       one. Paths: userName, name.givenName, emails[type eq "work"].value,
//                       urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department
//
// Objects: SCIM Users are object type "user", Groups "group". The anchor is the SCIM id (the
// server assigns it: ExportResult::new_anchor on create). The DN is "CN={<UTF-8 hex of
// externalId>}" (the Entra Connect cloud form, so sync rules can compute it before the object
// exists), or "CN=<id>" for objects without externalId. References (member, manager) are DNs.
// Watermark: the newest meta.lastModified seen. A delta import asks for
// `meta.lastModified gt <watermark - delta_overlap_ms>` (default 2000: a write that was in flight
// during the last import is not missed; objects seen twice are harmless) when the server
// supports filters, and reads everything otherwise. Deletions show only in a Full Import.
#pragma once

#include <memory>

#include "idsync/connector.h"

namespace idsync {

// Adds the "scim" connector type to `registry`.
void register_scim_connector(ConnectorRegistry& registry);

namespace scim {
// The factory behind the "scim" type; errors name the bad option.
Result<std::unique_ptr<Connector>> create_scim_connector(const ConnectorConfig& config);
}  // namespace scim

}  // namespace idsync
