/**
 * One SQLite file holds the whole embedded platform. WAL with synchronous=NORMAL survives a
 * process crash (SIGKILL) without losing a committed transaction; only a power loss can take the
 * last few, which is why production runs the distributed runtime.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS event_log (
  offset      INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id    TEXT NOT NULL UNIQUE,
  appended_at TEXT NOT NULL,
  record_id   TEXT NOT NULL,
  subject_ref TEXT NOT NULL,
  meta        TEXT NOT NULL,
  sealed      BLOB
);
CREATE INDEX IF NOT EXISTS event_log_record ON event_log(record_id);
CREATE INDEX IF NOT EXISTS event_log_time ON event_log(appended_at);

CREATE TABLE IF NOT EXISTS consumer_offsets (grp TEXT PRIMARY KEY, committed INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS subjects (ref TEXT PRIMARY KEY, controller TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blind_index (
  controller  TEXT NOT NULL,
  hash        TEXT NOT NULL,
  subject_ref TEXT NOT NULL,
  PRIMARY KEY (controller, hash)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS key_vault (kid TEXT PRIMARY KEY, wrapped BLOB, created_at TEXT NOT NULL, destroyed_at TEXT);

CREATE TABLE IF NOT EXISTS records (
  id          TEXT PRIMARY KEY,
  controller  TEXT NOT NULL,
  category    TEXT NOT NULL,
  subject_ref TEXT NOT NULL,
  status      TEXT NOT NULL,
  due_at      TEXT,
  disposed_at TEXT,
  state       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_due ON records(status, due_at);
CREATE INDEX IF NOT EXISTS records_subject ON records(subject_ref);
CREATE INDEX IF NOT EXISTS records_disposed ON records(disposed_at) WHERE disposed_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS deletion_tasks (
  task_id         TEXT PRIMARY KEY,
  record_id       TEXT NOT NULL,
  status          TEXT NOT NULL,
  next_attempt_at TEXT NOT NULL,
  task            TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_ready ON deletion_tasks(status, next_attempt_at);
CREATE INDEX IF NOT EXISTS tasks_record ON deletion_tasks(record_id);

CREATE TABLE IF NOT EXISTS audit (
  seq       INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  target_id TEXT,
  entry     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_target ON audit(target_id);
CREATE TRIGGER IF NOT EXISTS audit_append_only_u BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_d BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE IF NOT EXISTS dead_letters (
  n           INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,
  status      TEXT NOT NULL,
  entry       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dead_letters_status ON dead_letters(status, n);
-- blind indexes of the identifiers a rejected event carried: an erasure finds the person's dead letters by them
CREATE TABLE IF NOT EXISTS dead_letter_subjects (
  controller TEXT NOT NULL,
  hash       TEXT NOT NULL,
  id         TEXT NOT NULL,
  PRIMARY KEY (controller, hash, id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS holds (
  id         TEXT PRIMARY KEY,
  controller TEXT NOT NULL,
  status     TEXT NOT NULL,
  placed_at  TEXT NOT NULL,
  revision   INTEGER NOT NULL,
  hold       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS holds_status ON holds(status, placed_at);

CREATE TABLE IF NOT EXISTS subject_requests (
  id          TEXT PRIMARY KEY,
  controller  TEXT NOT NULL,
  subject_ref TEXT NOT NULL,
  status      TEXT NOT NULL,
  received_at TEXT NOT NULL,
  revision    INTEGER NOT NULL,
  request     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS subject_requests_status ON subject_requests(status, received_at);
CREATE INDEX IF NOT EXISTS subject_requests_subject ON subject_requests(subject_ref, received_at);

-- erasure commands for systems that delete their own data; they poll and acknowledge over HTTP
CREATE TABLE IF NOT EXISTS erasure_commands (
  command_id  TEXT PRIMARY KEY,
  controller  TEXT NOT NULL,
  store       TEXT NOT NULL,
  issued_at   TEXT NOT NULL,
  command     TEXT NOT NULL,
  acked_at    TEXT
);
CREATE INDEX IF NOT EXISTS erasure_commands_pending ON erasure_commands(controller, store, issued_at) WHERE acked_at IS NULL;

CREATE TABLE IF NOT EXISTS api_tokens (token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, roles TEXT NOT NULL, created_at TEXT NOT NULL);
`;
