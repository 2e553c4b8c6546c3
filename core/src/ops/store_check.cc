// Server::check_store: SQLite's integrity check, then the store consistency check.
#include "ops/server_impl.h"
#include "store/consistency.h"

namespace idsync {

Status Server::check_store(std::string* summary) {
  Store& store = *impl_->store;
  IDSYNC_RETURN_IF_ERROR(store.check_integrity());
  auto report = check_store_consistency(store);
  if (!report.ok()) return report.status();
  IDSYNC_RETURN_IF_ERROR(consistency_status(*report));
  if (summary != nullptr)
    *summary = std::to_string(report->cs_objects) + " connector space objects, " + std::to_string(report->mv_objects) +
               " metaverse objects, " + std::to_string(report->links) + " links, " +
               std::to_string(report->pending_exports) + " pending exports";
  return Status::Ok();
}

}  // namespace idsync
