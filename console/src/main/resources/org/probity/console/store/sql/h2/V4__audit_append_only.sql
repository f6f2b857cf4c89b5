-- Nobody edits the audit trail: updates and deletes are refused by the database itself.
CREATE TRIGGER audit_log_append_only BEFORE UPDATE, DELETE ON audit_log FOR EACH ROW
  CALL 'org.probity.console.store.AppendOnlyTrigger';
