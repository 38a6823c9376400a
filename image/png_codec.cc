// PNG through libpng's full API (the simplified API turns 16-bit data into linear light, which
// would break bit-exact round trips). libpng reports errors by longjmp, so each libpng call
// sequence runs inside PngGuarded(), whose body owns no C++ objects that need destructors.
#include <png.h>

#include <cctype>
#include <csetjmp>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "image/codec.h"

namespace hallmark::image {
namespace {

struct PngIo {
  ByteView input;
  size_t pos = 0;
  Bytes* output = nullptr;
  char error[256] = "";
};

void OnPngError(png_structp png, png_const_charp msg) {
  auto* io = static_cast<PngIo*>(png_get_error_ptr(png));
  std::snprintf(io->error, sizeof io->error, "%s", msg);
  png_longjmp(png, 1);
}

void OnPngWarning(png_structp, png_const_charp) {}

void ReadFromMemory(png_structp png, png_bytep out, size_t count) {
  auto* io = static_cast<PngIo*>(png_get_io_ptr(png));
  if (count > io->input.size() - io->pos) png_error(png, "truncated PNG data");
  std::memcpy(out, io->input.data() + io->pos, count);
  io->pos += count;
}

void WriteToMemory(png_structp png, png_bytep data, size_t count) {
  auto* io = static_cast<PngIo*>(png_get_io_ptr(png));
  io->output->insert(io->output->end(), data, data + count);
}

void FlushNothing(png_structp) {}

// Owns a read or write png_struct and its info struct.
class PngHandle {
 public:
  PngHandle(bool for_write, PngIo* io) : for_write_(for_write) {
    png_ = for_write ? png_create_write_struct(PNG_LIBPNG_VER_STRING, io, OnPngError, OnPngWarning)
                     : png_create_read_struct(PNG_LIBPNG_VER_STRING, io, OnPngError, OnPngWarning);
    if (png_) info_ = png_create_info_struct(png_);
  }
  ~PngHandle() {
    if (for_write_) {
      png_destroy_write_struct(&png_, info_ ? &info_ : nullptr);
    } else {
      png_destroy_read_struct(&png_, info_ ? &info_ : nullptr, nullptr);
    }
  }
  PngHandle(const PngHandle&) = delete;
  PngHandle& operator=(const PngHandle&) = delete;

  bool ok() const { return png_ && info_; }
  png_structp png() const { return png_; }
  png_infop info() const { return info_; }

 private:
  bool for_write_;
  png_structp png_ = nullptr;
  png_infop info_ = nullptr;
};

template <typename Body>
bool PngGuarded(png_structp png, Body& body) {
  if (setjmp(png_jmpbuf(png))) return false;
  body();
  return true;
}

// Ancillary chunks (iCCP, zTXt, iTXt ...) that libpng inflates into memory are refused above
// this size, so a small compressed chunk cannot expand into gigabytes.
constexpr png_alloc_size_t kMaxChunkBytes = png_alloc_size_t{64} << 20;

// The widest a decoded row can get after the transforms below: 4 channels of 16 bits. A width
// whose row would not fit in size_t (only possible on 32-bit hosts) is refused like an image over
// the pixel limit, before libpng computes row sizes that would overflow.
bool RowFitsInMemory(png_uint_32 width) {
  constexpr uint64_t kMaxBytesPerPixel = 8;  // 4 channels x 2 bytes
  return uint64_t(width) <= std::numeric_limits<size_t>::max() / kMaxBytesPerPixel;
}

// libpng allocates (and clears) a chunk's declared length before it reads the chunk: a 47-byte
// file whose tEXt chunk claims 1.8 GB cost 1.8 GB and 10 s before "truncated" was reported, and
// png_set_chunk_malloc_max does not cover every chunk type. So every chunk up to IEND must fit in
// the bytes that remain before libpng sees the file.
Status CheckChunkLengths(ByteView bytes) {
  constexpr size_t kSignature = 8, kFraming = 12;  // length, type, CRC
  size_t at = kSignature;
  while (bytes.size() - at >= kFraming) {
    const uint8_t* p = bytes.data() + at;
    const uint64_t length =
        (uint64_t(p[0]) << 24) | (uint64_t(p[1]) << 16) | (uint64_t(p[2]) << 8) | uint64_t(p[3]);
    if (length > bytes.size() - at - kFraming) {
      std::string type(p + 4, p + 8);
      for (char& c : type) {
        if (!std::isalpha(static_cast<unsigned char>(c))) c = '?';
      }
      return Status::BadInput("truncated PNG data (a " + type + " chunk claims " +
                              std::to_string(length) + " bytes, " +
                              std::to_string(bytes.size() - at - kFraming) + " remain)");
    }
    at += kFraming + size_t(length);
    if (std::memcmp(p + 4, "IEND", 4) == 0) break;
  }
  return Status::Ok();
}

bool HostIsLittleEndian() {
  const uint16_t probe = 1;
  uint8_t first;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

}  // namespace

Result<Image> DecodePng(ByteView bytes, const DecodeLimits& limits) {
  if (bytes.size() < 8 || png_sig_cmp(bytes.data(), 0, 8) != 0) {
    return Status::BadInput("not a PNG file (bad signature)");
  }
  HM_RETURN_IF_ERROR(CheckChunkLengths(bytes));
  PngIo io;
  io.input = bytes;
  PngHandle h(false, &io);
  if (!h.ok()) return Status::Internal("libpng could not allocate a decoder");
  png_structp png = h.png();
  png_infop info = h.info();

  png_uint_32 width = 0, height = 0;
  int channels = 0, depth = 0;
  bool over_limit = false;
  // png_read_update_info sizes libpng's row buffers from the header, so the pixel limit is
  // checked between png_read_info (which allocates nothing per pixel) and that call.
  auto read_header = [&] {
    png_set_read_fn(png, &io, ReadFromMemory);
    png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_set_chunk_malloc_max(png, kMaxChunkBytes);
    // Decoding pixels needs none of the compressed ancillary chunks, and inflating them is where
    // a tiny file can cost seconds and a gigabyte (a 265-byte PNG whose iCCP profile took 8 s and
    // 1.5 GB). Metadata is read elsewhere (XMP through exiv2, C2PA from caBX), never from here.
    static constexpr png_byte kSkipped[] = "iCCP\0iTXt\0zTXt\0tEXt\0sPLT";
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, kSkipped, 5);
    png_read_info(png, info);
    width = png_get_image_width(png, info);
    height = png_get_image_height(png, info);
    if (uint64_t(width) * height > limits.max_pixels || !RowFitsInMemory(width)) {
      over_limit = true;
      return;
    }
    const int color_type = png_get_color_type(png, info);
    depth = png_get_bit_depth(png, info);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (depth == 16 && HostIsLittleEndian()) png_set_swap(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    channels = png_get_channels(png, info);
    depth = png_get_bit_depth(png, info);
  };
  if (!PngGuarded(png, read_header)) return Status::BadInput(std::string("PNG: ") + io.error);
  if (over_limit) {
    return Status::BadInput("PNG of " + std::to_string(width) + "x" + std::to_string(height) +
                            " pixels exceeds the limit of " + std::to_string(limits.max_pixels) +
                            " pixels");
  }
  HM_ASSIGN_OR_RETURN(Image img,
                      Image::Create(int(width), int(height), channels, depth, limits.max_pixels));
  if (png_get_rowbytes(png, info) != img.row_bytes()) {
    return Status::Internal("PNG row size disagrees with the decoded layout");
  }
  std::vector<png_bytep> rows(height);
  for (png_uint_32 y = 0; y < height; ++y) rows[y] = img.row(int(y));
  auto read_pixels = [&] {
    png_read_image(png, rows.data());
    png_read_end(png, nullptr);
  };
  if (!PngGuarded(png, read_pixels)) return Status::BadInput(std::string("PNG: ") + io.error);
  return img;
}

Result<Bytes> EncodePng(const Image& img, const PngOptions& options) {
  if (img.empty()) return Status::InvalidArgument("cannot encode an empty image as PNG");
  Bytes out;
  out.reserve(img.size_bytes() / 2 + 1024);
  PngIo io;
  io.output = &out;
  PngHandle h(true, &io);
  if (!h.ok()) return Status::Internal("libpng could not allocate an encoder");
  png_structp png = h.png();
  png_infop info = h.info();

  static const int kColorTypes[] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                    PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
  std::vector<png_bytep> rows(size_t(img.height()));
  for (int y = 0; y < img.height(); ++y) rows[size_t(y)] = const_cast<png_bytep>(img.row(y));
  auto write = [&] {
    png_set_write_fn(png, &io, WriteToMemory, FlushNothing);
    png_set_compression_level(png, options.compression_level);
    png_set_IHDR(png, info, png_uint_32(img.width()), png_uint_32(img.height()), img.bit_depth(),
                 kColorTypes[img.channels() - 1],
                 options.interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    if (img.bit_depth() == 16 && HostIsLittleEndian()) png_set_swap(png);
    if (options.interlace) png_set_interlace_handling(png);
    png_write_image(png, rows.data());
    png_write_end(png, nullptr);
  };
  if (options.compression_level < 0 || options.compression_level > 9) {
    return Status::InvalidArgument("PNG compression level " +
                                   std::to_string(options.compression_level) +
                                   " is not between 0 and 9");
  }
  if (!PngGuarded(png, write)) return Status::Internal(std::string("PNG encoder: ") + io.error);
  return out;
}

}  // namespace hallmark::image
