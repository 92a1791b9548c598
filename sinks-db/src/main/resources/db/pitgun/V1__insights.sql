-- Every insight-contract/v1 document the pipeline derived: the contract's fields as columns, the document as jsonb.
-- insight_id is a name-based UUID of (manifest digest, session, source, kind, lap): a re-derived insight has the
-- same id, so writing it again replaces the row (the sink upserts on it).
CREATE TABLE insights (
    insight_id          uuid PRIMARY KEY,
    schema_version      text NOT NULL,
    kind                text NOT NULL,
    session_id          uuid NOT NULL,
    player_id           uuid,
    source_id           integer NOT NULL,
    lap_number          integer,
    start_timestamp_us  bigint NOT NULL,
    end_timestamp_us    bigint NOT NULL,
    frame_count         bigint NOT NULL,
    first_sequence      bigint,
    last_sequence       bigint,
    manifest_sha256     text NOT NULL,
    manifest_name       text,
    signer_key_id       text,
    first_journal_index bigint,
    last_journal_index  bigint,
    dictionary          text,
    dictionary_sha256   text,
    document            jsonb NOT NULL,
    written_at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX insights_session ON insights (session_id, source_id, kind);
