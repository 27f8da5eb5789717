// pm_make_evtx DESCRIPTION.txt OUT.evtx
// Writes an EVTX file from a text description (format: tests/support/evtx_writer.h,
// parse_evtx_description). "-" reads the description from standard input.
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "support/evtx_writer.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: pm_make_evtx DESCRIPTION.txt|- OUT.evtx\n";
    return 64;
  }
  std::string text;
  if (std::string(argv[1]) == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
      std::cerr << "pm_make_evtx: cannot read " << argv[1] << "\n";
      return 66;
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto spec = pm::test::parse_evtx_description(text);
  if (!spec) {
    std::cerr << "pm_make_evtx: " << argv[1] << ": " << spec.status().message() << "\n";
    return 65;
  }
  auto info = pm::test::write_evtx(argv[2], spec.value());
  if (!info) {
    std::cerr << "pm_make_evtx: " << info.status().message() << "\n";
    return 1;
  }
  std::cout << argv[2] << ": " << info->record_ids.size() << " records, " << info->slack_record_ids.size()
            << " in slack space, " << info->chunks << " chunks, " << info->templates_defined << " template definitions, "
            << info->template_references << " template references, " << info->file_size << " bytes\n";
  return 0;
}
