#include "cli/style.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "cli/platform.h"
#include "db/ingest.h"

namespace pm::cli {

// ---------------------------------------------------------------- colour

CLI::Option* add_color_option(CLI::App* cmd, ColorMode& mode) {
  static const std::map<std::string, ColorMode> kModes = {
      {"auto", ColorMode::auto_detect}, {"always", ColorMode::always}, {"never", ColorMode::never}};
  return cmd
      ->add_option("--color", mode,
                   "Colour: auto (when standard output is a terminal and NO_COLOR is not set), always or never")
      ->transform(CLI::CheckedTransformer(kModes, CLI::ignore_case))
      ->option_text("auto|always|never");
}

bool decide_color(ColorMode mode, bool is_terminal, const char* no_color) {
  switch (mode) {
    case ColorMode::always: return true;
    case ColorMode::never: return false;
    case ColorMode::auto_detect: break;
  }
  return is_terminal && (no_color == nullptr || *no_color == '\0');
}

bool stdout_color(ColorMode mode) {
  return decide_color(mode, mode == ColorMode::auto_detect && stdout_is_terminal(), std::getenv("NO_COLOR"));
}

std::string Style::paint(std::string_view text, std::string_view code) const {
  if (!on_ || code.empty() || text.empty()) return std::string(text);
  std::string out = "\033[";
  out += code;
  out += 'm';
  out += text;
  out += "\033[0m";
  return out;
}

std::string_view level_sgr(std::string_view level) {
  if (level == "critical") return sgr::bold_red;
  if (level == "high") return sgr::red;
  if (level == "medium") return sgr::yellow;
  if (level == "low") return sgr::cyan;
  return {};
}

// ----------------------------------------------------------------- width

size_t decide_table_width(bool is_terminal, const char* columns_env, size_t terminal_columns) {
  if (!is_terminal) return 0;
  if (columns_env != nullptr && *columns_env != '\0') {
    char* end = nullptr;
    long n = std::strtol(columns_env, &end, 10);
    if (*end == '\0' && n > 0) return static_cast<size_t>(n);
  }
  return terminal_columns;
}

TableWriter::Options stdout_table_options(bool color, TableWriter::Options base) {
  const bool terminal = stdout_is_terminal();
  base.max_width = decide_table_width(terminal, std::getenv("COLUMNS"), terminal ? stdout_terminal_columns() : 0);
  base.color = color;
  return base;
}

// --------------------------------------------------------------- options

CLI::Option* add_format_option(CLI::App* cmd, std::string& format, const std::vector<std::string>& names,
                               const std::string& help) {
  if (format.empty() && !names.empty()) format = names.front();
  const bool has_text = std::find(names.begin(), names.end(), "text") != names.end();
  const bool has_table = std::find(names.begin(), names.end(), "table") != names.end();
  std::string text = help;
  if (has_text && !has_table) text += "; 'table' is the same as 'text'";
  if (has_table && !has_text) text += "; 'text' is the same as 'table'";
  return cmd->add_option("--format", format, text)
      ->check(CLI::IsMember(names))
      ->transform([has_text, has_table](std::string value) {
        if (has_text && !has_table && value == "table") return std::string("text");
        if (has_table && !has_text && value == "text") return std::string("table");
        return value;
      })
      ->capture_default_str();
}

void add_format_alias(CLI::Option* format_option, const std::string& alias, const std::string& name) {
  if (format_option == nullptr) return;
  format_option->transform([alias, name](std::string value) { return value == alias ? name : value; });
}

void add_verbosity_flags(CLI::App* cmd, Verbosity& v, const std::string& quiet_help, const std::string& verbose_help) {
  CLI::Option* q = cmd->add_flag("-q,--quiet", v.quiet,
                                 quiet_help.empty() ? "No progress and no summary: only the results and errors"
                                                    : quiet_help);
  CLI::Option* verbose =
      cmd->add_flag("-v,--verbose", v.verbose,
                    verbose_help.empty() ? "Also print details and where the time went (standard error)" : verbose_help);
  q->excludes(verbose);
}

// -------------------------------------------------------------- progress

bool progress_wanted(bool quiet) { return !quiet && stderr_is_terminal(); }

std::string progress_bar(double fraction, size_t width) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  size_t filled = static_cast<size_t>(fraction * static_cast<double>(width) + 0.5);
  std::string out = "[";
  out.append(filled, '#');
  out.append(width - filled, '.');
  out += ']';
  return out;
}

std::string ingest_progress_text(const db::IngestProgress& p, size_t columns) {
  if (columns == 0) columns = 80;
  const double fraction =
      p.bytes_total ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 0.0;
  std::string line = fmt::format("{} {:3.0f}%  {}/{} files", progress_bar(fraction, 20), fraction * 100,
                                 p.files_done, p.files_total);
  std::string path = one_line(p.current);
  const size_t used = display_width(line) + 2;
  if (path.empty() || used + 8 >= columns) return line;
  const size_t room = columns - used - 1;  // never the last column: some terminals wrap there
  if (display_width(path) > room) {
    // Keep the end of the path (the file name), cut at a character boundary.
    size_t start = path.size();
    size_t width = 0;
    while (start > 0) {
      size_t prev = start - 1;
      while (prev > 0 && (static_cast<unsigned char>(path[prev]) & 0xC0) == 0x80) --prev;
      size_t w = display_width(std::string_view(path).substr(prev, start - prev));
      if (width + w > room - 1) break;
      width += w;
      start = prev;
    }
    path = "\xE2\x80\xA6" + path.substr(start);  // …
  }
  return line + "  " + path;
}

StatusLine::StatusLine(bool enabled, std::chrono::milliseconds delay)
    : enabled_(enabled), start_(std::chrono::steady_clock::now() + delay), last_() {}

StatusLine::~StatusLine() { clear(); }

bool StatusLine::due() const {
  if (!enabled_) return false;
  const auto now = std::chrono::steady_clock::now();
  return now >= start_ && (!drawn_ || now - last_ >= std::chrono::milliseconds(100));
}

void StatusLine::update(std::string_view text) {
  if (!due()) return;
  last_ = std::chrono::steady_clock::now();
  std::string line = "\r\033[K";
  line += text;
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void StatusLine::clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

Spinner::Spinner(std::string command, bool enabled) : command_(std::move(command)) {
  if (enabled) thread_ = std::thread([this] { run(); });
}

Spinner::~Spinner() { stop(); }

void Spinner::phase(std::string text) {
  std::lock_guard<std::mutex> lock(mutex_);
  phase_ = std::move(text);
}

void Spinner::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Spinner::run() {
  static constexpr char kFrames[] = {'|', '/', '-', '\\'};
  const auto start = std::chrono::steady_clock::now();
  StatusLine line(true, std::chrono::seconds(1));
  size_t frame = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; })) {
    std::string text = fmt::format("{} {}: {}  {:.1f} s", kFrames[frame++ % 4], command_, phase_, seconds_since(start));
    size_t columns = stderr_terminal_columns();
    if (columns > 1) text = fit_cell(text, columns - 1);
    lock.unlock();
    line.update(text);
    lock.lock();
  }
  lock.unlock();
  line.clear();
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace pm::cli
