-- The local data hubs' store (fr.eduatlas.hub.HubStore): one schema for the embedded SQLite file
-- and for PostgreSQL, in the SQL both accept. Times are epoch milliseconds (UTC); identifiers are
-- made by the application. Nothing here is ever updated in place but token use, revocation and
-- rebuild status: versions, publications and the audit log are append-only.

CREATE TABLE hub (
  id VARCHAR(64) PRIMARY KEY,
  name VARCHAR(300) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  home_level VARCHAR(16) NOT NULL,
  home_code VARCHAR(16) NOT NULL,
  territory_level VARCHAR(16) NOT NULL,
  territory_code VARCHAR(16) NOT NULL,
  scope_types VARCHAR(64) NOT NULL,
  scope_datasets VARCHAR(128) NOT NULL,
  created_at BIGINT NOT NULL,
  created_by VARCHAR(320) NOT NULL
);

CREATE TABLE member (
  id VARCHAR(320) PRIMARY KEY,
  admin INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);

CREATE TABLE membership (
  hub_id VARCHAR(64) NOT NULL REFERENCES hub (id),
  member_id VARCHAR(320) NOT NULL REFERENCES member (id),
  role VARCHAR(16) NOT NULL,
  granted_at BIGINT NOT NULL,
  granted_by VARCHAR(320) NOT NULL,
  PRIMARY KEY (hub_id, member_id, role)
);

CREATE TABLE api_token (
  id VARCHAR(32) PRIMARY KEY,
  member_id VARCHAR(320) NOT NULL REFERENCES member (id),
  hub_id VARCHAR(64) REFERENCES hub (id),
  name VARCHAR(200) NOT NULL,
  secret_hash VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  last_used_at BIGINT,
  last_used_from VARCHAR(64)
);

CREATE TABLE upload (
  id VARCHAR(32) PRIMARY KEY,
  hub_id VARCHAR(64) NOT NULL REFERENCES hub (id),
  member_id VARCHAR(320) NOT NULL,
  at BIGINT NOT NULL,
  rows_read BIGINT NOT NULL,
  rows_accepted BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  report TEXT NOT NULL
);

CREATE TABLE dataset_version (
  hub_id VARCHAR(64) NOT NULL REFERENCES hub (id),
  dataset VARCHAR(16) NOT NULL,
  number INTEGER NOT NULL,
  upload_id VARCHAR(32) NOT NULL REFERENCES upload (id),
  created_at BIGINT NOT NULL,
  created_by VARCHAR(320) NOT NULL,
  row_count BIGINT NOT NULL,
  latest_observation VARCHAR(32),
  PRIMARY KEY (hub_id, dataset, number)
);

CREATE TABLE version_row (
  hub_id VARCHAR(64) NOT NULL,
  dataset VARCHAR(16) NOT NULL,
  number INTEGER NOT NULL,
  row_key VARCHAR(64) NOT NULL,
  uai VARCHAR(8) NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (hub_id, dataset, number, row_key),
  FOREIGN KEY (hub_id, dataset, number) REFERENCES dataset_version (hub_id, dataset, number)
);

CREATE TABLE publication (
  id VARCHAR(32) PRIMARY KEY,
  hub_id VARCHAR(64) NOT NULL,
  dataset VARCHAR(16) NOT NULL,
  number INTEGER NOT NULL,
  at BIGINT NOT NULL,
  by_member VARCHAR(320) NOT NULL,
  FOREIGN KEY (hub_id, dataset, number) REFERENCES dataset_version (hub_id, dataset, number)
);
CREATE INDEX publication_hub ON publication (hub_id, dataset, at);

CREATE TABLE rebuild (
  id VARCHAR(32) PRIMARY KEY,
  requested_at BIGINT NOT NULL,
  requested_by VARCHAR(320) NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  status VARCHAR(16) NOT NULL,
  detail TEXT,
  report TEXT
);

CREATE TABLE audit (
  id VARCHAR(32) PRIMARY KEY,
  at BIGINT NOT NULL,
  actor VARCHAR(320),
  hub_id VARCHAR(64),
  action VARCHAR(32) NOT NULL,
  version VARCHAR(64),
  address VARCHAR(64),
  outcome VARCHAR(16) NOT NULL,
  detail TEXT
);
CREATE INDEX audit_hub ON audit (hub_id, at);
