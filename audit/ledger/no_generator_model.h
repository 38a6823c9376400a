// The model record that assets with no generator cite. Every asset row names a model; an image the
// studio signed and watermarked without generating it (`provenance sign --watermark`) names this
// one, which says, checkably, that no Hallmark model made it: architecture "none", no datasets, and
// as id the SHA-256 of the text "hallmark/no-generator/1", which no model file has.
#ifndef HALLMARK_AUDIT_LEDGER_NO_GENERATOR_MODEL_H_
#define HALLMARK_AUDIT_LEDGER_NO_GENERATOR_MODEL_H_

#include <string>

#include "audit/ledger/ledger_records.h"

namespace hallmark::audit {

const std::string& NoGeneratorModelId();

// The record as first written (recorded_at and log_index unset).
ModelRecord NoGeneratorModelRecord();

// True only for the record above: its id, architecture "none" and no datasets.
bool IsNoGeneratorModel(const ModelRecord& model);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_NO_GENERATOR_MODEL_H_
