// One schema for both backends: migrations/sqlite and migrations/postgres must give these
// tables, columns and types (checked by tests/schema.rs).

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        unit -> Nullable<Text>,
        disabled -> Bool,
        created_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> Integer,
        role -> Text,
    }
}

diesel::table! {
    user_municipalities (user_id, municipality_code) {
        user_id -> Integer,
        municipality_code -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> Integer,
        token_hash -> Text,
        user_id -> Integer,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Integer,
        user_id -> Integer,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Integer,
        username_hash -> Text,
        client_address -> Text,
        at -> Timestamp,
        succeeded -> Bool,
    }
}

diesel::table! {
    access_log (id) {
        id -> Integer,
        at -> Timestamp,
        actor_user_id -> Nullable<Integer>,
        action -> Text,
        record_kind -> Text,
        record_id -> Nullable<Text>,
        municipality_code -> Nullable<Text>,
        request_id -> Nullable<Text>,
        client_address -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    access_log_head (id) {
        id -> Integer,
        last_id -> Integer,
        last_hash -> Text,
    }
}

diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(user_municipalities -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(population_imports -> users (imported_by));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    user_roles,
    user_municipalities,
    sessions,
    api_tokens,
    login_attempts,
    access_log,
    access_log_head,
    population_imports,
    populations,
);

diesel::table! {
    population_imports (id) {
        id -> Integer,
        year -> Integer,
        source -> Text,
        file_name -> Nullable<Text>,
        row_count -> Integer,
        imported_at -> Timestamp,
        imported_by -> Nullable<Integer>,
    }
}

diesel::table! {
    populations (municipality_code, year) {
        municipality_code -> Text,
        year -> Integer,
        population -> BigInt,
        import_id -> Integer,
    }
}

diesel::joinable!(populations -> population_imports (import_id));
