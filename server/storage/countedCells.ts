import type { Db } from './db.js';
import { sql } from './statements.js';

// The counted cells (migration 009: score_cells, pair_cells) are kept by triggers at every write.
// A bulk write (an import of a hundred thousand questionnaires) would fire them for a million score
// rows, each pair trigger reading the person's scores twice; instead it defers them for its
// intervention (migration 012) and counts that intervention's cells afresh before it commits, from
// the same rows and by the same rules (the view counted_pairs) as the triggers: the result is the
// same table (test/integration/bulkImport.test.ts).

/** Counts one intervention's cells afresh from its score rows: the counts the triggers keep. */
function countCellsAfresh(db: Db, interventionId: number): void {
  sql(db, 'DELETE FROM score_cells WHERE intervention_id = ?').run(interventionId);
  sql(
    db,
    `INSERT INTO score_cells
     SELECT intervention_id, point, indicator_id, coalesce(gender, ''), coalesce(age_band, ''), coalesce(round_id, 0), score, sum(latest), sum(latest_in_round)
     FROM response_scores WHERE intervention_id = ? AND (latest = 1 OR latest_in_round = 1)
     GROUP BY 1, 2, 3, 4, 5, 6, 7`,
  ).run(interventionId);
  sql(db, 'DELETE FROM pair_cells WHERE intervention_id = ?').run(interventionId);
  sql(
    db,
    `INSERT INTO pair_cells
     SELECT intervention_id, indicator_id, from_point, to_point, gender, age_band, round_id, score_before, score_after, sum(in_all), sum(in_round)
     FROM counted_pairs WHERE intervention_id = ? GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
  ).run(interventionId);
}

/**
 * Runs `write` in one transaction with the counted-cell triggers off for one intervention's score
 * rows, then counts its cells afresh, so the transaction commits with the cells current (or rolls
 * back whole). Only for a write that changes many of that intervention's score rows.
 */
export function withCountedCellsDeferred<T>(db: Db, interventionId: number, write: () => T): T {
  return db.transaction(() => {
    sql(db, 'INSERT INTO counted_cells_deferred (intervention_id) VALUES (?)').run(interventionId);
    const result = write();
    countCellsAfresh(db, interventionId);
    sql(db, 'DELETE FROM counted_cells_deferred WHERE intervention_id = ?').run(interventionId);
    return result;
  })();
}
