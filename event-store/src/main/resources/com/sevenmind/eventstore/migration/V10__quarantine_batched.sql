-- The quarantine's add counts the bytes it kept itself: once per source and add, in the statement that also checks
-- the cap, just before its commit. The insert trigger updated the source's row of quarantine_kept at every insert
-- statement, which held that row from an add's first statement to its commit: concurrent adds of one source queued
-- behind each other's inserts, past serve's statement limit. Inputs leaving the quarantine are still counted by the
-- delete and truncate triggers. Plain tables on the coordinator on Citus too, as V9 says.
DROP TRIGGER rejected_events_kept_add ON rejected_events;
DROP FUNCTION quarantine_kept_add();
