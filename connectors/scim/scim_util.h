// Small text helpers of the SCIM connector: DN forms, filter quoting, error excerpts.
#pragma once

#include <string>

#include "http.h"

namespace idsync::scim {

std::string hex_upper(const std::string& bytes);
// "CN={<hex>}" → the externalId it encodes; false for any other DN form.
bool external_id_from_dn(const std::string& dn, std::string& external_id);
// A SCIM filter string literal: "a\"b".
std::string quote(const std::string& value);
// The server's own message: "detail" (and scimType) of a SCIM error, else the start of the body.
std::string server_detail(const HttpResponse& res);
// At most 120 characters of `text`, for error messages.
std::string excerpt(const std::string& text);
std::string base64(const std::string& bytes);
// An ISO 8601 UTC timestamp moved by `delta_ms`; the input when it cannot be read.
std::string shift_timestamp(const std::string& timestamp, long delta_ms);

}  // namespace idsync::scim
