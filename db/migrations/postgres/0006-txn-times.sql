-- Old txns are purged, and recent ones reloaded at start-up, by time.
-- NEVER EDIT a migration that has landed: add a new numbered file instead.
CREATE INDEX seen_txns_time ON seen_txns(seen_at);
