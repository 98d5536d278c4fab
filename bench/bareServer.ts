// The yardstick of the load benchmark: bare Express and better-sqlite3 with the same pragmas as the
// app (WAL, synchronous = FULL), one upsert per posted page and one transaction per sent
// questionnaire, no sessions, CSRF, headers or templates. Run by bench/run.ts as its own process;
// prints "listening on port N".
import Database from 'better-sqlite3';
import express from 'express';

const file = process.argv[2];
if (!file) throw new Error('usage: bareServer.ts <sqlite file>');
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE IF NOT EXISTS drafts (response_id INTEGER PRIMARY KEY, body TEXT NOT NULL, saved_at TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS sent (response_id INTEGER PRIMARY KEY, sent_at TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS sent_scores (response_id INTEGER NOT NULL, indicator TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY (response_id, indicator));`);
const upsert = db.prepare(`INSERT INTO drafts (response_id, body, saved_at) VALUES (?, ?, datetime('now'))
  ON CONFLICT (response_id) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at`);
const markSent = db.prepare(`INSERT INTO sent (response_id, sent_at) VALUES (?, datetime('now'))`);
const addScore = db.prepare('INSERT INTO sent_scores (response_id, indicator, score) VALUES (?, ?, ?)');
const indicators = ['trust_fk', 'trust_af', 'trust_health', 'trust_municipality', 'participation', 'coordination', 'self_efficacy', 'health', 'life_situation', 'work_ability'];
const send = db.transaction((id: number) => {
  markSent.run(id);
  for (const indicator of indicators) addScore.run(id, indicator, 4);
});

const app = express();
app.use(express.urlencoded({ extended: false }));
app.post('/save/:id', (req, res) => {
  upsert.run(Number(req.params.id), JSON.stringify(req.body));
  res.redirect(303, `/save/${req.params.id}`);
});
app.post('/submit/:id', (req, res) => {
  send(Number(req.params.id));
  res.redirect(303, '/thanks');
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on port ${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => server.close(() => db.close()));
