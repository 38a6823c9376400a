// The ledger store, on each backend: records round-trip, lookups, the log and its proofs agree with
// an in-memory reference tree, the schema guards itself, and verify-log names tampering.
#define BOOST_TEST_MODULE audit_ledger_store
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "audit/ledger/checkpoint.h"
#include "audit/ledger/log_verifier.h"
#include "audit/ledger/merkle_proof.h"
#include "audit/ledger/receipt.h"
#include "base/file.h"
#include "tests/audit/ledger_test_util.h"

using namespace hallmark;
using namespace hallmark::audit;
using namespace hallmark::audit::testing;
using hallmark::testing::ProcessResult;

namespace {

std::unique_ptr<LedgerStore> Open(const TempHome& home) {
  auto s = OpenLedger(Options(home));
  BOOST_TEST_REQUIRE(s.ok(), s.status().ToString());
  return std::move(*s);
}

bool Mentions(const LogVerification& v, const std::string& what) {
  for (const auto& p : v.problems) {
    if (p.find(what) != std::string::npos) return true;
  }
  return false;
}

std::string AllProblems(const LogVerification& v) {
  std::string s;
  for (const auto& p : v.problems) s += p + "\n";
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(records_round_trip_and_lookups) {
  TempHome home;
  auto store = Open(home);
  std::string model = Populate(*store, 25, 10);

  auto datasets = *store->ListDatasets();
  BOOST_TEST_REQUIRE(datasets.size() == 1u);
  BOOST_TEST(datasets[0].item_count == 5u);
  BOOST_TEST(datasets[0].id == datasets[0].items_root);
  BOOST_TEST(store->DatasetItems(datasets[0].id)->size() == 5u);
  BOOST_TEST((*store->FindDataset("faces-0"))->id == datasets[0].id);

  auto m = *store->FindModel(model);
  BOOST_TEST_REQUIRE(m.has_value());
  BOOST_TEST(m->dataset_ids.size() == 1u);
  BOOST_TEST(m->hyperparameters_json == R"({"lr":0.0002})");

  auto a = *store->FindAsset("asset-7");
  BOOST_TEST_REQUIRE(a.has_value());
  BOOST_TEST(a->file_name == "img-7.png");
  BOOST_TEST(a->log_index == 2u + 7u);  // dataset, model, then assets
  auto by_payload = *store->FindAssetByPayload(MakeAsset(model, 7).payload);
  BOOST_TEST_REQUIRE(by_payload.has_value());
  BOOST_TEST(by_payload->id == "asset-7");
  BOOST_TEST(!store->FindAssetByPayload(Bytes{9, 9, 9})->has_value());
  BOOST_TEST(!store->FindAsset("nope")->has_value());
  BOOST_TEST(*store->CountAssets() == 25u);
  BOOST_TEST(*store->TreeSize() == 27u);
  // The ids alone, as the verifier reads the issued payloads: the same set ForEachAsset gives.
  std::set<std::string> ids, full;
  BOOST_TEST(store
                 ->ForEachAssetId([&](const std::string& id) {
                   ids.insert(id);
                   return Status::Ok();
                 })
                 .ok());
  BOOST_TEST(store
                 ->ForEachAsset([&](const AssetRecord& r) {
                   full.insert(r.id);
                   return Status::Ok();
                 })
                 .ok());
  BOOST_TEST(ids.size() == 25u);
  BOOST_TEST((ids == full));

  // A checkpoint per write transaction: dataset, model, 3 asset batches.
  int checkpoints = 0;
  BOOST_TEST(store
                 ->ForEachCheckpoint([&](const StoredCheckpoint&) {
                   ++checkpoints;
                   return Status::Ok();
                 })
                 .ok());
  BOOST_TEST(checkpoints == 5);

  KeyRecord k{"studio-key-1", "ed25519", Bytes(32, 7), "studio", "", kNoLogIndex};
  BOOST_TEST(store->RecordKey(k).ok());
  BOOST_TEST(store->RecordRevocation({"studio-key-1", "laptop stolen", "", kNoLogIndex}).ok());
  BOOST_TEST(!store->RecordRevocation({"unknown-key", "x", "", kNoLogIndex}).ok());
  BOOST_TEST(store
                 ->RecordPolicyEvaluation({HexSha("policy"), "client", "asset:asset-1",
                                           R"({"verdict":"allow"})", "", kNoLogIndex})
                 .ok());
  BOOST_TEST(store->ListPolicyEvaluations()->size() == 1u);
  auto v = *VerifyLog(*store, {});
  BOOST_TEST(v.intact(), AllProblems(v));
  BOOST_TEST(v.tree_size == 30u);
  BOOST_TEST(v.rows_checked == 30u);
}

BOOST_AUTO_TEST_CASE(bad_records_are_refused_whole) {
  TempHome home;
  auto store = Open(home);
  std::string model = Populate(*store, 3, 3);
  uint64_t size = *store->TreeSize();

  auto dup_payload = MakeAsset(model, 100);
  dup_payload.payload = MakeAsset(model, 1).payload;
  auto r = store->AppendAssets({MakeAsset(model, 50), dup_payload});
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.status().message().find("payload") != std::string::npos, r.status().message());
  BOOST_TEST(*store->TreeSize() == size);  // the good asset of the batch was not kept either
  BOOST_TEST(!store->FindAsset("asset-50")->has_value());

  auto r2 = store->AppendAssets({MakeAsset(HexSha("unknown model"), 60)});
  BOOST_TEST(r2.status().code() == StatusCode::kNotFound, r2.status().ToString());
  auto r3 = store->AppendAssets({MakeAsset(model, 1)});
  BOOST_TEST(r3.status().message().find("already") != std::string::npos);
  auto too_long = MakeAsset(model, 70);
  too_long.payload.resize(9);
  BOOST_TEST(store->AppendAssets({too_long}).status().code() == StatusCode::kInvalidArgument);

  ModelRecord m;
  m.id = HexSha("another");
  m.dataset_ids = {"0000"};
  BOOST_TEST(store->RecordModel(m).status().code() == StatusCode::kNotFound);
  BOOST_TEST(*store->TreeSize() == size);
  BOOST_TEST(VerifyLog(*store, {})->intact());
}

BOOST_AUTO_TEST_CASE(stored_tree_matches_reference_and_proves) {
  TempHome home;
  auto store = Open(home);
  Populate(*store, 300, 37);
  MemoryMerkleTree ref;
  BOOST_TEST(store
                 ->ForEachEntry([&](const LogEntry& e) {
                   ref.AppendEntry(e.body);
                   return Status::Ok();
                 })
                 .ok());
  uint64_t n = *store->TreeSize();
  BOOST_TEST((*RootHash(store->Nodes(), n) == ref.Root()));
  auto latest = *store->LatestCheckpoint();
  BOOST_TEST_REQUIRE(latest.has_value());
  BOOST_TEST((latest->root == ref.Root()));
  for (uint64_t i = 0; i < n; i += 13) {
    BOOST_TEST((*InclusionProof(store->Nodes(), i, n) == *InclusionProof(ref, i, n)));
  }
  for (uint64_t m : std::vector<uint64_t>{1, 2, 39, 64, 150, n}) {
    BOOST_TEST((*ConsistencyProof(store->Nodes(), m, n) == *ConsistencyProof(ref, m, n)));
  }
  auto receipt = *ProveAsset(*store, "asset-123");
  auto key = **store->LogVerifier();
  BOOST_TEST(VerifyReceipt(receipt, key).ok());
  auto round = *ReceiptFromJson(ReceiptToJson(receipt));
  BOOST_TEST(VerifyReceipt(round, key).ok());
  // By payload, too.
  BOOST_TEST(ProveAsset(*store, HexEncode(MakeAsset("", 5).payload))->leaf_index == 7u);
  round.entry.back() ^= 1;
  BOOST_TEST(!VerifyReceipt(round, key).ok());
  // A hostile receipt (found by fuzzing): numbers too large or of the wrong type are bad input
  // naming the field, not undefined behaviour or an exception.
  nlohmann::json hostile = ReceiptToJson(receipt);
  hostile["tree_size"] = nlohmann::json::parse("184467440737095516152");
  auto huge = ReceiptFromJson(hostile);
  BOOST_TEST(huge.status().code() == StatusCode::kBadInput);
  BOOST_TEST(huge.status().message() ==
             "receipt: field 'tree_size' must be a non-negative integer");
  hostile = ReceiptToJson(receipt);
  hostile["inclusion_path"][0] = 7;
  BOOST_TEST(ReceiptFromJson(hostile).status().code() == StatusCode::kBadInput);
  BOOST_TEST(ProveAsset(*store, "no-such-asset").status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(schema_settings_and_guards, *boost::unit_test::label("sqlite")) {
  TempHome home;
  {
    auto store = Open(home);
    Populate(*store, 2, 2);
  }
  sqlite3* db = nullptr;
  sqlite3_open(home.ledger().c_str(), &db);
  auto q = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW)
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
  };
  BOOST_TEST(q("PRAGMA journal_mode") == "wal");
  BOOST_TEST(q("PRAGMA application_id") == std::to_string(0x484d4c47));
  BOOST_TEST(q("PRAGMA user_version") == "3");
  BOOST_TEST(q("SELECT count(*) FROM sqlite_schema WHERE type='table' AND sql LIKE '%STRICT%'") ==
             "14");
  BOOST_TEST(sqlite3_exec(db, "UPDATE assets SET file_name='x'", nullptr, nullptr, nullptr) ==
             SQLITE_CONSTRAINT);
  BOOST_TEST(sqlite3_exec(db, "DELETE FROM entries", nullptr, nullptr, nullptr) ==
             SQLITE_CONSTRAINT);
  BOOST_TEST(sqlite3_exec(db, "UPDATE checkpoints SET note=''", nullptr, nullptr, nullptr) ==
             SQLITE_CONSTRAINT);
  sqlite3_close(db);

  struct stat st {};
  BOOST_TEST_REQUIRE(::stat((home.path() + "/log-key.pem").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);

  // A foreign SQLite file is not mistaken for a ledger.
  TempHome other;
  RawSql(other.ledger(), "CREATE TABLE t(x)");
  auto s = OpenLedger(Options(other));
  BOOST_TEST(s.status().code() == StatusCode::kBadInput);
  BOOST_TEST(s.status().message().find("not a Hallmark ledger") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(read_only_foreign_ledger_and_export, *boost::unit_test::label("sqlite")) {
  TempHome home;
  auto store = Open(home);
  Populate(*store, 20, 20);
  std::string snapshot = home.path() + "/snapshot.sqlite";
  BOOST_TEST_REQUIRE(store->ExportSnapshot(snapshot).ok());
  BOOST_TEST(!store->ExportSnapshot(snapshot).ok());  // never overwrites

  LedgerOptions foreign;
  foreign.foreign_file = snapshot;
  auto ro = OpenLedger(foreign);
  BOOST_TEST_REQUIRE(ro.ok(), ro.status().ToString());
  BOOST_TEST(*(*ro)->CountAssets() == 20u);
  BOOST_TEST(VerifyLog(**ro, {})->intact());
  BOOST_TEST((*ro)->AppendAssets({MakeAsset("x", 99)}).status().code() ==
             StatusCode::kInvalidArgument);
  BOOST_TEST((*ro)->CheckIntegrity().ok());

  LedgerOptions missing;
  missing.foreign_file = home.path() + "/absent.sqlite";
  BOOST_TEST(OpenLedger(missing).status().code() == StatusCode::kNotFound);
}

BOOST_AUTO_TEST_CASE(checkpoint_notes_sign_and_verify) {
  auto signer = *CheckpointSigner::Generate("example.com/log");
  Checkpoint cp{"example.com/log", 42, HashLeaf(ByteView("x"))};
  std::string note = *signer.Sign(cp);
  auto v = signer.Verifier();
  auto back = v.Verify(note);
  BOOST_TEST_REQUIRE(back.ok(), back.status().ToString());
  BOOST_TEST(back->size == 42u);
  BOOST_TEST(note.find("example.com/log\n42\n") == 0u);
  BOOST_TEST(note.find("\n\n\xE2\x80\x94 example.com/log ") != std::string::npos);

  auto parsed = CheckpointVerifier::FromVerifierKey(v.VerifierKey());
  BOOST_TEST_REQUIRE(parsed.ok());
  BOOST_TEST(parsed->Verify(note).ok());

  std::string altered = note;
  altered[note.find("42")] = '5';
  BOOST_TEST(!v.Verify(altered).ok());
  auto other = *CheckpointSigner::Generate("example.com/log");
  BOOST_TEST(!other.Verifier().Verify(note).ok());  // no signature by this key
  // Witness cosignatures by other keys are ignored, and a note may carry many.
  std::string witnessed = note;
  for (int i = 0; i < 20; ++i) {
    auto w = *CheckpointSigner::Generate("witness" + std::to_string(i));
    std::string wn = *w.Sign({w.name(), 42, cp.root});
    witnessed += wn.substr(wn.find("\xE2\x80\x94"));
  }
  BOOST_TEST(v.Verify(witnessed).ok());
  BOOST_TEST(!v.Verify("").ok());
  BOOST_TEST(!v.Verify("example.com/log\n042\nAAAA\n\n").ok());
}

// The signature is plain Ed25519 over the note body: OpenSSL's command line agrees.
BOOST_AUTO_TEST_CASE(checkpoint_signature_verifies_with_openssl_cli) {
  // The setup script installs the openssl command; a missing one is a failure, not a skip.
  BOOST_REQUIRE_MESSAGE(std::system("openssl version >/dev/null 2>&1") == 0,
                        "the openssl command is missing (scripts/setup.sh installs it)");
  TempHome dir;
  auto signer = *CheckpointSigner::Generate("hallmark.local/ledger");
  std::string note = *signer.Sign({"hallmark.local/ledger", 7, HashLeaf(ByteView("y"))});
  std::string body = note.substr(0, note.find("\n\n") + 1);
  std::string sig_b64 = note.substr(note.rfind(' ') + 1);
  sig_b64.pop_back();
  Bytes blob = *Base64Decode(sig_b64, "sig");
  Bytes der = *HexDecode("302a300506032b6570032100");
  der.insert(der.end(), signer.public_key().begin(), signer.public_key().end());
  BOOST_TEST(WriteFileAtomic(dir.path() + "/body", ByteView(body)).ok());
  BOOST_TEST(WriteFileAtomic(dir.path() + "/sig", ByteView(blob.data() + 4, 64)).ok());
  BOOST_TEST(WriteFileAtomic(dir.path() + "/pub.der", der).ok());
  std::string cmd = "openssl pkeyutl -verify -pubin -inkey " + dir.path() +
                    "/pub.der -keyform DER -rawin -in " + dir.path() + "/body -sigfile " +
                    dir.path() + "/sig >/dev/null 2>&1";
  BOOST_TEST(std::system(cmd.c_str()) == 0);
  BOOST_TEST(WriteFileAtomic(dir.path() + "/body", ByteView(body + "x")).ok());
  BOOST_TEST(std::system(cmd.c_str()) != 0);
}

BOOST_AUTO_TEST_CASE(verify_log_names_tampering) {
  struct Case {
    const char* name;
    const char* sql;  // SQLite
    const char* expect;
    const char* pg_sql;  // the same edit on PostgreSQL, triggers (and foreign keys) disabled
  };
  const Case cases[] = {
      {"altered asset row",
       "DROP TRIGGER assets_no_update; UPDATE assets SET file_name='forged.png' WHERE id='asset-4'",
       "asset asset-4: the row no longer matches log entry",
       "ALTER TABLE assets DISABLE TRIGGER ALL; UPDATE assets SET file_name='forged.png' WHERE "
       "id='asset-4'"},
      {"deleted asset row", "DROP TRIGGER assets_no_delete; DELETE FROM assets WHERE id='asset-9'",
       "has no table row",
       "ALTER TABLE assets DISABLE TRIGGER ALL; DELETE FROM assets WHERE id='asset-9'"},
      {"swapped payloads",
       "DROP TRIGGER assets_no_update; UPDATE assets SET payload = CASE id WHEN 'asset-1' THEN "
       "x'ff00000000000001' ELSE payload END WHERE id='asset-1'; UPDATE assets SET payload = "
       "x'0000000000000001' WHERE id='asset-2'; UPDATE assets SET payload = x'0000000000000002' "
       "WHERE id='asset-1'",
       "asset asset-1",
       "ALTER TABLE assets DISABLE TRIGGER ALL; UPDATE assets SET payload = '\\xff00000000000001' "
       "WHERE id='asset-1'; UPDATE assets SET payload = '\\x0000000000000001' WHERE id='asset-2'; "
       "UPDATE assets SET payload = '\\x0000000000000002' WHERE id='asset-1'"},
      {"swapped rows",
       "DROP TRIGGER assets_no_update; UPDATE assets SET log_index = -1 WHERE id = 'asset-3'; "
       "UPDATE assets SET log_index = 5 WHERE id = 'asset-6'; UPDATE assets SET log_index = 8 "
       "WHERE id = 'asset-3'",
       "asset asset-6: the row no longer matches log entry 5",
       "ALTER TABLE assets DISABLE TRIGGER ALL; UPDATE assets SET log_index = -1 WHERE id = "
       "'asset-3'; UPDATE assets SET log_index = 5 WHERE id = 'asset-6'; UPDATE assets SET "
       "log_index = 8 WHERE id = 'asset-3'"},
      {"altered entry bytes",
       "DROP TRIGGER entries_no_update; UPDATE entries SET body = CAST(body || x'20' AS BLOB) "
       "WHERE idx = 5",
       "log entry 5: its bytes no longer match",
       "ALTER TABLE entries DISABLE TRIGGER ALL; UPDATE entries SET body = body || '\\x20'::bytea "
       "WHERE idx = 5"},
      {"rewritten entry and leaf hash",
       "DROP TRIGGER entries_no_update; UPDATE entries SET body = CAST(body || x'20' AS BLOB), "
       "leaf_hash = "
       "zeroblob(32) WHERE idx = 6",
       "asset asset-4",
       "ALTER TABLE entries DISABLE TRIGGER ALL; UPDATE entries SET body = body || '\\x20'::bytea, "
       "leaf_hash = decode(repeat('00', 32), 'hex') WHERE idx = 6"},
      {"deleted log tail",
       "DROP TRIGGER entries_no_delete; DROP TRIGGER assets_no_delete; DELETE FROM assets WHERE "
       "log_index >= 20; DELETE FROM entries WHERE idx >= 20",
       "entries were removed",
       "ALTER TABLE entries DISABLE TRIGGER ALL; ALTER TABLE assets DISABLE TRIGGER ALL; DELETE "
       "FROM assets WHERE log_index >= 20; DELETE FROM entries WHERE idx >= 20"},
      {"corrupted tree node",
       "DROP TRIGGER tree_nodes_no_update; UPDATE tree_nodes SET hash = zeroblob(32) WHERE level "
       "= 4 AND idx = 0",
       "Merkle node (level 4, index 0)",
       "ALTER TABLE tree_nodes DISABLE TRIGGER ALL; UPDATE tree_nodes SET hash = "
       "decode(repeat('00', 32), 'hex') WHERE level = 4 AND idx = 0"},
      {"altered dataset item",
       "DROP TRIGGER dataset_items_no_update; UPDATE dataset_items SET sha256 = "
       "'0000000000000000000000000000000000000000000000000000000000000000' WHERE position = 0",
       "dataset faces-0: its dataset_items rows",
       "ALTER TABLE dataset_items DISABLE TRIGGER ALL; UPDATE dataset_items SET sha256 = "
       "repeat('0', 64) WHERE position = 0"},
      {"forged checkpoint",
       "DROP TRIGGER checkpoints_no_update; UPDATE checkpoints SET root_hash = zeroblob(32) WHERE "
       "tree_size = (SELECT max(tree_size) FROM checkpoints)",
       "(the row was altered)",
       "ALTER TABLE checkpoints DISABLE TRIGGER ALL; UPDATE checkpoints SET root_hash = "
       "decode(repeat('00', 32), 'hex') WHERE tree_size = (SELECT max(tree_size) FROM "
       "checkpoints)"},
  };
  for (const Case& c : cases) {
    TempHome home;
    {
      auto store = Open(home);
      Populate(*store, 30, 5);
      BOOST_TEST_REQUIRE(VerifyLog(*store, {})->intact());
    }
    Tamper(home, c.sql, c.pg_sql);
    auto store = Open(home);
    auto v = VerifyLog(*store, {});
    BOOST_TEST_REQUIRE(v.ok(), c.name << ": " << v.status().ToString());
    BOOST_TEST(!v->intact(), c.name << " went unnoticed");
    BOOST_TEST(Mentions(*v, c.expect), c.name << " reported as:\n" << AllProblems(*v));
  }
}

BOOST_AUTO_TEST_CASE(old_backup_is_caught_by_a_newer_checkpoint,
                     *boost::unit_test::label("sqlite")) {
  TempHome home;
  std::string backup = home.path() + "/backup.sqlite";
  std::string newer_note;
  {
    auto store = Open(home);
    Populate(*store, 10, 5);
    BOOST_TEST_REQUIRE(store->ExportSnapshot(backup).ok());
    BOOST_TEST(store->AppendAssets({MakeAsset(HexSha("checkpoint 0"), 500)}).ok());
    newer_note = (*store->LatestCheckpoint())->note;
  }
  // Someone restores the old file over the ledger: alone it looks intact...
  LedgerOptions old;
  old.foreign_file = backup;
  auto restored = *OpenLedger(old);
  BOOST_TEST(VerifyLog(*restored, {})->intact());
  // ...but the checkpoint an auditor kept shows the rollback.
  VerifyLogOptions opts;
  opts.since_checkpoint = newer_note;
  auto v = *VerifyLog(*restored, opts);
  BOOST_TEST(!v.since_proven);
  BOOST_TEST(Mentions(v, "rolled back"), AllProblems(v));
}

BOOST_AUTO_TEST_CASE(newer_schema_is_refused, *boost::unit_test::label("sqlite")) {
  TempHome home;
  {
    auto store = Open(home);
    Populate(*store, 1, 1);
  }
  RawSql(home.ledger(), "PRAGMA user_version = 4");
  auto s = OpenLedger(Options(home));
  BOOST_TEST((s.status().code() == StatusCode::kUnsupported), s.status().ToString());
  BOOST_TEST(s.status().message().find("newer Hallmark") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(dataset_folder_is_noted_replaced_and_survives_migration,
                     *boost::unit_test::label("sqlite")) {
  TempHome home;
  std::string id;
  {
    auto store = Open(home);
    Populate(*store, 1, 1);
    id = (*store->ListDatasets()).at(0).id;
    BOOST_TEST(!(*store->DatasetFolder(id)).has_value());
    BOOST_TEST(store->SetDatasetFolder(id, "/data/a").ok());
    BOOST_TEST(store->SetDatasetFolder(id, "/data/b").ok());
    BOOST_TEST(**store->DatasetFolder(id) == "/data/b");
    // Only a recorded dataset can have a folder.
    BOOST_TEST(!store->SetDatasetFolder(HexSha("unknown"), "/data/c").ok());
  }
  // A version-1 ledger (no folder table, nor the later fingerprints) reads as "no folder"
  // read-only and is migrated by a writer, keeping every record.
  RawSql(home.ledger(),
         "DROP TABLE fingerprints; DROP TABLE dataset_locations; PRAGMA user_version = 1");
  {
    LedgerOptions ro = Options(home);
    ro.read_only = true;
    auto store = OpenLedger(ro);
    BOOST_REQUIRE_MESSAGE(store.ok(), store.status().ToString());
    BOOST_TEST(!(*(*store)->DatasetFolder(id)).has_value());
  }
  auto store = Open(home);
  BOOST_TEST(!(*store->DatasetFolder(id)).has_value());
  BOOST_TEST(store->SetDatasetFolder(id, "/data/d").ok());
  BOOST_TEST(**store->DatasetFolder(id) == "/data/d");
  BOOST_TEST(*store->CountAssets() == 1u);
}

BOOST_AUTO_TEST_CASE(verify_log_since_checkpoint) {
  TempHome home;
  auto store = Open(home);
  Populate(*store, 10, 5);
  std::string old_note = (*store->LatestCheckpoint())->note;
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(store->AppendAssets({MakeAsset(HexSha("checkpoint 0"), 1000 + i)}).ok());
  }
  VerifyLogOptions opts;
  opts.since_checkpoint = old_note;
  auto v = *VerifyLog(*store, opts);
  BOOST_TEST(v.intact(), AllProblems(v));
  BOOST_TEST(v.since_proven);
  BOOST_TEST(v.since_size == 12u);

  // A checkpoint of size 0 is never "proven".
  auto key = **store->LogVerifier();
  auto signer = *CheckpointSigner::LoadOrCreate(home.path() + "/log-key.pem", key.name());
  opts.since_checkpoint = *signer.Sign({key.name(), 0, EmptyTreeHash()});
  v = *VerifyLog(*store, opts);
  BOOST_TEST(!v.since_proven);
  BOOST_TEST(!v.intact());

  // A checkpoint from a fork (same size, different root) or from the future is caught.
  opts.since_checkpoint = *signer.Sign({key.name(), 12, HashLeaf(ByteView("fork"))});
  v = *VerifyLog(*store, opts);
  BOOST_TEST(!v.since_proven);
  BOOST_TEST(Mentions(v, "not an extension"));
  opts.since_checkpoint = *signer.Sign({key.name(), 99, HashLeaf(ByteView("future"))});
  v = *VerifyLog(*store, opts);
  BOOST_TEST(Mentions(v, "rolled back"));
  // Signed by someone else.
  auto stranger = *CheckpointSigner::Generate(key.name());
  opts.since_checkpoint = *stranger.Sign({key.name(), 12, HashLeaf(ByteView("x"))});
  v = *VerifyLog(*store, opts);
  BOOST_TEST(!v.since_proven);
  BOOST_TEST(!v.intact());
}

// A ledger copied to the other backend and back is the same log: every entry, row and
// checkpoint, the same root, and verify-log passes against the original's key.
BOOST_AUTO_TEST_CASE(import_copies_the_log_across_backends_and_back) {
  TempHome home;
  auto store = Open(home);
  std::string model = Populate(*store, 40, 7);
  AssetRecord with_fp = MakeAsset(model, 900);
  with_fp.fingerprint = MakeFingerprint(900);
  BOOST_TEST_REQUIRE(store->AppendAssets({with_fp}).ok());
  BOOST_TEST_REQUIRE(
      store->RecordKey({"k1", "ed25519", Bytes(32, 1), "studio", "", kNoLogIndex}).ok());
  BOOST_TEST_REQUIRE(store->RecordRevocation({"k1", "rotated", "", kNoLogIndex}).ok());
  BOOST_TEST_REQUIRE(store
                         ->RecordPolicyEvaluation({HexSha("p"), "client", "asset:asset-1",
                                                   R"({"verdict":"allow"})", "", kNoLogIndex})
                         .ok());
  const std::string dataset_id = store->ListDatasets()->at(0).id;
  BOOST_TEST_REQUIRE(store->SetDatasetFolder(dataset_id, "/data/faces").ok());
  auto key = **store->LogVerifier();
  auto original = *VerifyLog(*store, {});
  BOOST_TEST_REQUIRE(original.intact(), AllProblems(original));

  // To a SQLite file (from either backend), then into a fresh ledger of the backend under test.
  LedgerOptions file_options;
  file_options.home = home.path();
  file_options.url = home.path() + "/copy.sqlite";
  auto file = *OpenLedger(file_options);
  BOOST_TEST_REQUIRE(file->ImportFrom(*store).ok());
  TempHome second;
  LedgerOptions back_options = Options(second);
  back_options.home = home.path();  // the same log key
  if (back_options.url.empty()) back_options.url = second.ledger();
  auto back = *OpenLedger(back_options);
  Status imported = back->ImportFrom(*file);
  BOOST_TEST_REQUIRE(imported.ok(), imported.ToString());

  for (LedgerStore* copy : {file.get(), back.get()}) {
    VerifyLogOptions trusted;
    trusted.trusted_key = key;
    auto v = *VerifyLog(*copy, trusted);
    BOOST_TEST(v.intact(), copy->path() << ":\n" << AllProblems(v));
    BOOST_TEST(v.tree_size == original.tree_size);
    BOOST_TEST((v.root == original.root));
    BOOST_TEST(v.checkpoints_checked == original.checkpoints_checked);
    BOOST_TEST(*copy->CountAssets() == 41u);
    auto fp = *copy->FindAsset("asset-900");
    BOOST_TEST_REQUIRE(fp.has_value());
    BOOST_TEST_REQUIRE(fp->fingerprint.has_value());
    BOOST_TEST((fp->fingerprint->value == with_fp.fingerprint->value));
    BOOST_TEST(copy->ListRevocations()->size() == 1u);
    BOOST_TEST((*copy->LatestCheckpoint())->note == (*store->LatestCheckpoint())->note);
    BOOST_TEST(copy->DatasetFolder(dataset_id)->value_or("") == "/data/faces");
  }
  // The copy goes on as a ledger: the home's key appends to it.
  BOOST_TEST(back->AppendAssets({MakeAsset(model, 901)}).ok());
  BOOST_TEST(VerifyLog(*back, {})->intact());
  // Only into an empty ledger.
  Status again = file->ImportFrom(*store);
  BOOST_TEST(again.code() == StatusCode::kBadInput, again.ToString());
  BOOST_TEST(again.message().find("empty") != std::string::npos, again.message());
}

// --- PostgreSQL only -------------------------------------------------------------------------

// Least privilege: the owner creates the schema; a writer role may append and read but not change
// or remove a row; a reader may only read. The triggers refuse even the superuser.
BOOST_AUTO_TEST_CASE(postgres_roles_and_append_only_guards, *boost::unit_test::label("postgres")) {
  Cluster().Sql("postgres",
                "DO $$ BEGIN "
                "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hallmark_writer') THEN "
                "CREATE ROLE hallmark_writer NOLOGIN; CREATE ROLE hallmark_reader NOLOGIN; "
                "CREATE ROLE worker1 LOGIN IN ROLE hallmark_writer; "
                "CREATE ROLE auditor1 LOGIN IN ROLE hallmark_reader; END IF; END $$");
  TempHome home;  // a new database: created after the roles, so the grants reach them
  auto store = Open(home);
  std::string model = Populate(*store, 5, 5);
  const std::string db = home.database();
  auto as = [&](const std::string& user) {
    LedgerOptions o = Options(home);
    o.url = Cluster().Url(db, user);
    return o;
  };

  auto writer = OpenLedger(as("worker1"));
  BOOST_TEST_REQUIRE(writer.ok(), writer.status().ToString());
  BOOST_TEST((*writer)->AppendAssets({MakeAsset(model, 100)}).ok());
  BOOST_TEST(VerifyLog(**writer, {})->intact());
  for (const char* sql :
       {"UPDATE hallmark.assets SET file_name = 'x'", "DELETE FROM hallmark.entries",
        "TRUNCATE hallmark.checkpoints", "DROP TRIGGER assets_no_update ON hallmark.assets",
        "UPDATE hallmark.dataset_items SET path = 'x'"}) {
    BOOST_TEST(Cluster().TrySql(db, sql, "worker1").exit_code != 0, "worker1 could: " << sql);
    // The superuser can drop triggers (verify-log then names the edits it allows); with them in
    // place, they refuse even the superuser.
    if (std::string(sql).rfind("DROP", 0) != 0) {
      BOOST_TEST(Cluster().TrySql(db, sql).exit_code != 0, "the superuser could: " << sql);
    }
  }
  ProcessResult denied =
      Cluster().TrySql(db, "UPDATE hallmark.assets SET file_name = 'x'", "worker1");
  BOOST_TEST(denied.err.find("permission denied") != std::string::npos, denied.err);
  ProcessResult trigger = Cluster().TrySql(db, "TRUNCATE hallmark.checkpoints");
  BOOST_TEST(trigger.err.find("append-only") != std::string::npos, trigger.err);

  LedgerOptions read = as("auditor1");
  read.read_only = true;
  auto reader = OpenLedger(read);
  BOOST_TEST_REQUIRE(reader.ok(), reader.status().ToString());
  BOOST_TEST(*(*reader)->CountAssets() == 6u);
  BOOST_TEST(VerifyLog(**reader, {})->intact());
  auto reader_writes = OpenLedger(as("auditor1"));
  Status refused = reader_writes.ok()
                       ? (*reader_writes)->AppendAssets({MakeAsset(model, 101)}).status()
                       : reader_writes.status();
  BOOST_TEST(!refused.ok());
  BOOST_TEST(refused.message().find("permission denied") != std::string::npos, refused.ToString());
  BOOST_TEST(
      Cluster()
          .TrySql(db, "INSERT INTO hallmark.keys VALUES ('k','a','\\x00','l','t',99)", "auditor1")
          .exit_code != 0);
  // A trigger disabled by the superuser is named by the integrity check.
  Cluster().Sql(db, "ALTER TABLE hallmark.assets DISABLE TRIGGER assets_no_update");
  Status integrity = store->CheckIntegrity();
  BOOST_TEST(!integrity.ok());
  BOOST_TEST(integrity.message().find("assets_no_update") != std::string::npos,
             integrity.ToString());
}

BOOST_AUTO_TEST_CASE(postgres_newer_schema_is_refused, *boost::unit_test::label("postgres")) {
  TempHome home;
  {
    auto store = Open(home);
    Populate(*store, 1, 1);
  }
  Cluster().Sql(home.database(), "INSERT INTO hallmark.schema_version(version) VALUES (99)");
  auto s = OpenLedger(Options(home));
  BOOST_TEST((s.status().code() == StatusCode::kUnsupported), s.status().ToString());
  BOOST_TEST(s.status().message().find("newer Hallmark") != std::string::npos,
             s.status().message());
  // A database whose "hallmark" schema is something else is refused, not built upon.
  TempHome other;
  Cluster().Sql(other.database(), "CREATE SCHEMA hallmark; CREATE TABLE hallmark.t(x int)");
  auto foreign = OpenLedger(Options(other));
  BOOST_TEST((foreign.status().code() == StatusCode::kBadInput), foreign.status().ToString());
}

// A trigger removed or replaced is reported by verify-log before any row is edited through it.
BOOST_AUTO_TEST_CASE(verify_log_names_a_removed_or_replaced_trigger) {
  struct Case {
    const char* sql;     // SQLite
    const char* pg_sql;  // PostgreSQL
    const char* expect;
  };
  const Case cases[] = {
      {"DROP TRIGGER assets_no_update", "ALTER TABLE assets DISABLE TRIGGER assets_no_update",
       "assets_no_update"},
      {"DROP TRIGGER checkpoints_no_delete; CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON "
       "checkpoints BEGIN SELECT 1; END",
       "DROP TRIGGER checkpoints_no_truncate ON checkpoints", "checkpoints_no_"},
  };
  for (const Case& c : cases) {
    TempHome home;
    {
      auto store = Open(home);
      Populate(*store, 3, 3);
      BOOST_TEST_REQUIRE(VerifyLog(*store, {})->intact());
    }
    Tamper(home, c.sql, c.pg_sql);
    auto store = Open(home);
    auto v = *VerifyLog(*store, {});
    BOOST_TEST(!v.intact(), c.sql << " went unnoticed");
    BOOST_TEST(Mentions(v, c.expect), AllProblems(v));
    BOOST_TEST(store->CheckAppendOnlyGuards().code() == StatusCode::kBadInput);
  }
}
