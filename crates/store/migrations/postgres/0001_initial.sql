-- Initial schema (PostgreSQL). Times are microseconds since the Unix epoch; secrets are SHA-256 hex.

CREATE TABLE lists (
    kind        TEXT PRIMARY KEY,
    volgnummer  BIGINT NOT NULL,
    xml         TEXT NOT NULL,
    fetched_at  BIGINT NOT NULL
);

CREATE TABLE auth_sessions (
    id_hash          TEXT PRIMARY KEY,
    request_json     TEXT NOT NULL,
    csrf_token       TEXT NOT NULL,
    saml_request_id  TEXT,
    bsn_enc          BYTEA,
    stage            TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL
);
CREATE INDEX auth_sessions_expires_at ON auth_sessions (expires_at);

CREATE TABLE consents (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id         TEXT NOT NULL,
    aanbieder         TEXT NOT NULL,
    gegevensdiensten  TEXT NOT NULL,
    bsn_enc           BYTEA NOT NULL,
    bsn_lookup        TEXT NOT NULL,
    duration          TEXT NOT NULL,
    correlation_id    TEXT,
    given_at          BIGINT NOT NULL,
    last_used_at      BIGINT NOT NULL,
    revoked_at        BIGINT
);
CREATE INDEX consents_bsn_lookup ON consents (bsn_lookup);

CREATE TABLE codes (
    hash                TEXT PRIMARY KEY,
    consent_id          BIGINT NOT NULL REFERENCES consents (id),
    client_id           TEXT NOT NULL,
    redirect_uri        TEXT NOT NULL,
    gegevensdiensten    TEXT NOT NULL,
    correlation_id      TEXT,
    issued_at           BIGINT NOT NULL,
    expires_at          BIGINT NOT NULL,
    used_at             BIGINT,
    access_token_hash   TEXT,
    refresh_token_hash  TEXT
);

CREATE TABLE access_tokens (
    hash              TEXT PRIMARY KEY,
    consent_id        BIGINT NOT NULL REFERENCES consents (id),
    client_id         TEXT NOT NULL,
    gegevensdiensten  TEXT NOT NULL,
    correlation_id    TEXT,
    issued_at         BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    revoked_at        BIGINT
);
CREATE INDEX access_tokens_consent_id ON access_tokens (consent_id);

CREATE TABLE refresh_tokens (
    hash          TEXT PRIMARY KEY,
    consent_id    BIGINT NOT NULL REFERENCES consents (id),
    client_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    issued_at     BIGINT NOT NULL,
    last_used_at  BIGINT NOT NULL,
    revoked_at    BIGINT
);
CREATE INDEX refresh_tokens_consent_id ON refresh_tokens (consent_id);

CREATE TABLE audit_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    client_id       TEXT,
    aanbieder       TEXT,
    consent_id      BIGINT,
    bsn_enc         BYTEA,
    bsn_lookup      TEXT,
    correlation_id  TEXT,
    request_id      TEXT,
    detail          TEXT NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_bsn_lookup ON audit_events (bsn_lookup);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;

CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

CREATE TABLE providers (
    naam                 TEXT PRIMARY KEY,
    display_name         TEXT NOT NULL,
    ura                  TEXT NOT NULL,
    agb                  TEXT,
    his_app_id           TEXT NOT NULL,
    gegevensdiensten     TEXT NOT NULL,
    online_access_start  TEXT,
    status               TEXT NOT NULL,
    details              TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
