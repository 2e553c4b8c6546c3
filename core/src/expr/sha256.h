// SHA-256 (FIPS 180-4) of a byte string, returning the 32 raw digest bytes. Used by
// Thumbprint(), which the default device rules apply to key material.
#pragma once

#include <string>
#include <string_view>

namespace idsync::expr {

std::string sha256(std::string_view data);

}  // namespace idsync::expr
