-- The schema the console made with CREATE TABLE IF NOT EXISTS before it had migrations; a store
-- that older console wrote is baselined at this version instead of running it.
CREATE TABLE alert (
  alert_id VARCHAR(256) PRIMARY KEY, rule_id VARCHAR(256) NOT NULL, reason VARCHAR(256) NOT NULL,
  severity VARCHAR(16) NOT NULL, severity_rank INT NOT NULL, status VARCHAR(16) NOT NULL,
  unit_id VARCHAR(256) NOT NULL, first_event_time BIGINT NOT NULL, received_at BIGINT NOT NULL,
  version BIGINT NOT NULL, record VARCHAR(1000000) NOT NULL,
  ack_rank INT, ack_user VARCHAR(256), ack_name VARCHAR(256), ack_at BIGINT, ack_status VARCHAR(16),
  ack_note VARCHAR(2000));
CREATE INDEX alert_by_version ON alert (version);
CREATE INDEX alert_by_unit ON alert (unit_id, status);
CREATE TABLE alert_step (
  alert_id VARCHAR(256) NOT NULL, step_key VARCHAR(64) NOT NULL, received_at BIGINT NOT NULL,
  record VARCHAR(1000000) NOT NULL, PRIMARY KEY (alert_id, step_key));
CREATE TABLE acknowledgement (
  seq BIGINT PRIMARY KEY, alert_id VARCHAR(256) NOT NULL, username VARCHAR(256) NOT NULL,
  display_name VARCHAR(256) NOT NULL, acked_at BIGINT NOT NULL, severity VARCHAR(16) NOT NULL,
  status VARCHAR(16) NOT NULL, note VARCHAR(2000));
CREATE INDEX acknowledgement_by_alert ON acknowledgement (alert_id);
CREATE TABLE evidence_event (
  event_id VARCHAR(256) PRIMARY KEY, seq BIGINT NOT NULL, stream VARCHAR(16) NOT NULL,
  unit_id VARCHAR(256) NOT NULL, event_time BIGINT NOT NULL, record VARCHAR(1000000) NOT NULL);
CREATE INDEX evidence_event_by_seq ON evidence_event (seq);
CREATE TABLE evidence_ref (
  event_id VARCHAR(256) NOT NULL, alert_id VARCHAR(256) NOT NULL, PRIMARY KEY (event_id, alert_id));
CREATE TABLE consumed_offset (
  topic VARCHAR(250) NOT NULL, part INT NOT NULL, next_offset BIGINT NOT NULL, PRIMARY KEY (topic, part));
CREATE TABLE console_meta (name VARCHAR(100) PRIMARY KEY, val VARCHAR(1000) NOT NULL);
