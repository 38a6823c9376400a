#include "generator/backend_loader.h"

#include <dlfcn.h>
#include <malloc.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

namespace hallmark::generator {
namespace {

constexpr char kLibraryName[] = "libhallmark_generator.so";

std::string ExecutableDir() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, size_t(n));
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::vector<std::string> Candidates() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("HALLMARK_GENERATOR_LIB"); env && *env) {
    out.emplace_back(env);
    return out;  // an explicit choice is not second-guessed
  }
  std::string dir = ExecutableDir();
  out.push_back(dir + "/" + kLibraryName);
  out.push_back(dir + "/../lib/hallmark/" + kLibraryName);
  out.push_back(dir + "/../lib/" + kLibraryName);
#ifdef HALLMARK_GENERATOR_BUILD_LIB
  out.emplace_back(HALLMARK_GENERATOR_BUILD_LIB);
#endif
  return out;
}

Result<Backend*> Load() {
  std::string tried;
  for (const std::string& path : Candidates()) {
    if (::access(path.c_str(), F_OK) != 0) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* err = ::dlerror();
      return Status::Unsupported(
          path + ": cannot load the generator library: " + (err ? err : "unknown error"));
    }
    using EntryFn = Backend* (*)(int*);
    auto entry = reinterpret_cast<EntryFn>(::dlsym(handle, "HallmarkGeneratorBackend"));
    if (entry == nullptr) {
      return Status::Unsupported(path + ": not a Hallmark generator library (no entry point)");
    }
    int abi = 0;
    Backend* backend = entry(&abi);
    if (backend == nullptr || abi != kBackendAbiVersion) {
      return Status::Unsupported(path + ": generator library built for interface version " +
                                 std::to_string(abi) + ", this binary needs " +
                                 std::to_string(kBackendAbiVersion));
    }
    return backend;  // the handle stays open for the life of the process
  }
  return Status::Unsupported(
      "the generator library (LibTorch) is not installed: looked for " + tried +
      "; build with -DHALLMARK_WITH_GENERATOR=ON or set HALLMARK_GENERATOR_LIB");
}

}  // namespace

void TuneMallocForTensors() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 256 << 20);
}

Result<Backend*> LoadBackend() {
  static std::once_flag once;
  static Result<Backend*> result = Status::Internal("generator library not loaded");
  std::call_once(once, [] {
    result = Load();
    if (result.ok()) TuneMallocForTensors();
  });
  return result;
}

}  // namespace hallmark::generator
