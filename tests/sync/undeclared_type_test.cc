// An attribute the configured connector schema does not declare takes the type the connector
// itself gives it (Connector::attribute_types), so binary values such as objectSid keep their
// bytes and show as binary; where the configured schema declares an attribute, it still wins.
#include "scenario.h"
#include "store/store.h"
#include "sync/steps.h"
#include "sync/sync_state.h"

namespace idsync::scenario {
namespace {

// objectSid of S-1-5-21-1-2-3-1105: not text, with a zero and bytes above 0x7F.
const std::string kSid("\x01\x05\x00\x00\x00\x00\x00\x05\x15\x00\x00\x00\x01\x00\x00\x00"
                       "\x02\x00\x00\x00\x03\x00\x00\x00\x51\x04\x00\x00\xff\xfe",
                       30);

// A directory that declares objectSid binary (and, against the configured schema, title).
class TypedDirectory final : public Connector {
 public:
  explicit TypedDirectory(bool types_fail = false) : types_fail_(types_fail) {}
  ConnectorCapabilities capabilities() const override { return {}; }
  Result<ConnectorSchema> discover_schema() override { return attribute_types(); }
  Result<ConnectorSchema> attribute_types() override {
    if (types_fail_) return Status::Error(ErrorCode::kConnectorError, "subschema entry not readable");
    ConnectorSchema s;
    s.attributes = {SchemaAttribute{"objectSid", AttrType::kBinary, false},
                    SchemaAttribute{"title", AttrType::kBinary, false}};
    return s;
  }
  Status full_import(ImportSink& sink, std::string& watermark) override {
    EntryChange c;
    c.kind = ChangeKind::kAdd;
    c.dn = "CN=Ann Lee,OU=People,DC=hr";
    c.object_type = "user";
    c.anchor = "u1";
    c.attributes = {Attribute{"uid", {"u1"}}, Attribute{"cn", {"Ann Lee"}}, Attribute{"title", {"Clerk"}},
                    Attribute{"objectSid", {kSid}}, Attribute{"info", {"plain"}}};
    IDSYNC_RETURN_IF_ERROR(sink.on_change(std::move(c)));
    watermark = "1";
    return Status::Ok();
  }
  Status delta_import(ImportSink&, std::string&) override { return Status::Error(ErrorCode::kUnsupported, "no delta"); }
  Status begin_export() override { return Status::Error(ErrorCode::kUnsupported, "no export"); }
  ExportResult export_change(const EntryChange&) override { return {}; }
  Status end_export() override { return Status::Ok(); }

 private:
  bool types_fail_;
};

class UndeclaredTypeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    standard_setup(s_, /*with_target=*/false);
    ASSERT_TRUE(s_.apply().ok());
    auto store = Store::open(s_.store_path(), OpenMode::kMustExist);
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    store_ = std::move(store).value();
    auto state = SyncState::load(*store_);
    ASSERT_TRUE(state.ok()) << state.status().to_string();
    state_ = std::move(state).value();
    ASSERT_NE(state_->space("hr"), nullptr);
    ASSERT_EQ(state_->space("hr")->def.schema.find_attribute("objectSid"), nullptr) << "the test needs it undeclared";
  }

  Status import(Connector& c) {
    std::string watermark;
    step_.step_type = "Full Import";
    return run_import(*state_, *state_->space("hr"), c, /*delta=*/false, watermark, step_, {});
  }

  Scenario s_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SyncState> state_;
  StepResult step_;
};

TEST_F(UndeclaredTypeTest, AnUndeclaredBinaryAttributeKeepsItsBytesAcrossTheStore) {
  TypedDirectory directory;
  ASSERT_TRUE(import(directory).ok());
  ASSERT_TRUE(state_->save(*store_).ok());

  auto fresh = SyncState::load(*store_);
  ASSERT_TRUE(fresh.ok()) << fresh.status().to_string();
  ConnectorSpace* space = (*fresh)->space("hr");
  ASSERT_NE(space, nullptr);
  CsObject* ann = space->find_by_dn("CN=Ann Lee,OU=People,DC=hr");
  ASSERT_NE(ann, nullptr);
  AttributeTable& attrs = (*fresh)->attrs();
  auto sid = attrs.find(space->id, "objectSid");
  ASSERT_TRUE(sid.has_value());
  EXPECT_EQ(attrs.info(*sid).type, AttrType::kBinary);
  const ValuesView sid_values = ann->import_state.plain().get(*sid);
  ASSERT_EQ(sid_values.size(), 1u);
  EXPECT_EQ(sid_values[0], kSid);

  // Undeclared by both: a string, as before.
  auto info = attrs.find(space->id, "info");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(attrs.info(*info).type, AttrType::kString);
}

TEST_F(UndeclaredTypeTest, TheConfiguredSchemaWinsOverTheConnectorsType) {
  const SchemaAttribute* configured = state_->space("hr")->def.schema.find_attribute("title");
  ASSERT_NE(configured, nullptr);
  ASSERT_EQ(configured->type, AttrType::kString);
  TypedDirectory directory;
  ASSERT_TRUE(import(directory).ok());
  auto title = state_->attrs().find(state_->space("hr")->id, "title");
  ASSERT_TRUE(title.has_value());
  EXPECT_EQ(state_->attrs().info(*title).type, AttrType::kString);
}

TEST_F(UndeclaredTypeTest, UnreadableAttributeTypesFailTheImportNamingTheConnector) {
  TypedDirectory directory(/*types_fail=*/true);
  Status s = import(directory);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("hr"), std::string::npos) << s.to_string();
  EXPECT_NE(s.message().find("attribute types"), std::string::npos) << s.to_string();
  // Nothing staged, and objectSid not interned as a string that a later import could not fix.
  EXPECT_EQ(state_->space("hr")->find_by_dn("CN=Ann Lee,OU=People,DC=hr"), nullptr);
  EXPECT_FALSE(state_->attrs().find(state_->space("hr")->id, "objectSid").has_value());
}

}  // namespace
}  // namespace idsync::scenario
