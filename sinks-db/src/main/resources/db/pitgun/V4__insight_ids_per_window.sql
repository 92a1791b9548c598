-- insight_id became a name-based UUID of (manifest digest, session, source, kind, lap, the window's first journal
-- index): before, two windows of one lap number (a lap seen again, a session's frames coming again after its end)
-- had one id, and the later summary replaced the earlier one's row. This gives every row written before the id its
-- window has now, so that the sink, which runs the journal again from its start, replaces each row rather than
-- writing a second one beside it. The id is Java's UUID.nameUUIDFromBytes: MD5 of the name, version 3, IETF variant.
UPDATE insights
SET insight_id = ids.new_id,
    document = jsonb_set(document, '{insight_id}', to_jsonb(ids.new_id::text))
FROM (
    SELECT insight_id AS old_id,
           encode(set_byte(set_byte(h, 6, (get_byte(h, 6) & 15) | 48), 8, (get_byte(h, 8) & 63) | 128), 'hex')::uuid
               AS new_id
    FROM (
        SELECT insight_id,
               decode(md5('pitgun-insight:' || manifest_sha256 || ':' || session_id::text || ':' || source_id || ':' ||
                          kind || ':' || coalesce(lap_number, -1) || ':' || first_journal_index), 'hex') AS h
        FROM insights
        WHERE first_journal_index IS NOT NULL
    ) names
) ids
WHERE insights.insight_id = ids.old_id;
