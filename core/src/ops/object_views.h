// JSON views of connector space and metaverse objects for people and scripts: attribute
// names instead of ids, binary values in base64, pending changes spelled out.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "idsync/status.h"
#include "store/store.h"

namespace idsync {

// JSON text cannot carry invalid UTF-8, but directory values and DNs can: every JSON the
// server hands out shows such bytes as U+FFFD instead of throwing (which crashed `idsync cs
// show` and the run history writer). Binary attributes are base64 and unaffected.
inline constexpr auto kInvalidUtf8 = nlohmann::ordered_json::error_handler_t::replace;

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// These read the store directly through its indexes (never the whole server), so they answer
// quickly on any size of store, also while a run holds it.
Result<std::optional<std::string>> find_cs_object_json(Store& store, const std::string& connector,
                                                       const std::string& key);
Result<std::optional<std::string>> find_mv_object_json(Store& store, uint64_t id);
Result<std::string> list_cs_json(Store& store, const std::string& connector, bool pending_export_only,
                                 int64_t limit);
Result<std::string> list_mv_json(Store& store, const std::string& object_type, int64_t limit);

}  // namespace idsync
