-- The fast path: a batch new to the store copied straight into the table. %s: CopyText's column list, the order
-- of its rows.
COPY events %s FROM STDIN
