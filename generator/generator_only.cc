#include "generator/generator_only.h"

#include <algorithm>
#include <filesystem>

#include "base/file.h"
#include "base/sha256.h"
#include "generator/checkpoint_file.h"

namespace hallmark::generator {

Result<GeneratorOnlyCopy> WriteGeneratorOnly(const std::string& model_path,
                                             const std::string& out_path) {
  std::error_code ec;
  if (std::filesystem::equivalent(model_path, out_path, ec)) {
    return Status::InvalidArgument(out_path + ": is the model itself; write the copy elsewhere");
  }
  HM_ASSIGN_OR_RETURN(Bytes original, ReadFile(model_path));
  HM_ASSIGN_OR_RETURN(Checkpoint ckpt, DecodeCheckpoint(original, model_path));
  GeneratorOnlyCopy copy;
  copy.source_id = Sha256Hex(original);
  auto& tensors = ckpt.tensors;
  const auto before = tensors.size();
  tensors.erase(std::remove_if(tensors.begin(), tensors.end(),
                               [](const TensorRecord& t) { return t.name.rfind("G.", 0) != 0; }),
                tensors.end());
  if (tensors.empty()) {
    return Status::BadInput(
        model_path +
        ": holds no separate generator weights (G.*); only a DCGAN's file can be reduced to "
        "its generator");
  }
  copy.tensors_dropped = before - tensors.size();
  if (copy.tensors_dropped == 0) {
    // Already sampling-only: the copy is the same model, byte for byte, so it keeps its id.
    HM_RETURN_IF_ERROR(WriteFileAtomic(out_path, original));
    copy.model_id = copy.source_id;
    return copy;
  }
  ckpt.header["generator_only_of"] = copy.source_id;
  HM_ASSIGN_OR_RETURN(copy.model_id, WriteCheckpoint(out_path, ckpt));
  return copy;
}

}  // namespace hallmark::generator
