-- Rectification (整改) to closure: an alert closed by an accepted rectification is no longer open.
ALTER TABLE alert ADD COLUMN closed_at BIGINT;
ALTER TABLE alert ADD COLUMN closed_by VARCHAR(256);

-- Numbered documents: 预警告知书 (WARNING) and 监察建议书 (SUPERVISION), kept as issued.
CREATE TABLE notice (
  notice_id BIGINT PRIMARY KEY, kind VARCHAR(16) NOT NULL, issue_year INT NOT NULL, serial_no INT NOT NULL,
  unit_id VARCHAR(256) NOT NULL, issued_at BIGINT NOT NULL, issued_day INT NOT NULL, due_day INT,
  working_days INT, issued_by VARCHAR(256) NOT NULL, issued_name VARCHAR(256) NOT NULL,
  UNIQUE (kind, issue_year, serial_no));
CREATE INDEX notice_by_unit ON notice (unit_id);

-- One problem of a notice being put right: AWAITING (整改中), FEEDBACK (待审核), RETURNED, ACCEPTED.
CREATE TABLE rectification (
  notice_id BIGINT NOT NULL, alert_id VARCHAR(256) NOT NULL, unit_id VARCHAR(256) NOT NULL, item_no INT NOT NULL,
  due_day INT NOT NULL, state VARCHAR(16) NOT NULL, escalated_at BIGINT, supervision_id BIGINT, closed_at BIGINT,
  PRIMARY KEY (notice_id, alert_id));
CREATE INDEX rectification_by_alert ON rectification (alert_id);

-- The unit's written reports back, and the centre's decision on each.
CREATE TABLE feedback (
  seq BIGINT PRIMARY KEY, notice_id BIGINT NOT NULL, alert_id VARCHAR(256) NOT NULL,
  submitted_by VARCHAR(256) NOT NULL, received_at BIGINT NOT NULL, body VARCHAR(4000) NOT NULL,
  attachment VARCHAR(256), recorded_by VARCHAR(256) NOT NULL,
  decision VARCHAR(16), decided_at BIGINT, decided_by VARCHAR(256), decision_note VARCHAR(2000));
CREATE INDEX feedback_by_item ON feedback (notice_id, alert_id);

-- Every operator action (who, what, when); append-only (the vendor migrations refuse changes).
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY, acted_at BIGINT NOT NULL, username VARCHAR(256) NOT NULL, display_name VARCHAR(256) NOT NULL,
  action VARCHAR(32) NOT NULL, target VARCHAR(600) NOT NULL, detail VARCHAR(4000));
-- Acknowledgements were operator actions before the trail existed: they open it.
INSERT INTO audit_log (seq, acted_at, username, display_name, action, target, detail)
  SELECT seq, acked_at, username, display_name, 'ACKNOWLEDGE', alert_id, note FROM acknowledgement;

-- Each unit's integrity index over time (the board keeps only the latest).
CREATE TABLE unit_status_history (
  unit_id VARCHAR(256) NOT NULL, as_of BIGINT NOT NULL, score DOUBLE PRECISION NOT NULL, colour VARCHAR(16) NOT NULL,
  grade VARCHAR(4) NOT NULL, open_alerts INT NOT NULL, PRIMARY KEY (unit_id, as_of));

-- Approval cases from the approval topic, for 按时办结率 / 提前办结率 (seed 003).
CREATE TABLE approval_case (
  case_id VARCHAR(256) PRIMARY KEY, unit_id VARCHAR(256) NOT NULL, item_code VARCHAR(256) NOT NULL,
  received_at BIGINT, decided_at BIGINT);
