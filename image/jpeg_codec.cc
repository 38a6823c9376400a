// JPEG through libjpeg-turbo. libjpeg reports fatal errors through error_exit, which we turn into
// a longjmp back into JpegGuarded(); bodies passed to it own no C++ objects with destructors.
// Corrupt-data warnings (libjpeg fills missing data with grey and carries on) are treated as
// errors: a truncated file must not decode as a plausible picture.
// jpeglib.h needs size_t and FILE declared before it.
#include <cstddef>
#include <cstdio>

#include <jerror.h>
#include <jpeglib.h>

#include <csetjmp>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "image/codec.h"

namespace hallmark::image {
namespace {

struct JpegErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX] = "";
  bool corrupt = false;
};

void OnJpegError(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void OnJpegMessage(j_common_ptr cinfo, int msg_level) {
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  // Level -1 is a warning; on decode, every libjpeg warning signals damaged data except
  // trailing junk after the image, which is harmless.
  if (msg_level < 0 && cinfo->err->msg_code != JWRN_EXTRANEOUS_DATA && !err->corrupt) {
    err->corrupt = true;
    (*cinfo->err->format_message)(cinfo, err->message);
  }
}

void InstallErrorManager(JpegErrorManager* err) {
  jpeg_std_error(&err->pub);
  err->pub.error_exit = OnJpegError;
  err->pub.emit_message = OnJpegMessage;
}

template <typename Body>
bool JpegGuarded(JpegErrorManager* err, Body& body) {
  if (setjmp(err->jump)) return false;
  body();
  return true;
}

class Decompressor {
 public:
  explicit Decompressor(JpegErrorManager* err) {
    cinfo_.err = &err->pub;
    jpeg_create_decompress(&cinfo_);
  }
  ~Decompressor() { jpeg_destroy_decompress(&cinfo_); }
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;
  jpeg_decompress_struct* get() { return &cinfo_; }

 private:
  jpeg_decompress_struct cinfo_{};
};

class Compressor {
 public:
  explicit Compressor(JpegErrorManager* err) {
    cinfo_.err = &err->pub;
    jpeg_create_compress(&cinfo_);
  }
  ~Compressor() { jpeg_destroy_compress(&cinfo_); }
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;
  jpeg_compress_struct* get() { return &cinfo_; }

 private:
  jpeg_compress_struct cinfo_{};
};

// libjpeg allocates the output buffer with malloc; this frees it on every path.
struct MallocBuffer {
  unsigned char* data = nullptr;
  unsigned long size = 0;
  ~MallocBuffer() { std::free(data); }
};

// CMYK as Photoshop writes it (the Adobe marker) stores inverted ink values.
void CmykRowToRgb(const uint8_t* cmyk, uint8_t* rgb, size_t width, bool inverted) {
  for (size_t x = 0; x < width; ++x) {
    int c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
    if (!inverted) {
      c = 255 - c;
      m = 255 - m;
      y = 255 - y;
      k = 255 - k;
    }
    rgb[3 * x] = static_cast<uint8_t>((c * k + 127) / 255);
    rgb[3 * x + 1] = static_cast<uint8_t>((m * k + 127) / 255);
    rgb[3 * x + 2] = static_cast<uint8_t>((y * k + 127) / 255);
  }
}

}  // namespace

Result<Image> DecodeJpeg(ByteView bytes, const DecodeLimits& limits) {
  if (bytes.size() < 3 || bytes[0] != 0xff || bytes[1] != 0xd8) {
    return Status::BadInput("not a JPEG file (bad signature)");
  }
  JpegErrorManager err;
  InstallErrorManager(&err);
  Decompressor d(&err);
  jpeg_decompress_struct* cinfo = d.get();

  auto read_header = [&] {
    jpeg_mem_src(cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(cinfo, TRUE);
    switch (cinfo->jpeg_color_space) {
      case JCS_GRAYSCALE:
        cinfo->out_color_space = JCS_GRAYSCALE;
        break;
      case JCS_CMYK:
      case JCS_YCCK:
        cinfo->out_color_space = JCS_CMYK;
        break;
      default:
        cinfo->out_color_space = JCS_RGB;
        break;
    }
  };
  if (!JpegGuarded(&err, read_header)) return Status::BadInput(std::string("JPEG: ") + err.message);
  const uint64_t pixels = uint64_t(cinfo->image_width) * cinfo->image_height;
  if (pixels > limits.max_pixels) {
    return Status::BadInput("JPEG of " + std::to_string(cinfo->image_width) + "x" +
                            std::to_string(cinfo->image_height) + " pixels exceeds the limit of " +
                            std::to_string(limits.max_pixels) + " pixels");
  }
  const bool cmyk = cinfo->out_color_space == JCS_CMYK;
  const bool inverted_cmyk = cmyk && cinfo->saw_Adobe_marker;
  const int channels = cinfo->out_color_space == JCS_GRAYSCALE ? 1 : 3;
  HM_ASSIGN_OR_RETURN(Image img, Image::Create(int(cinfo->image_width), int(cinfo->image_height),
                                               channels, 8, limits.max_pixels));
  std::vector<uint8_t> cmyk_row(cmyk ? size_t(cinfo->image_width) * 4 : 0);
  auto read_pixels = [&] {
    jpeg_start_decompress(cinfo);
    while (cinfo->output_scanline < cinfo->output_height) {
      const int y = int(cinfo->output_scanline);
      JSAMPROW row = cmyk ? cmyk_row.data() : img.row(y);
      jpeg_read_scanlines(cinfo, &row, 1);
      if (cmyk) CmykRowToRgb(cmyk_row.data(), img.row(y), size_t(img.width()), inverted_cmyk);
    }
    jpeg_finish_decompress(cinfo);
  };
  if (!JpegGuarded(&err, read_pixels)) return Status::BadInput(std::string("JPEG: ") + err.message);
  if (err.corrupt) return Status::BadInput(std::string("JPEG: corrupt data: ") + err.message);
  return img;
}

Result<Bytes> EncodeJpeg(const Image& src, const JpegOptions& options) {
  if (src.empty()) return Status::InvalidArgument("cannot encode an empty image as JPEG");
  if (options.quality < 1 || options.quality > 100) {
    return Status::InvalidArgument("JPEG quality " + std::to_string(options.quality) +
                                   " is not between 1 and 100");
  }
  // JPEG has no alpha and no 16-bit baseline: reduce first.
  Image img = ConvertDepth(src, 8);
  if (img.has_alpha()) img = ConvertChannels(img, img.channels() - 1);

  JpegErrorManager err;
  InstallErrorManager(&err);
  Compressor c(&err);
  jpeg_compress_struct* cinfo = c.get();
  MallocBuffer buffer;
  auto write = [&] {
    jpeg_mem_dest(cinfo, &buffer.data, &buffer.size);
    cinfo->image_width = JDIMENSION(img.width());
    cinfo->image_height = JDIMENSION(img.height());
    cinfo->input_components = img.channels();
    cinfo->in_color_space = img.channels() == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, options.quality, TRUE);
    if (img.channels() == 3) {
      int h = 2, v = 2;
      if (options.subsampling == ChromaSubsampling::k444) h = v = 1;
      if (options.subsampling == ChromaSubsampling::k422) v = 1;
      cinfo->comp_info[0].h_samp_factor = h;
      cinfo->comp_info[0].v_samp_factor = v;
    }
    if (options.progressive) jpeg_simple_progression(cinfo);
    jpeg_start_compress(cinfo, TRUE);
    while (cinfo->next_scanline < cinfo->image_height) {
      JSAMPROW row = const_cast<JSAMPROW>(img.row(int(cinfo->next_scanline)));
      jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
  };
  if (!JpegGuarded(&err, write)) {
    return Status::Internal(std::string("JPEG encoder: ") + err.message);
  }
  return Bytes(buffer.data, buffer.data + buffer.size);
}

}  // namespace hallmark::image
