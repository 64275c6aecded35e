-- Catalog search: one embedding per function name, of the text identified by text_hash (model id + the sentence the
-- model read). A plain real[]; no vector extension is needed, similarity is computed in the registry.
create table function_embeddings (
    function   text primary key,
    text_hash  text        not null,
    vector     real[]      not null,
    updated_at timestamptz not null
);
