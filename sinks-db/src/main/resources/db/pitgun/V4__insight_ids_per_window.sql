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

-- A session summary names its laps' insights (laps[].insight_id): each takes the id its lap's row has now, found by
-- the lap's manifest, session, source, number and start (a lap no row holds any more keeps the id it had).
UPDATE insights s
SET document = jsonb_set(s.document, '{laps}', (
    SELECT jsonb_agg(CASE WHEN l.insight_id IS NULL THEN e
                          ELSE jsonb_set(e, '{insight_id}', to_jsonb(l.insight_id::text)) END ORDER BY a.ord)
    FROM jsonb_array_elements(s.document->'laps') WITH ORDINALITY AS a(e, ord)
    LEFT JOIN LATERAL (
        SELECT i.insight_id
        FROM insights i
        WHERE i.kind = 'lap_summary'
          AND i.manifest_sha256 = s.manifest_sha256
          AND i.session_id = s.session_id
          AND i.source_id = s.source_id
          AND i.lap_number = (a.e->>'lap_number')::integer
          AND i.start_timestamp_us = (a.e->>'start_timestamp_us')::bigint
        ORDER BY i.first_journal_index
        LIMIT 1
    ) l ON true))
WHERE s.kind = 'session_summary'
  AND jsonb_typeof(s.document->'laps') = 'array'
  AND jsonb_array_length(s.document->'laps') > 0;
