// Fuzzes signed notes and checkpoints (audit/ledger/checkpoint.h). The input is a verifier key
// line followed by a note, as a witness receives them:
//
//   hallmark.local/ledger+<key id>+<base64 key>\n<note>
//
// so that seeds signed by any key reach the signature check. The whole input is also parsed as
// a checkpoint body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "audit/ledger/checkpoint.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hallmark;
  const std::string_view input = fuzz::AsText(data, size);
  (void)audit::ParseCheckpointBody(input);
  (void)hallmark::Base64Decode(input, "fuzz");

  const size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  Result<audit::CheckpointVerifier> verifier =
      audit::CheckpointVerifier::FromVerifierKey(input.substr(0, newline));
  if (!verifier.ok()) return 0;
  const std::string_view note = input.substr(newline + 1);
  (void)verifier->VerifyNote(note);
  Result<audit::Checkpoint> cp = verifier->Verify(note);
  if (cp.ok())
    fuzz::FuzzCheck(cp->origin == verifier->name(), "checkpoint origin differs from key");
  return 0;
}
