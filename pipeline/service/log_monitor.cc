#include "pipeline/service/log_monitor.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "audit/ledger/checkpoint.h"
#include "audit/ledger/merkle_proof.h"
#include "audit/ledger/receipt.h"
#include "base/file.h"
#include "pipeline/service/http_fetch.h"

namespace hallmark::pipeline {
namespace {

struct State {
  std::string log_key;
  std::string checkpoint;  // signed note; empty on the first run
};

Result<State> ReadState(const std::string& path) {
  State s;
  if (!std::filesystem::exists(path)) return s;
  HM_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path, 1 << 20));
  const nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (!j.is_object() || !j.contains("log_key") || !j["log_key"].is_string() ||
      !j.contains("checkpoint") || !j["checkpoint"].is_string()) {
    return Status::BadInput(path + ": not a monitor state file (log_key and checkpoint)");
  }
  s.log_key = j["log_key"].get<std::string>();
  s.checkpoint = j["checkpoint"].get<std::string>();
  return s;
}

Status WriteState(const std::string& path, const std::string& url, const State& s) {
  const std::string text =
      nlohmann::json{{"url", url}, {"log_key", s.log_key}, {"checkpoint", s.checkpoint}}.dump(2) +
      "\n";
  return WriteFileAtomic(path, ByteView(text));
}

}  // namespace

const char* MonitorOutcomeName(MonitorOutcome o) {
  switch (o) {
    case MonitorOutcome::kFirst:
      return "first";
    case MonitorOutcome::kUnchanged:
      return "unchanged";
    case MonitorOutcome::kGrew:
      return "grew";
    case MonitorOutcome::kRollback:
      return "rollback";
    case MonitorOutcome::kFork:
      return "fork";
    case MonitorOutcome::kBadSignature:
      break;
  }
  return "bad_signature";
}

Result<MonitorReport> MonitorLog(const MonitorRequest& request) {
  HM_ASSIGN_OR_RETURN(State state, ReadState(request.state_file));
  if (!request.log_key.empty() && !state.log_key.empty() && request.log_key != state.log_key) {
    return Status::BadInput(request.state_file + ": it monitors the log key " + state.log_key +
                            ", not " + request.log_key + " (use another state file)");
  }
  if (state.log_key.empty()) state.log_key = request.log_key;
  if (state.log_key.empty()) {
    return Status::InvalidArgument(
        "the first run needs the log key to check checkpoints with (--log-key; the studio prints "
        "it with 'hallmark audit log-key')");
  }
  HM_ASSIGN_OR_RETURN(audit::CheckpointVerifier key,
                      audit::CheckpointVerifier::FromVerifierKey(state.log_key));
  HM_ASSIGN_OR_RETURN(std::string note, HttpGet(request.url, "/api/v1/checkpoint", 64 << 10));

  MonitorReport report;
  Result<audit::Checkpoint> now = key.Verify(note);
  if (!now.ok()) {
    report.outcome = MonitorOutcome::kBadSignature;
    report.detail =
        "the server's checkpoint is not signed by the pinned log key: " + now.status().message();
    return report;
  }
  report.new_size = now->size;
  if (state.checkpoint.empty()) {
    report.outcome = MonitorOutcome::kFirst;
    report.detail = "first checkpoint seen, size " + std::to_string(now->size);
    state.checkpoint = note;
    HM_RETURN_IF_ERROR(WriteState(request.state_file, request.url, state));
    return report;
  }
  HM_ASSIGN_OR_RETURN(audit::Checkpoint before, key.Verify(state.checkpoint));
  report.old_size = before.size;
  if (now->size < before.size) {
    report.outcome = MonitorOutcome::kRollback;
    report.detail = "the log shrank from " + std::to_string(before.size) + " to " +
                    std::to_string(now->size) + " entries: both checkpoints are signed";
    return report;
  }
  if (now->size == before.size) {
    report.outcome = now->root == before.root ? MonitorOutcome::kUnchanged : MonitorOutcome::kFork;
    report.detail = report.outcome == MonitorOutcome::kFork
                        ? "two signed checkpoints of size " + std::to_string(now->size) +
                              " with different roots"
                        : "no new entries since size " + std::to_string(now->size);
    return report;
  }
  const std::string path = "/api/v1/proof/consistency?from=" + std::to_string(before.size) +
                           "&to=" + std::to_string(now->size);
  HM_ASSIGN_OR_RETURN(std::string body, HttpGet(request.url, path, 64 << 10));
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  Result<audit::ConsistencyProofRecord> proof = audit::ConsistencyProofFromJson(j);
  if (!proof.ok()) return proof.status().WithContext(request.url + path);
  if (proof->from != before.size || proof->to != now->size) {
    return Status::BadInput(request.url + path + ": the proof is for other sizes");
  }
  const Status consistent =
      audit::VerifyConsistency(before.size, now->size, proof->proof, before.root, now->root);
  if (!consistent.ok()) {
    report.outcome = MonitorOutcome::kFork;
    report.detail = "the checkpoint of size " + std::to_string(now->size) +
                    " does not extend the one of size " + std::to_string(before.size) + ": " +
                    consistent.message();
    return report;
  }
  report.outcome = MonitorOutcome::kGrew;
  report.detail = "grew from " + std::to_string(before.size) + " to " + std::to_string(now->size) +
                  " entries, consistent";
  state.checkpoint = note;
  HM_RETURN_IF_ERROR(WriteState(request.state_file, request.url, state));
  return report;
}

}  // namespace hallmark::pipeline
