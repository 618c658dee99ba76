-- Keeps a batch of rejected inputs of one source in one statement, in their order; an input already kept (same
-- source, line and input) is kept once. Its value: the bytes newly kept.
WITH kept AS (
    INSERT INTO rejected_events (source, line, input_format, input, reason)
    SELECT :source, line, input_format, input, reason
    FROM unnest(:lines, :formats, :inputs, :reasons) WITH ORDINALITY
        AS r (line, input_format, input, reason, n)
    ORDER BY n
    ON CONFLICT (source, coalesce(line, 0), md5(input)) DO NOTHING
    RETURNING octet_length(input) AS bytes)
SELECT coalesce(sum(bytes), 0) FROM kept
