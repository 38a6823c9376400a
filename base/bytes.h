// Byte buffers. `Bytes` owns; `ByteView` borrows (a C++17 stand-in for std::span<const uint8_t>).
#ifndef HALLMARK_BASE_BYTES_H_
#define HALLMARK_BASE_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hallmark {

using Bytes = std::vector<uint8_t>;

class ByteView {
 public:
  ByteView() = default;
  ByteView(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  // Implicit on purpose, like std::span: any contiguous bytes can be passed where a view is taken.
  // NOLINTBEGIN(google-explicit-constructor)
  ByteView(const Bytes& b) : data_(b.data()), size_(b.size()) {}
  ByteView(std::string_view s)
      : data_(reinterpret_cast<const uint8_t*>(s.data())), size_(s.size()) {}
  ByteView(const std::string& s) : ByteView(std::string_view(s)) {}
  ByteView(const char* s) : ByteView(std::string_view(s)) {}
  // NOLINTEND(google-explicit-constructor)

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const uint8_t* begin() const { return data_; }
  const uint8_t* end() const { return data_ + size_; }
  uint8_t operator[](size_t i) const { return data_[i]; }

  // The bytes [offset, offset + count), clamped to the view.
  ByteView Slice(size_t offset, size_t count = static_cast<size_t>(-1)) const {
    if (offset > size_) offset = size_;
    if (count > size_ - offset) count = size_ - offset;
    return ByteView(data_ + offset, count);
  }
  Bytes ToBytes() const { return Bytes(begin(), end()); }
  std::string_view AsStringView() const {
    return std::string_view(reinterpret_cast<const char*>(data_), size_);
  }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace hallmark

#endif  // HALLMARK_BASE_BYTES_H_
