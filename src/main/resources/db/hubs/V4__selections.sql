-- Stored selections (fr.eduatlas.selection.SelectionStore) in the shared store, so that replicas
-- serving releases find a selection whichever of them computed it. The body is the selection's
-- JSON; read_at is the last read (milliseconds), which the store's bounds go by; a kept selection
-- (one a campaign froze) is never removed.

CREATE TABLE stored_selection (
  id VARCHAR(64) PRIMARY KEY,
  body TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  read_at BIGINT NOT NULL,
  kept INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX stored_selection_read ON stored_selection (kept, read_at);
