-- The contributors' space (fr.eduatlas.hub.Sessions, fr.eduatlas.hub.Feed, fr.eduatlas.hub.Directory):
-- web sessions and how they began, one-time login links, OpenID Connect login attempts in flight,
-- tokens restricted to the speed-test feed, the feed's batches and tests, and each hub's
-- directory of actors and projects. Secrets are stored only as SHA-256 hashes.

CREATE TABLE web_session (
  id VARCHAR(32) PRIMARY KEY,
  secret_hash VARCHAR(64) NOT NULL UNIQUE,
  member_id VARCHAR(320) NOT NULL REFERENCES member (id),
  via VARCHAR(16) NOT NULL,
  claim_roles TEXT NOT NULL,
  csrf VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  ended_at BIGINT,
  address VARCHAR(64)
);

CREATE TABLE login_link (
  id VARCHAR(32) PRIMARY KEY,
  member_id VARCHAR(320) NOT NULL REFERENCES member (id),
  secret_hash VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  created_by VARCHAR(320) NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,
  used_from VARCHAR(64)
);

CREATE TABLE login_state (
  state_hash VARCHAR(64) PRIMARY KEY,
  browser_hash VARCHAR(64) NOT NULL,
  verifier VARCHAR(128) NOT NULL,
  nonce VARCHAR(128) NOT NULL,
  created_at BIGINT NOT NULL
);

ALTER TABLE api_token ADD COLUMN usage VARCHAR(16) NOT NULL DEFAULT 'api';

CREATE TABLE feed_batch (
  hub_id VARCHAR(64) NOT NULL REFERENCES hub (id),
  batch_id VARCHAR(64) NOT NULL,
  at BIGINT NOT NULL,
  member_id VARCHAR(320) NOT NULL,
  token_id VARCHAR(32),
  rows_read BIGINT NOT NULL,
  rows_accepted BIGINT NOT NULL,
  rows_duplicate BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  report TEXT NOT NULL,
  PRIMARY KEY (hub_id, batch_id)
);

CREATE TABLE feed_test (
  hub_id VARCHAR(64) NOT NULL,
  row_key VARCHAR(64) NOT NULL,
  uai VARCHAR(8) NOT NULL,
  batch_id VARCHAR(64) NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (hub_id, row_key),
  FOREIGN KEY (hub_id, batch_id) REFERENCES feed_batch (hub_id, batch_id)
);

CREATE TABLE directory_version (
  hub_id VARCHAR(64) NOT NULL REFERENCES hub (id),
  number INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  created_by VARCHAR(320) NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (hub_id, number)
);

CREATE TABLE directory_publication (
  id VARCHAR(32) PRIMARY KEY,
  hub_id VARCHAR(64) NOT NULL,
  number INTEGER NOT NULL,
  at BIGINT NOT NULL,
  by_member VARCHAR(320) NOT NULL,
  FOREIGN KEY (hub_id, number) REFERENCES directory_version (hub_id, number)
);
