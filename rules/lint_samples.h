// Runs a rule's embedded samples (Extension::hits/misses) for lint
// (rules/lint.h). An in-memory case (db/case_db.h schema plus the derived
// tables of rules/derived_tables.h) receives each sample as one row of the
// rule's logsource table, inside a savepoint that is rolled back afterwards,
// so the compiled detection only ever sees that row: a hit must match, a miss
// must not. The mapping is read backwards (field -> column): event-keyed
// tables get an `events` row and the detail row with the logsource's `where`
// columns set; "event_data.NAME" fields, and fields the table does not name
// when it has `other_fields: event_data`, become win_event_data rows; standalone (derived TEMP) tables get
// the row directly. NOT NULL columns a sample does not give are filled with
// '' or 0. One SampleCase per thread.
#pragma once

#include <vector>

#include "db/case_db.h"
#include "rules/lint.h"

namespace pm::rules {

class SampleCase {
 public:
  static Result<SampleCase> create();

  // Appends a diagnostic for every sample of `rule` (a detection rule) that
  // does not behave as declared, or that cannot be inserted.
  void check(const Rule& rule, const Mapping& mapping, std::vector<Diagnostic>& out);

 private:
  explicit SampleCase(db::CaseDb c) : case_(std::move(c)) {}
  db::CaseDb case_;
  int64_t host_id_ = 0, source_id_ = 0;
};

}  // namespace pm::rules
