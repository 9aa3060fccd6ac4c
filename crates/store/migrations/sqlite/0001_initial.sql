-- Initial schema (SQLite). Times are microseconds since the Unix epoch; secrets are SHA-256 hex.

CREATE TABLE lists (
    kind        TEXT PRIMARY KEY,
    volgnummer  INTEGER NOT NULL,
    xml         TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL
);

CREATE TABLE auth_sessions (
    id_hash          TEXT PRIMARY KEY,
    request_json     TEXT NOT NULL,
    csrf_token       TEXT NOT NULL,
    saml_request_id  TEXT,
    bsn_enc          BLOB,
    stage            TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL
);
CREATE INDEX auth_sessions_expires_at ON auth_sessions (expires_at);

CREATE TABLE consents (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id         TEXT NOT NULL,
    aanbieder         TEXT NOT NULL,
    gegevensdiensten  TEXT NOT NULL,
    bsn_enc           BLOB NOT NULL,
    bsn_lookup        TEXT NOT NULL,
    duration          TEXT NOT NULL,
    correlation_id    TEXT,
    given_at          INTEGER NOT NULL,
    last_used_at      INTEGER NOT NULL,
    revoked_at        INTEGER
);
CREATE INDEX consents_bsn_lookup ON consents (bsn_lookup);

CREATE TABLE codes (
    hash                TEXT PRIMARY KEY,
    consent_id          INTEGER NOT NULL REFERENCES consents (id),
    client_id           TEXT NOT NULL,
    redirect_uri        TEXT NOT NULL,
    gegevensdiensten    TEXT NOT NULL,
    correlation_id      TEXT,
    issued_at           INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    used_at             INTEGER,
    access_token_hash   TEXT,
    refresh_token_hash  TEXT
);

CREATE TABLE access_tokens (
    hash              TEXT PRIMARY KEY,
    consent_id        INTEGER NOT NULL REFERENCES consents (id),
    client_id         TEXT NOT NULL,
    gegevensdiensten  TEXT NOT NULL,
    correlation_id    TEXT,
    issued_at         INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL,
    revoked_at        INTEGER
);
CREATE INDEX access_tokens_consent_id ON access_tokens (consent_id);

CREATE TABLE refresh_tokens (
    hash          TEXT PRIMARY KEY,
    consent_id    INTEGER NOT NULL REFERENCES consents (id),
    client_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    issued_at     INTEGER NOT NULL,
    last_used_at  INTEGER NOT NULL,
    revoked_at    INTEGER
);
CREATE INDEX refresh_tokens_consent_id ON refresh_tokens (consent_id);

CREATE TABLE audit_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    client_id       TEXT,
    aanbieder       TEXT,
    consent_id      INTEGER,
    bsn_enc         BLOB,
    bsn_lookup      TEXT,
    correlation_id  TEXT,
    request_id      TEXT,
    detail          TEXT NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_bsn_lookup ON audit_events (bsn_lookup);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

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
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
