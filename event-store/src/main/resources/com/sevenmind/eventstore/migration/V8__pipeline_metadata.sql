-- What the pipeline said about an event beside the event itself: RudderStack's receivedAt, a column because the
-- store computes lateness with it, and the rest of RudderStack's and Pub/Sub's fields as one JSON object. Nullable
-- and without a default, so that adding them changes only the catalog and never rewrites the table; rows stored
-- before keep NULL.
ALTER TABLE events ADD COLUMN received_at timestamptz NULL;
ALTER TABLE events ADD COLUMN metadata jsonb NULL;
