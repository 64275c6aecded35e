-- Token signing keys (ES256). The active key is the newest with retired_at null; retired keys stay until every token
-- they signed has expired. jwk holds the private key: this table is as sensitive as the database credentials.
create table signing_keys (
    kid        text primary key,
    jwk        text        not null,
    created_at timestamptz not null,
    retired_at timestamptz
);
