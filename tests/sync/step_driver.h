// StepDriver: one scenario server driven step by step over its loaded SyncState, as a run
// profile would (import, sync, export, save), for the tests that look inside the state
// between steps. Call open() once the scenario is applied; reload() reads the state again
// from the store.
#pragma once

#include <memory>
#include <string>

#include "scenario.h"
#include "store/store.h"
#include "sync/state_memory.h"
#include "sync/steps.h"

namespace idsync::scenario {

class StepDriver {
 public:
  // Opens the scenario's store and loads the state.
  void open() {
    auto store = Store::open(s_.store_path(), OpenMode::kMustExist);
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    store_ = std::move(store).value();
    reload();
  }
  void reload() {
    state_.reset();
    auto state = SyncState::load(*store_);
    ASSERT_TRUE(state.ok()) << state.status().to_string();
    state_ = std::move(state).value();
  }
  std::unique_ptr<Connector> connector(const std::string& name) {
    const ConnectorDefinition& def = state_->space(name)->def;
    auto c = s_.registry().create(ConnectorConfig{def.name, def.type, def.options, def.schema});
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    return c.ok() ? std::move(c).value() : nullptr;
  }
  // An import whose per-object errors the caller looks at (the step itself must succeed).
  StepResult import_with_errors(const std::string& name, bool delta) {
    auto c = connector(name);
    StepResult step;
    if (c == nullptr) return step;
    std::string watermark;
    Status st = run_import(*state_, *state_->space(name), *c, delta, watermark, step, {});
    EXPECT_TRUE(st.ok()) << st.to_string();
    return step;
  }
  void import(const std::string& name, bool delta) {
    StepResult step = import_with_errors(name, delta);
    ASSERT_EQ(step.error_count, 0u) << name;
  }
  StepResult sync(const std::string& name, bool delta = false) {
    StepResult step;
    EXPECT_TRUE(run_sync(*state_, *state_->space(name), delta, step, {}).ok());
    EXPECT_EQ(step.error_count, 0u) << name;
    return step;
  }
  Status export_with(const std::string& name, const ExportLimits& limits, StepResult& step) {
    auto c = connector(name);
    if (c == nullptr) return Status::Error(ErrorCode::kInternal, "no connector " + name);
    return run_export(*state_, *state_->space(name), *c, limits, step, {});
  }
  void export_to(const std::string& name, const ExportLimits& limits = {}) {
    StepResult step;
    const Status s = export_with(name, limits, step);
    ASSERT_TRUE(s.ok()) << s.to_string();
    ASSERT_EQ(step.error_count, 0u) << name;
  }
  void save() { ASSERT_TRUE(state_->save(*store_).ok()); }
  // One row of the heap walk of the state (sync/state_memory.h).
  MemoryRow row(const std::string& name) {
    StateMemory m = measure_state_memory(*state_);
    const MemoryRow* r = m.find(name);
    EXPECT_NE(r, nullptr) << name << "\n" << m.table();
    return r ? *r : MemoryRow{};
  }

  Scenario s_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SyncState> state_;
};

}  // namespace idsync::scenario
