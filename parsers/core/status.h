// Status and Result<T>: the error channel for expected failures (bad file,
// bad input, I/O, limits). Exceptions are reserved for fatal errors and are
// caught once in cli/main.cpp. Both types are cheap values; not thread-shared.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace pm {

enum class ErrorKind {
  io,           // a file could not be read or written
  bad_input,    // content is not what it claims to be
  unsupported,  // a known but unsupported variant
  limit,        // a safety limit was hit (size, depth, count)
  usage,        // the caller asked for something invalid
  conflict,     // e.g. a case database from a newer pushmortem
  interrupted,  // the user pressed Ctrl-C
};

const char* to_string(ErrorKind kind);

class Status {
 public:
  Status() = default;  // ok
  static Status ok() { return Status(); }
  static Status error(ErrorKind kind, std::string message) {
    Status s;
    s.failed_ = true;
    s.kind_ = kind;
    s.message_ = std::move(message);
    return s;
  }
  bool is_ok() const { return !failed_; }
  explicit operator bool() const { return !failed_; }
  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }

 private:
  bool failed_ = false;
  ErrorKind kind_ = ErrorKind::io;
  std::string message_;
};

// Result<T> holds either a value or a failed Status.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}    // NOLINT: must be a failure
  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() { return value(); }
  const Status& status() const {
    static const Status ok_status;
    return is_ok() ? ok_status : std::get<1>(v_);
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace pm
