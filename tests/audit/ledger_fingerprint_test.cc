// Content fingerprints in the ledger: recorded with their asset or backfilled later, each as a log
// entry of its own; append-only, checked by verify-log, and absent (not an error) in ledgers whose
// schema predates them, which a writer migrates.
#define BOOST_TEST_MODULE audit_ledger_fingerprint
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <vector>

#include "audit/ledger/log_verifier.h"
#include "audit/ledger/receipt.h"
#include "tests/audit/ledger_test_util.h"

using namespace hallmark;
using namespace hallmark::audit;
using namespace hallmark::audit::testing;

namespace {

std::unique_ptr<LedgerStore> Open(const TempHome& home) {
  auto s = OpenLedger(Options(home));
  BOOST_TEST_REQUIRE(s.ok(), s.status().ToString());
  return std::move(*s);
}

std::unique_ptr<LedgerStore> OpenReadOnly(const TempHome& home) {
  LedgerOptions o = Options(home);
  o.read_only = true;
  auto s = OpenLedger(o);
  BOOST_TEST_REQUIRE(s.ok(), s.status().ToString());
  return std::move(*s);
}

std::string AllProblems(const LogVerification& v) {
  std::string s;
  for (const auto& p : v.problems) s += p + "\n";
  return s;
}

bool Mentions(const LogVerification& v, const std::string& what) {
  return AllProblems(v).find(what) != std::string::npos;
}

std::string Text(const Bytes& b) { return std::string(b.begin(), b.end()); }

bool SameFingerprint(const FingerprintRecord& a, const FingerprintRecord& b) {
  return a.asset_id == b.asset_id && a.algorithm == b.algorithm && a.value == b.value &&
         a.source == b.source && a.recorded_at == b.recorded_at && a.log_index == b.log_index;
}

// Every asset ForEachAsset yields, by id.
std::vector<AssetRecord> AllAssets(LedgerStore& store) {
  std::vector<AssetRecord> out;
  Status st = store.ForEachAsset([&](const AssetRecord& a) {
    out.push_back(a);
    return Status::Ok();
  });
  BOOST_TEST_REQUIRE(st.ok(), st.ToString());
  return out;
}

int CountCheckpoints(LedgerStore& store) {
  int n = 0;
  BOOST_TEST(store
                 .ForEachCheckpoint([&](const StoredCheckpoint&) {
                   ++n;
                   return Status::Ok();
                 })
                 .ok());
  return n;
}

// Runs `check` (which returns 0 when all is well) where the home cannot be written, so that a
// read-only open reads the file immutable. Root writes any folder, so as root it runs in a child
// that drops to nobody, the home owned by root with mode 0755; otherwise the home is made 0555.
// Returns the child's exit status, or -1 where the ids could not be dropped.
int RunWhereHomeIsReadOnly(const TempHome& home, const std::function<int()>& check) {
  if (::geteuid() != 0) {
    ::chmod(home.path().c_str(), 0555);
    int rc = check();
    ::chmod(home.path().c_str(), 0700);
    return rc;
  }
  ::chmod(home.path().c_str(), 0755);
  ::chmod(home.ledger().c_str(), 0644);
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(200);
    ::_exit(check());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::chmod(home.path().c_str(), 0700);
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 200) return -1;
  return WEXITSTATUS(status);
}

// The first column of the first row of `sql`, read over a raw connection.
std::string RawQuery(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(asset_entries_keep_their_bytes_and_fingerprint_entries_are_canonical) {
  AssetRecord a;
  a.id = "a-1";
  a.payload = {1, 2};
  a.model_id = "m";
  a.parameters_json = "{}";
  a.content_hash = "c";
  a.file_name = "f.png";
  a.signer_key_id = "k";
  a.created_at = "2026-01-02T03:04:05Z";
  const std::string asset_entry =
      "hallmark-ledger/v1 asset\n{\"content_hash\":\"c\",\"created_at\":\"2026-01-02T03:04:05Z\","
      "\"file_name\":\"f.png\",\"id\":\"a-1\",\"manifest_hash\":\"\",\"model\":\"m\","
      "\"parameters\":\"{}\",\"payload\":\"0102\",\"signer\":\"k\"}";
  BOOST_TEST(Text(*EncodeAssetEntry(a)) == asset_entry);
  a.fingerprint = FingerprintRecord{"a-1", "x", {1}, "generate", "t", 5};
  BOOST_TEST(Text(*EncodeAssetEntry(a)) == asset_entry);  // the fingerprint is not in it

  FingerprintRecord f{"a-1",      "hallmark.blockmean/1", {0x01, 0xab, 0xff},
                      "backfill", "2026-01-02T03:04:06Z", 9};
  BOOST_TEST(Text(*EncodeFingerprintEntry(f)) ==
             "hallmark-ledger/v1 fingerprint\n{\"algorithm\":\"hallmark.blockmean/1\","
             "\"asset_id\":\"a-1\",\"recorded_at\":\"2026-01-02T03:04:06Z\","
             "\"source\":\"backfill\",\"value\":\"01abff\"}");
  BOOST_TEST((*EntryKindOf(*EncodeFingerprintEntry(f)) == EntryKind::kFingerprint));
  BOOST_TEST(std::string(EntryKindName(EntryKind::kFingerprint)) == "fingerprint");
  BOOST_TEST((*ParseEntryKind("fingerprint") == EntryKind::kFingerprint));
  f.source = "\xff";
  BOOST_TEST(EncodeFingerprintEntry(f).status().code() == StatusCode::kBadInput);
}

BOOST_AUTO_TEST_CASE(append_assets_records_fingerprints_right_after_their_assets) {
  TempHome home;
  auto store = Open(home);
  std::string model = Populate(*store, 0);  // entries 0 and 1: the dataset and the model

  AssetRecord with = MakeAsset(model, 0);
  with.fingerprint = MakeFingerprint(0);
  with.fingerprint->asset_id = "some other asset";  // the store names the asset itself
  AssetRecord without = MakeAsset(model, 1);
  AssetRecord explicit_fp = MakeAsset(model, 2);
  explicit_fp.created_at = "2026-03-04T05:06:07Z";
  explicit_fp.fingerprint = MakeFingerprint(2);
  explicit_fp.fingerprint->source = "backfill";
  explicit_fp.fingerprint->recorded_at = "2026-03-04T05:06:08Z";
  auto r = store->AppendAssets({with, without, explicit_fp});
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  const std::vector<AssetRecord>& out = *r;

  BOOST_TEST(out[0].log_index == 2u);
  BOOST_TEST_REQUIRE(out[0].fingerprint.has_value());
  BOOST_TEST(out[0].fingerprint->log_index == 3u);
  BOOST_TEST(out[0].fingerprint->asset_id == "asset-0");
  BOOST_TEST(out[0].fingerprint->source == "generate");
  BOOST_TEST(out[0].fingerprint->recorded_at == out[0].created_at);
  BOOST_TEST(out[1].log_index == 4u);
  BOOST_TEST(!out[1].fingerprint.has_value());
  BOOST_TEST(out[2].log_index == 5u);
  BOOST_TEST_REQUIRE(out[2].fingerprint.has_value());
  BOOST_TEST(out[2].fingerprint->log_index == 6u);
  BOOST_TEST(out[2].fingerprint->source == "backfill");
  BOOST_TEST(out[2].fingerprint->recorded_at == "2026-03-04T05:06:08Z");
  BOOST_TEST(*store->TreeSize() == 7u);
  BOOST_TEST(CountCheckpoints(*store) == 3);  // dataset, model, and one for the whole batch
  BOOST_TEST(*store->CountAssets() == 3u);

  // The entries are the records' bytes, with the fingerprint's kind.
  LogEntry e = *store->Entry(3);
  BOOST_TEST((e.kind == EntryKind::kFingerprint));
  BOOST_TEST((e.body == *EncodeFingerprintEntry(*out[0].fingerprint)));
  BOOST_TEST((store->Entry(2)->body == *EncodeAssetEntry(out[0])));

  // Every read of an asset brings its fingerprint, or none.
  auto found = *store->FindAsset("asset-0");
  BOOST_TEST_REQUIRE(found.has_value());
  BOOST_TEST_REQUIRE(found->fingerprint.has_value());
  BOOST_TEST(SameFingerprint(*found->fingerprint, *out[0].fingerprint));
  BOOST_TEST(!(*store->FindAsset("asset-1"))->fingerprint.has_value());
  auto by_payload = *store->FindAssetByPayload(explicit_fp.payload);
  BOOST_TEST_REQUIRE(by_payload.has_value());
  BOOST_TEST_REQUIRE(by_payload->fingerprint.has_value());
  BOOST_TEST(SameFingerprint(*by_payload->fingerprint, *out[2].fingerprint));
  std::vector<AssetRecord> all = AllAssets(*store);
  BOOST_TEST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all[0].id == "asset-0");
  BOOST_TEST(all[0].fingerprint.has_value());
  BOOST_TEST(!all[1].fingerprint.has_value());
  BOOST_TEST(all[2].fingerprint.has_value());

  auto v = *VerifyLog(*store, {});
  BOOST_TEST(v.intact(), AllProblems(v));
  BOOST_TEST(v.rows_checked == 7u);
  // The asset's receipt is still for the asset's own entry.
  auto receipt = ProveAsset(*store, "asset-2");
  BOOST_TEST_REQUIRE(receipt.ok(), receipt.status().ToString());
  BOOST_TEST(receipt->leaf_index == 5u);
  BOOST_TEST(VerifyReceipt(*receipt, **store->LogVerifier()).ok());

  // A bad fingerprint refuses the whole batch.
  AssetRecord bad = MakeAsset(model, 3);
  bad.fingerprint = MakeFingerprint(3);
  bad.fingerprint->value.clear();
  auto refused = store->AppendAssets({MakeAsset(model, 4), bad});
  BOOST_TEST(refused.status().code() == StatusCode::kInvalidArgument, refused.status().ToString());
  BOOST_TEST(refused.status().message().find("asset-3") != std::string::npos);
  BOOST_TEST(*store->TreeSize() == 7u);
  BOOST_TEST(!store->FindAsset("asset-4")->has_value());
}

BOOST_AUTO_TEST_CASE(record_fingerprint_backfills_once_and_refuses_the_rest) {
  TempHome home;
  auto store = Open(home);
  Populate(*store, 3, 3);  // entries 0-4
  BOOST_TEST(!(*store->FindAsset("asset-1"))->fingerprint.has_value());

  FingerprintRecord f = MakeFingerprint(1);
  f.asset_id = "asset-1";
  f.source = "backfill";
  auto r = store->RecordFingerprint(f);
  BOOST_TEST_REQUIRE(r.ok(), r.status().ToString());
  BOOST_TEST(r->log_index == 5u);
  BOOST_TEST(!r->recorded_at.empty());
  auto found = *store->FindAsset("asset-1");
  BOOST_TEST_REQUIRE(found->fingerprint.has_value());
  BOOST_TEST(SameFingerprint(*found->fingerprint, *r));
  BOOST_TEST(*store->TreeSize() == 6u);

  auto refuse = [&](FingerprintRecord fp, StatusCode code, const std::string& says) {
    auto res = store->RecordFingerprint(fp);
    BOOST_TEST(res.status().code() == code, res.status().ToString());
    BOOST_TEST(res.status().message().find(says) != std::string::npos, res.status().message());
    BOOST_TEST(res.status().message().find('\n') == std::string::npos);
  };
  FingerprintRecord unknown = f;
  unknown.asset_id = "asset-404";
  refuse(unknown, StatusCode::kBadInput, "asset asset-404 is not recorded");
  refuse(f, StatusCode::kBadInput, "asset asset-1 already has a fingerprint (log entry 5)");
  FingerprintRecord other = f;
  other.asset_id = "asset-2";
  other.value.clear();
  refuse(other, StatusCode::kInvalidArgument, "asset-2: the value must be 1 to 65536 bytes");
  other.value.assign(65537, 7);
  refuse(other, StatusCode::kInvalidArgument, "not 65537");
  other.value = {7};
  other.algorithm.clear();
  refuse(other, StatusCode::kInvalidArgument, "no algorithm");
  other.algorithm = "hallmark.blockmean/1";
  other.source.clear();
  refuse(other, StatusCode::kInvalidArgument, "no source");
  BOOST_TEST(*store->TreeSize() == 6u);  // nothing of the refused ones was logged

  other.source = "backfill";
  other.value.assign(65536, 7);  // the largest value there is room for
  BOOST_TEST(store->RecordFingerprint(other).ok());
  auto v = *VerifyLog(*store, {});
  BOOST_TEST(v.intact(), AllProblems(v));
  BOOST_TEST(v.rows_checked == 7u);

  store.reset();
  auto ro = OpenReadOnly(home);
  BOOST_TEST((*ro->FindAsset("asset-2"))->fingerprint->value.size() == 65536u);
  FingerprintRecord late = f;
  late.asset_id = "asset-0";
  BOOST_TEST(ro->RecordFingerprint(late).status().code() == StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(fingerprint_rows_are_append_only) {
  TempHome home;
  {
    auto store = Open(home);
    Populate(*store, 2, 2);
    FingerprintRecord f = MakeFingerprint(0);
    f.asset_id = "asset-0";
    f.source = "backfill";
    BOOST_TEST_REQUIRE(store->RecordFingerprint(f).ok());
  }
  // Each edit over a raw connection (as the database superuser on PostgreSQL) must fail.
  auto refused = [&](const std::string& sqlite_sql, const std::string& postgres_sql) {
    if (OnPostgres()) {
      return Cluster()
                 .TrySql(home.database(), "SET search_path TO hallmark; " + postgres_sql)
                 .exit_code != 0;
    }
    sqlite3* db = nullptr;
    BOOST_TEST_REQUIRE(sqlite3_open(home.ledger().c_str(), &db) == SQLITE_OK);
    int rc = sqlite3_exec(db, sqlite_sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc == SQLITE_CONSTRAINT;
  };
  BOOST_TEST(
      refused("UPDATE fingerprints SET value = x'00'", "UPDATE fingerprints SET value = '\\x00'"));
  BOOST_TEST(refused("DELETE FROM fingerprints", "DELETE FROM fingerprints"));
  BOOST_TEST(refused("DELETE FROM fingerprints", "TRUNCATE fingerprints"));
  // The table's own checks hold too: no second fingerprint for an asset, no empty value.
  BOOST_TEST(refused("INSERT INTO fingerprints VALUES (99, 'asset-0', 'a', x'01', 's', 't')",
                     "INSERT INTO fingerprints VALUES (99, 'asset-0', 'a', '\\x01', 's', 't')"));
  BOOST_TEST(refused("INSERT INTO fingerprints VALUES (98, 'asset-1', 'a', x'', 's', 't')",
                     "INSERT INTO fingerprints VALUES (98, 'asset-1', 'a', '\\x', 's', 't')"));
  auto store = Open(home);
  BOOST_TEST((*store->FindAsset("asset-0"))->fingerprint->value == MakeFingerprint(0).value);
}

BOOST_AUTO_TEST_CASE(verify_log_names_edited_fingerprint_rows) {
  struct Case {
    const char* name;
    const char* sql;  // SQLite
    const char* expect;
    const char* pg_sql;  // the same edit on PostgreSQL
  };
  // Entries: 0 dataset, 1 model, 2-5 assets 0-3, 6 fingerprint of asset-1, 7 of asset-3.
  const Case cases[] = {
      {"altered value",
       "DROP TRIGGER fingerprints_no_update; UPDATE fingerprints SET value = x'00' "
       "WHERE asset_id = 'asset-1'",
       "fingerprint of asset asset-1: the row no longer matches log entry 6",
       "ALTER TABLE fingerprints DISABLE TRIGGER ALL; UPDATE fingerprints SET value = '\\x00' "
       "WHERE asset_id = 'asset-1'"},
      {"altered algorithm",
       "DROP TRIGGER fingerprints_no_update; UPDATE fingerprints SET algorithm = 'other/1' "
       "WHERE asset_id = 'asset-3'",
       "fingerprint of asset asset-3: the row no longer matches log entry 7",
       "ALTER TABLE fingerprints DISABLE TRIGGER ALL; UPDATE fingerprints SET algorithm = "
       "'other/1' WHERE asset_id = 'asset-3'"},
      {"moved to another asset",
       "DROP TRIGGER fingerprints_no_update; UPDATE fingerprints SET asset_id = 'asset-2' "
       "WHERE asset_id = 'asset-1'",
       "fingerprint of asset asset-2: the row no longer matches log entry 6",
       "ALTER TABLE fingerprints DISABLE TRIGGER ALL; UPDATE fingerprints SET asset_id = 'asset-2' "
       "WHERE asset_id = 'asset-1'"},
      {"moved to an asset never recorded",
       "DROP TRIGGER fingerprints_no_update; UPDATE fingerprints SET asset_id = 'ghost' "
       "WHERE asset_id = 'asset-1'",
       "fingerprint of asset ghost: its asset is not recorded",
       "ALTER TABLE fingerprints DISABLE TRIGGER ALL; UPDATE fingerprints SET asset_id = 'ghost' "
       "WHERE asset_id = 'asset-1'"},
      {"deleted row",
       "DROP TRIGGER fingerprints_no_delete; DELETE FROM fingerprints WHERE asset_id = 'asset-3'",
       "log entry 7 (fingerprint) has no table row",
       "ALTER TABLE fingerprints DISABLE TRIGGER ALL; DELETE FROM fingerprints WHERE asset_id = "
       "'asset-3'"},
      {"row moved onto an asset's entry",
       "DROP TRIGGER fingerprints_no_update; UPDATE fingerprints SET log_index = 4 "
       "WHERE asset_id = 'asset-3'",
       "log entry 4 is a asset entry, not a fingerprint entry",
       "ALTER TABLE fingerprints DISABLE TRIGGER ALL; UPDATE fingerprints SET log_index = 4 WHERE "
       "asset_id = 'asset-3'"},
  };
  for (const Case& c : cases) {
    TempHome home;
    {
      auto store = Open(home);
      Populate(*store, 4, 4);
      for (const char* id : {"asset-1", "asset-3"}) {
        FingerprintRecord f = MakeFingerprint(1);
        f.asset_id = id;
        f.source = "backfill";
        BOOST_TEST_REQUIRE(store->RecordFingerprint(f).ok());
      }
      BOOST_TEST_REQUIRE(VerifyLog(*store, {})->intact());
    }
    Tamper(home, c.sql, c.pg_sql);
    auto store = OpenReadOnly(home);
    auto v = VerifyLog(*store, {});
    BOOST_TEST_REQUIRE(v.ok(), c.name << ": " << v.status().ToString());
    BOOST_TEST(!v->intact(), c.name << " went unnoticed");
    BOOST_TEST(Mentions(*v, c.expect), c.name << " reported as:\n" << AllProblems(*v));
  }
}

BOOST_AUTO_TEST_CASE(schema_2_ledger_reads_without_fingerprints_and_migrates,
                     *boost::unit_test::label("sqlite")) {
  TempHome home;
  {
    auto store = Open(home);
    Populate(*store, 3, 3);
  }
  DowngradeToSchema2(home.ledger());

  // Read immutable (a home this process cannot write, no -wal or -shm left): no fingerprints,
  // an intact log.
  BOOST_TEST_REQUIRE(::access((home.ledger() + "-wal").c_str(), F_OK) != 0);
  int immutable = RunWhereHomeIsReadOnly(home, [&]() -> int {
    LedgerOptions o = Options(home);
    o.read_only = true;
    auto ro = OpenLedger(o);
    if (!ro.ok()) return 1;
    auto a = (*ro)->FindAsset("asset-1");
    if (!a.ok() || !a->has_value() || (*a)->fingerprint) return 2;
    auto v = VerifyLog(**ro, {});
    if (!v.ok() || !v->intact() || v->rows_checked != 5u) return 3;
    return 0;
  });
  if (immutable == -1) {
    BOOST_TEST_MESSAGE("immutable read not checked: the user ids could not be dropped");
  } else {
    BOOST_TEST(immutable == 0);
    BOOST_TEST(::access((home.ledger() + "-shm").c_str(), F_OK) != 0);  // read without one
  }

  // Read-only (shared), the same: it is read as it is, and cannot be written.
  {
    auto ro = OpenReadOnly(home);
    auto a = *ro->FindAsset("asset-1");
    BOOST_TEST_REQUIRE(a.has_value());
    BOOST_TEST(!a->fingerprint.has_value());
    BOOST_TEST(!(*ro->FindAssetByPayload(MakeAsset("", 2).payload))->fingerprint.has_value());
    for (const AssetRecord& each : AllAssets(*ro)) BOOST_TEST(!each.fingerprint.has_value());
    auto v = *VerifyLog(*ro, {});
    BOOST_TEST(v.intact(), AllProblems(v));
    BOOST_TEST(v.rows_checked == 5u);
    FingerprintRecord f = MakeFingerprint(0);
    f.asset_id = "asset-0";
    f.source = "backfill";
    BOOST_TEST(ro->RecordFingerprint(f).status().code() == StatusCode::kInvalidArgument);
  }
  BOOST_TEST(RawQuery(home.ledger(), "PRAGMA user_version") == "2");

  // A file claiming schema 3 without the table is refused at open, naming the table.
  {
    RawSql(home.ledger(), "PRAGMA user_version = 3");
    LedgerOptions o = Options(home);
    o.read_only = true;
    auto s = OpenLedger(o);
    BOOST_TEST(s.status().code() == StatusCode::kBadInput);
    BOOST_TEST(s.status().message().find("no 'fingerprints' table") != std::string::npos,
               s.status().message());
    RawSql(home.ledger(), "PRAGMA user_version = 2");
  }

  // Opened for writing, it migrates to schema 3 and keeps every record.
  auto store = Open(home);
  BOOST_TEST(RawQuery(home.ledger(), "PRAGMA user_version") == "3");
  BOOST_TEST(RawQuery(home.ledger(),
                      "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' "
                      "AND tbl_name = 'fingerprints'") == "2");
  BOOST_TEST(*store->CountAssets() == 3u);
  BOOST_TEST(!(*store->FindAsset("asset-0"))->fingerprint.has_value());
  FingerprintRecord f = MakeFingerprint(0);
  f.asset_id = "asset-0";
  f.source = "backfill";
  BOOST_TEST_REQUIRE(store->RecordFingerprint(f).ok());
  AssetRecord fresh = MakeAsset(HexSha("checkpoint 0"), 10);
  fresh.fingerprint = MakeFingerprint(10);
  BOOST_TEST_REQUIRE(store->AppendAssets({fresh}).ok());
  BOOST_TEST((*store->FindAsset("asset-0"))->fingerprint.has_value());
  BOOST_TEST((*store->FindAsset("asset-10"))->fingerprint.has_value());
  auto v = *VerifyLog(*store, {});
  BOOST_TEST(v.intact(), AllProblems(v));
  BOOST_TEST(v.rows_checked == 8u);
}
