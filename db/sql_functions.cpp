#include "db/sql_functions.h"

#include <re2/re2.h>
#include <sqlite3.h>

#include <charconv>
#include <memory>
#include <string>

namespace pm::db {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::array<uint8_t, 4>> parse_v4(std::string_view s) {
  std::array<uint8_t, 4> out{};
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
    size_t start = i;
    int value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) value = value * 10 + (s[i++] - '0');
    size_t digits = i - start;
    if (digits == 0 || value > 255 || (digits > 1 && s[start] == '0')) return std::nullopt;
    out[static_cast<size_t>(part)] = static_cast<uint8_t>(value);
  }
  if (i != s.size()) return std::nullopt;
  return out;
}

// Parses the colon-separated groups of one side of "::" into 16-bit words;
// an IPv4 tail counts as two words (allowed only when `tail_ok`).
bool parse_v6_groups(std::string_view s, bool tail_ok, std::array<uint16_t, 8>& words, size_t& count) {
  count = 0;
  if (s.empty()) return true;
  size_t i = 0;
  while (true) {
    size_t end = s.find(':', i);
    std::string_view group = s.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (end == std::string_view::npos && tail_ok && group.find('.') != std::string_view::npos) {
      auto v4 = parse_v4(group);
      if (!v4 || count + 2 > 8) return false;
      words[count++] = static_cast<uint16_t>((*v4)[0] << 8 | (*v4)[1]);
      words[count++] = static_cast<uint16_t>((*v4)[2] << 8 | (*v4)[3]);
      return true;
    }
    if (group.empty() || group.size() > 4 || count == 8) return false;
    unsigned value = 0;
    for (char c : group) {
      int d = hex_digit(c);
      if (d < 0) return false;
      value = value * 16 + static_cast<unsigned>(d);
    }
    words[count++] = static_cast<uint16_t>(value);
    if (end == std::string_view::npos) return true;
    i = end + 1;
  }
}

std::optional<std::array<uint8_t, 16>> parse_v6(std::string_view s) {
  if (size_t pct = s.find('%'); pct != std::string_view::npos) {
    if (pct + 1 == s.size()) return std::nullopt;
    s = s.substr(0, pct);
  }
  std::array<uint16_t, 8> head{}, tail{};
  size_t nhead = 0, ntail = 0;
  size_t gap = s.find("::");
  if (gap == std::string_view::npos) {
    if (!parse_v6_groups(s, true, head, nhead) || nhead != 8) return std::nullopt;
  } else {
    std::string_view left = s.substr(0, gap), right = s.substr(gap + 2);
    if (right.find("::") != std::string_view::npos) return std::nullopt;
    if (!parse_v6_groups(left, false, head, nhead) || !parse_v6_groups(right, true, tail, ntail)) return std::nullopt;
    if (nhead + ntail > 7) return std::nullopt;
  }
  std::array<uint16_t, 8> words{};
  for (size_t k = 0; k < nhead; ++k) words[k] = head[k];
  for (size_t k = 0; k < ntail; ++k) words[8 - ntail + k] = tail[k];
  std::array<uint8_t, 16> out{};
  for (size_t k = 0; k < 8; ++k) {
    out[2 * k] = static_cast<uint8_t>(words[k] >> 8);
    out[2 * k + 1] = static_cast<uint8_t>(words[k] & 0xFF);
  }
  return out;
}

std::string_view arg_text(sqlite3_value* v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  if (!p) return {};
  return {p, static_cast<size_t>(sqlite3_value_bytes(v))};
}

void delete_re2(void* p) { delete static_cast<RE2*>(p); }
void delete_network(void* p) { delete static_cast<IpNetwork*>(p); }

void pm_regexp(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_int(ctx, 0);
    return;
  }
  auto* cached = static_cast<RE2*>(sqlite3_get_auxdata(ctx, 0));
  std::unique_ptr<RE2> fresh;
  if (!cached) {
    std::string_view pattern = arg_text(argv[0]);
    RE2::Options options;
    options.set_log_errors(false);
    fresh = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
    if (!fresh->ok()) {
      std::string msg = "pm_regexp: invalid regular expression '" + std::string(pattern) + "': " + fresh->error();
      sqlite3_result_error(ctx, msg.c_str(), static_cast<int>(msg.size()));
      return;
    }
    cached = fresh.get();
  }
  std::string_view value = arg_text(argv[1]);
  bool hit = RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), *cached);
  sqlite3_result_int(ctx, hit ? 1 : 0);
  // SQLite may free the pattern at once (when the argument is not constant),
  // so it is handed over only after its last use.
  if (fresh) sqlite3_set_auxdata(ctx, 0, fresh.release(), &delete_re2);
}

void pm_cidr(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_int(ctx, 0);
    return;
  }
  auto* cached = static_cast<IpNetwork*>(sqlite3_get_auxdata(ctx, 1));
  std::unique_ptr<IpNetwork> fresh;
  if (!cached) {
    std::string_view text = arg_text(argv[1]);
    auto net = parse_cidr(text);
    if (!net) {
      std::string msg = "pm_cidr: invalid CIDR network '" + std::string(text) + "'";
      sqlite3_result_error(ctx, msg.c_str(), static_cast<int>(msg.size()));
      return;
    }
    fresh = std::make_unique<IpNetwork>(*net);
    cached = fresh.get();
  }
  bool hit = false;
  if (sqlite3_value_type(argv[0]) == SQLITE_TEXT) {
    if (auto addr = parse_ip_address(arg_text(argv[0]))) hit = network_contains(*cached, *addr);
  }
  sqlite3_result_int(ctx, hit ? 1 : 0);
  if (fresh) sqlite3_set_auxdata(ctx, 1, fresh.release(), &delete_network);
}

}  // namespace

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  IpAddress out;
  if (auto v4 = parse_v4(text)) {
    for (size_t k = 0; k < 4; ++k) out.bytes[k] = (*v4)[k];
    return out;
  }
  if (text.find(':') == std::string_view::npos) return std::nullopt;
  auto v6 = parse_v6(text);
  if (!v6) return std::nullopt;
  out.bytes = *v6;
  out.v6 = true;
  return out;
}

std::optional<IpNetwork> parse_cidr(std::string_view text) {
  size_t slash = text.find('/');
  auto addr = parse_ip_address(text.substr(0, slash));
  if (!addr) return std::nullopt;
  int max = addr->v6 ? 128 : 32;
  int prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (ec != std::errc() || p != digits.data() + digits.size() || prefix < 0 || prefix > max) return std::nullopt;
  }
  IpNetwork net;
  net.prefix = prefix;
  net.base = *addr;
  for (int bit = prefix; bit < max; ++bit) {
    net.base.bytes[static_cast<size_t>(bit / 8)] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  return net;
}

bool network_contains(const IpNetwork& network, const IpAddress& address) {
  IpAddress a = address;
  if (!network.base.v6 && a.v6) {
    // ::ffff:a.b.c.d is the IPv4 address a.b.c.d.
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    for (size_t k = 0; k < 12; ++k)
      if (a.bytes[k] != kMapped[k]) return false;
    IpAddress v4;
    for (size_t k = 0; k < 4; ++k) v4.bytes[k] = a.bytes[12 + k];
    a = v4;
  }
  if (a.v6 != network.base.v6) return false;
  int full = network.prefix / 8;
  for (int k = 0; k < full; ++k)
    if (a.bytes[static_cast<size_t>(k)] != network.base.bytes[static_cast<size_t>(k)]) return false;
  int rest = network.prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xFFu << (8 - rest));
  return (a.bytes[static_cast<size_t>(full)] & mask) == network.base.bytes[static_cast<size_t>(full)];
}

Status register_sql_functions(sqlite3* db) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  struct Fn {
    const char* name;
    void (*fn)(sqlite3_context*, int, sqlite3_value**);
  };
  for (Fn f : {Fn{"pm_regexp", &pm_regexp}, Fn{"pm_cidr", &pm_cidr}}) {
    int rc = sqlite3_create_function_v2(db, f.name, 2, flags, nullptr, f.fn, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
      return Status::error(ErrorKind::io, std::string("registering SQL function ") + f.name + ": " + sqlite3_errmsg(db));
  }
  return Status::ok();
}

}  // namespace pm::db
