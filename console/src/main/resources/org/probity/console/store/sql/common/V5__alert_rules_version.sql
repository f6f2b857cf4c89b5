-- The version of the rules (topic probity.rules) that judged each alert; alerts stored before the
-- rules had versions were judged by the rules file the job started with, version 1.
ALTER TABLE alert ADD COLUMN rules_version INT DEFAULT 1 NOT NULL;
