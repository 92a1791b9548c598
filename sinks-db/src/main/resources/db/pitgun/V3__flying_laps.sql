-- Which laps are flying laps, as the live page decides: a lap_summary whose document says, through the max of its
-- manifest's 0/1 channels out_lap, in_lap and lap_invalid (the F1 game's manifest derives them from the lap data,
-- docs/f1.md), that the car was on an out-lap, an in-lap or an invalidated lap is not one; a source that says nothing
-- of it (the shipped simulator) has its out-lap as lap 0. A lap is complete once a later lap of its run has a summary
-- (the lap a session ended in may have been cut short; the live page, which sees frames, knows a lap is complete as
-- soon as the next one begins, so while a run is live this view can be one lap behind it). Only complete flying laps
-- are candidates for a run's best lap.

CREATE OR REPLACE VIEW laps AS
SELECT insight_id,
       session_id,
       source_id,
       manifest_sha256,
       lap_number,
       start_timestamp_us,
       end_timestamp_us,
       (end_timestamp_us - start_timestamp_us) / 1e6 AS lap_time_s,
       frame_count,
       NOT (coalesce((document #>> '{channels,out_lap,max}')::float8 >= 1, lap_number = 0)
            OR coalesce((document #>> '{channels,in_lap,max}')::float8 >= 1, false)
            OR coalesce((document #>> '{channels,lap_invalid,max}')::float8 >= 1, false)) AS flying,
       lap_number < max(lap_number) OVER (PARTITION BY session_id, source_id, manifest_sha256) AS complete
FROM insights
WHERE kind = 'lap_summary';

CREATE OR REPLACE VIEW runs AS
SELECT i.session_id,
       i.source_id,
       i.manifest_sha256,
       max(i.manifest_name)                                        AS manifest_name,
       min(i.start_timestamp_us)                                   AS start_timestamp_us,
       max(i.end_timestamp_us)                                     AS end_timestamp_us,
       count(*) FILTER (WHERE i.kind = 'lap_summary')              AS laps,
       min((i.end_timestamp_us - i.start_timestamp_us) / 1e6)
           FILTER (WHERE l.flying AND l.complete)                  AS best_lap_s,
       bool_or(i.kind = 'session_summary')                         AS completed
FROM insights i
LEFT JOIN laps l ON l.insight_id = i.insight_id
GROUP BY i.session_id, i.source_id, i.manifest_sha256;
