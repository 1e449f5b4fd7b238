-- Calls for interest run as campaigns (fr.eduatlas.hub.Campaigns): a hub's campaign freezes a
-- selection's shortlist, the shortlisted communes' hubs apply, the owner hub's jury decides, and
-- the laureate schools' works are followed up. Amounts in euros; dates as YYYY-MM-DD text.

CREATE TABLE campaign (
  id VARCHAR(32) PRIMARY KEY,
  hub_id VARCHAR(64) NOT NULL REFERENCES hub (id),
  name VARCHAR(300) NOT NULL,
  selection_id VARCHAR(64) NOT NULL,
  data_version VARCHAR(200) NOT NULL,
  budget DOUBLE PRECISION,
  opens_on VARCHAR(10) NOT NULL,
  closes_on VARCHAR(10) NOT NULL,
  closed_at BIGINT,
  shortlist TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by VARCHAR(320) NOT NULL
);

CREATE TABLE candidature (
  id VARCHAR(32) PRIMARY KEY,
  campaign_id VARCHAR(32) NOT NULL REFERENCES campaign (id),
  commune_code VARCHAR(5) NOT NULL,
  hub_id VARCHAR(64) NOT NULL REFERENCES hub (id),
  member_id VARCHAR(320) NOT NULL,
  body TEXT NOT NULL,
  cost DOUBLE PRECISION NOT NULL,
  cofunding DOUBLE PRECISION NOT NULL,
  attachment_name VARCHAR(200),
  attachment_type VARCHAR(100),
  attachment TEXT,
  decision VARCHAR(16),
  decision_comment TEXT,
  decided_by VARCHAR(320),
  decided_at BIGINT,
  created_at BIGINT NOT NULL,
  UNIQUE (campaign_id, commune_code)
);

CREATE TABLE campaign_works (
  campaign_id VARCHAR(32) NOT NULL REFERENCES campaign (id),
  uai VARCHAR(8) NOT NULL,
  candidature_id VARCHAR(32) NOT NULL REFERENCES candidature (id),
  status VARCHAR(16) NOT NULL,
  on_date VARCHAR(10) NOT NULL,
  connected_on VARCHAR(10),
  updated_at BIGINT NOT NULL,
  updated_by VARCHAR(320) NOT NULL,
  PRIMARY KEY (campaign_id, uai)
);
