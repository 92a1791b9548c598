-- Laps, runs and sessions are views over the insights, so each fact is stored once and every upsert of an insight
-- is reflected in them.

-- One row per lap_summary insight.
CREATE VIEW laps AS
SELECT insight_id,
       session_id,
       source_id,
       manifest_sha256,
       lap_number,
       start_timestamp_us,
       end_timestamp_us,
       (end_timestamp_us - start_timestamp_us) / 1e6 AS lap_time_s,
       frame_count
FROM insights
WHERE kind = 'lap_summary';

-- A run: one source of one session processed by one manifest. Lap 0 is the out-lap (before the car first crosses
-- the line, as the F1 games and the shipped simulator number it): a lap, but not a candidate for the best lap.
CREATE VIEW runs AS
SELECT session_id,
       source_id,
       manifest_sha256,
       max(manifest_name)                                          AS manifest_name,
       min(start_timestamp_us)                                     AS start_timestamp_us,
       max(end_timestamp_us)                                       AS end_timestamp_us,
       count(*) FILTER (WHERE kind = 'lap_summary')                AS laps,
       min((end_timestamp_us - start_timestamp_us) / 1e6)
           FILTER (WHERE kind = 'lap_summary' AND lap_number >= 1) AS best_lap_s,
       bool_or(kind = 'session_summary')                           AS completed
FROM insights
GROUP BY session_id, source_id, manifest_sha256;

-- A session: every run with its id.
CREATE VIEW sessions AS
SELECT session_id,
       count(*)                AS runs,
       min(start_timestamp_us) AS start_timestamp_us,
       max(end_timestamp_us)   AS end_timestamp_us,
       sum(laps)               AS laps
FROM runs
GROUP BY session_id;
