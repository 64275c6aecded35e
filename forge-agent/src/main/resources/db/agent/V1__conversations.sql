-- Agent Forge agent: conversation history, shared by agent replicas.
create table conversations (
    id         text primary key,
    owner      text        not null,
    title      text        not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create index conversations_owner on conversations (owner, updated_at desc);

create table conversation_turns (
    conversation_id text        not null references conversations (id) on delete cascade,
    seq             int         not null,
    question        text        not null,
    answer          text        not null,
    steps           jsonb       not null,
    at              timestamptz not null,
    primary key (conversation_id, seq)
);
