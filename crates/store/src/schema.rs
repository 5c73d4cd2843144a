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
        email -> Nullable<Text>,
        sso_id -> Nullable<Text>,
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
        client_address -> Nullable<Text>,
        via_sso -> Bool,
    }
}

diesel::table! {
    sso_logins (id) {
        id -> Integer,
        handle_hash -> Text,
        state -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        next_path -> Text,
        created_at -> Timestamp,
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
    shared_posts,
    cost_models,
    agreements,
    agreement_versions,
    agreement_instalments,
    agreement_contacts,
    invoices,
    terminations,
    vacancies,
    user_permissions,
    activity_types,
    households,
    persons,
    record_changes,
    person_exits,
    activities,
    declines,
    work_exemptions,
    temporary_housings,
    housing_damages,
    support_tasks,
    case_notes,
    notifications,
    reimbursement_rules,
    reimbursement_rule_revisions,
    price_base_amounts,
    price_base_amount_revisions,
    claims,
    claim_events,
    costs,
    grants,
    grant_charges,
    accounting_settings,
    monthly_reports,
    deviations,
    interim_closings,
    obligations,
    obligation_fulfilments,
    staffing,
    documents,
    document_contents,
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

diesel::table! {
    shared_posts (id) {
        id -> Integer,
        name -> Text,
        county_code -> Text,
        employer_name -> Text,
        employer_org_number -> Text,
        population_year_lag -> Integer,
        created_at -> Timestamp,
        payment_account_kind -> Nullable<Text>,
        payment_account -> Nullable<Text>,
        payment_bic -> Nullable<Text>,
        street -> Nullable<Text>,
        postcode -> Nullable<Text>,
        city -> Nullable<Text>,
    }
}

diesel::table! {
    cost_models (id) {
        id -> Integer,
        post_id -> Integer,
        year -> Integer,
        monthly_salary_ore -> BigInt,
        on_cost_hundredths -> Integer,
        monthly_overhead_ore -> BigInt,
        stated_yearly_ore -> Nullable<BigInt>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    agreements (id) {
        id -> Integer,
        post_id -> Nullable<Integer>,
        kind -> Text,
        municipality_code -> Text,
        title -> Text,
        created_at -> Timestamp,
        invoice_street -> Nullable<Text>,
        invoice_postcode -> Nullable<Text>,
        invoice_city -> Nullable<Text>,
    }
}

diesel::table! {
    agreement_versions (id) {
        id -> Integer,
        agreement_id -> Integer,
        version -> Integer,
        effective_from -> Date,
        registry_number -> Nullable<Text>,
        decision -> Nullable<Text>,
        signed_on -> Nullable<Date>,
        start_date -> Date,
        end_date -> Nullable<Date>,
        notice_months -> Nullable<Integer>,
        refund_policy -> Text,
        vacancy_threshold_months -> Nullable<Integer>,
        schedule -> Text,
        yearly_due_month -> Nullable<Integer>,
        yearly_due_day -> Nullable<Integer>,
        municipality_org_number -> Text,
        county_org_number -> Text,
        note -> Nullable<Text>,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<Integer>,
    }
}

diesel::table! {
    agreement_instalments (id) {
        id -> Integer,
        version_id -> Integer,
        due_date -> Date,
        period_start -> Date,
        period_end -> Date,
    }
}

diesel::table! {
    agreement_contacts (id) {
        id -> Integer,
        version_id -> Integer,
        side -> Text,
        name -> Text,
        title -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
    }
}

diesel::table! {
    invoices (id) {
        id -> Integer,
        agreement_id -> Integer,
        municipality_code -> Text,
        number -> Text,
        kind -> Text,
        period_start -> Date,
        period_end -> Date,
        invoice_date -> Date,
        amount_ore -> BigInt,
        status -> Text,
        basis -> Text,
        issued_on -> Nullable<Date>,
        paid_on -> Nullable<Date>,
        credits_invoice_id -> Nullable<Integer>,
        created_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    terminations (id) {
        id -> Integer,
        agreement_id -> Integer,
        notice_date -> Date,
        end_date -> Date,
        registry_number -> Nullable<Text>,
        refund_ore -> BigInt,
        amount_due_ore -> BigInt,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<Integer>,
    }
}

diesel::table! {
    vacancies (id) {
        id -> Integer,
        post_id -> Integer,
        start_date -> Date,
        end_date -> Date,
        note -> Nullable<Text>,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<Integer>,
    }
}

diesel::joinable!(cost_models -> shared_posts (post_id));
diesel::joinable!(agreements -> shared_posts (post_id));
diesel::joinable!(agreement_versions -> agreements (agreement_id));
diesel::joinable!(agreement_instalments -> agreement_versions (version_id));
diesel::joinable!(agreement_contacts -> agreement_versions (version_id));
diesel::joinable!(invoices -> agreements (agreement_id));
diesel::joinable!(terminations -> agreements (agreement_id));
diesel::joinable!(vacancies -> shared_posts (post_id));

diesel::table! {
    user_permissions (user_id, permission) {
        user_id -> Integer,
        permission -> Text,
    }
}

diesel::table! {
    activity_types (code) {
        code -> Text,
        name -> Text,
        counts -> Text,
        report_row -> Nullable<Text>,
        position -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    households (id) {
        id -> Integer,
        municipality_code -> Text,
        unit -> Text,
        reference -> Nullable<Text>,
        placement_date -> Date,
        expected_reception_date -> Nullable<Date>,
        first_contact_at -> Nullable<Timestamp>,
        first_contact_channel -> Nullable<Text>,
        first_contact_by -> Nullable<Integer>,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
        version -> Integer,
        responsible_id -> Nullable<Integer>,
        culled_on -> Nullable<Date>,
    }
}

diesel::table! {
    persons (id) {
        id -> Integer,
        household_id -> Integer,
        municipality_code -> Text,
        reference -> Nullable<Text>,
        given_name -> Text,
        family_name -> Text,
        birth_date -> Date,
        personal_number -> Nullable<Text>,
        dossier_number -> Nullable<Text>,
        category -> Text,
        languages -> Text,
        interpreter_needed -> Bool,
        protected_identity -> Bool,
        reception_date -> Nullable<Date>,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
        version -> Integer,
        search_name -> Text,
        birth_date_known -> Text,
        culled_on -> Nullable<Date>,
    }
}

diesel::table! {
    record_changes (id) {
        id -> Integer,
        record_kind -> Text,
        record_id -> Integer,
        changed_at -> Timestamp,
        changed_by -> Nullable<Integer>,
        changes -> Text,
    }
}

diesel::table! {
    person_exits (id) {
        id -> Integer,
        person_id -> Integer,
        exit_date -> Date,
        reason -> Text,
        note -> Nullable<Text>,
        returned_on -> Nullable<Date>,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<Integer>,
    }
}

diesel::table! {
    activities (id) {
        id -> Integer,
        person_id -> Integer,
        type_code -> Text,
        start_date -> Date,
        end_date -> Nullable<Date>,
        hours_per_week -> Nullable<Integer>,
        extent_percent -> Nullable<Integer>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
    }
}

diesel::table! {
    declines (id) {
        id -> Integer,
        person_id -> Integer,
        type_code -> Text,
        declined_on -> Date,
        reason -> Text,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<Integer>,
    }
}

diesel::table! {
    work_exemptions (id) {
        id -> Integer,
        person_id -> Integer,
        reason -> Text,
        start_date -> Date,
        end_date -> Nullable<Date>,
        note -> Nullable<Text>,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<Integer>,
    }
}

diesel::table! {
    temporary_housings (id) {
        id -> Integer,
        household_id -> Integer,
        municipality_code -> Text,
        address -> Text,
        landlord -> Nullable<Text>,
        contract_start -> Date,
        contract_end -> Date,
        rent_ore -> Nullable<BigInt>,
        has_beds -> Bool,
        has_bedding -> Bool,
        has_table -> Bool,
        has_chairs -> Bool,
        has_cooking -> Bool,
        has_food -> Bool,
        notice_date -> Nullable<Date>,
        keys_returned_on -> Nullable<Date>,
        inspection_on -> Nullable<Date>,
        inspection_result -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
        version -> Integer,
    }
}

diesel::table! {
    housing_damages (id) {
        id -> Integer,
        housing_id -> Integer,
        damage_date -> Date,
        description -> Text,
        cost_ore -> BigInt,
        tenant_pays -> Bool,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<Integer>,
    }
}

diesel::table! {
    support_tasks (id) {
        id -> Integer,
        household_id -> Integer,
        person_id -> Nullable<Integer>,
        template_code -> Nullable<Text>,
        title -> Text,
        due_date -> Date,
        responsible -> Text,
        done_on -> Nullable<Date>,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
    }
}

diesel::table! {
    case_notes (id) {
        id -> Integer,
        household_id -> Integer,
        person_id -> Nullable<Integer>,
        written_at -> Timestamp,
        author_id -> Nullable<Integer>,
        text -> Text,
        corrects_note_id -> Nullable<Integer>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Integer,
        user_id -> Integer,
        kind -> Text,
        household_id -> Nullable<Integer>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        emailed_at -> Nullable<Timestamp>,
        deviation_id -> Nullable<Integer>,
    }
}

diesel::table! {
    reimbursement_rules (id) {
        id -> Integer,
        claim_type -> Text,
        category -> Nullable<Text>,
        covers -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        cap_kind -> Text,
        cap_per_person_ore -> Nullable<BigInt>,
        cap_per_household_ore -> Nullable<BigInt>,
        cap_per_extra_member_ore -> Nullable<BigInt>,
        cap_per_day_ore -> Nullable<BigInt>,
        age_from -> Nullable<Integer>,
        age_to -> Nullable<Integer>,
        amount_ore -> Nullable<BigInt>,
        price_base_share_bp -> Nullable<Integer>,
        deadline_kind -> Text,
        deadline_months -> Nullable<Integer>,
        source -> Text,
        revision -> Integer,
        changed_at -> Timestamp,
        changed_by -> Nullable<Integer>,
    }
}

diesel::table! {
    reimbursement_rule_revisions (id) {
        id -> Integer,
        rule_id -> Integer,
        revision -> Integer,
        snapshot -> Text,
        replaced_at -> Timestamp,
        replaced_by -> Nullable<Integer>,
    }
}

diesel::table! {
    price_base_amounts (year) {
        year -> Integer,
        amount_ore -> BigInt,
        changed_at -> Timestamp,
        changed_by -> Nullable<Integer>,
        source -> Nullable<Text>,
    }
}

diesel::table! {
    price_base_amount_revisions (id) {
        id -> Integer,
        year -> Integer,
        amount_ore -> BigInt,
        replaced_at -> Timestamp,
        replaced_by -> Nullable<Integer>,
        source -> Nullable<Text>,
    }
}

diesel::table! {
    claims (id) {
        id -> Integer,
        municipality_code -> Text,
        claim_type -> Text,
        period_start -> Date,
        period_end -> Date,
        status -> Text,
        deadline -> Nullable<Date>,
        submitted_on -> Nullable<Date>,
        decided_on -> Nullable<Date>,
        granted_ore -> Nullable<BigInt>,
        decision_reference -> Nullable<Text>,
        paid_on -> Nullable<Date>,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
        version -> Integer,
    }
}

diesel::table! {
    claim_events (id) {
        id -> Integer,
        claim_id -> Integer,
        step -> Text,
        on_date -> Date,
        granted_ore -> Nullable<BigInt>,
        reference -> Nullable<Text>,
        note -> Nullable<Text>,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<Integer>,
    }
}

diesel::table! {
    costs (id) {
        id -> Integer,
        municipality_code -> Text,
        household_id -> Integer,
        person_id -> Nullable<Integer>,
        cost_date -> Date,
        category -> Text,
        amount_ore -> BigInt,
        vat_ore -> BigInt,
        supplier -> Text,
        receipt_reference -> Nullable<Text>,
        days -> Nullable<Integer>,
        claim_type -> Nullable<Text>,
        rule_id -> Nullable<Integer>,
        reimbursable_ore -> BigInt,
        over_cap_ore -> BigInt,
        cap_ore -> Nullable<BigInt>,
        deadline -> Nullable<Date>,
        claim_id -> Nullable<Integer>,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
    }
}

diesel::table! {
    grants (municipality_code, year) {
        municipality_code -> Text,
        year -> Integer,
        amount_ore -> BigInt,
        decision -> Nullable<Text>,
        changed_at -> Timestamp,
        changed_by -> Nullable<Integer>,
        version -> Integer,
    }
}

diesel::table! {
    grant_charges (id) {
        id -> Integer,
        municipality_code -> Text,
        charged_on -> Date,
        category -> Text,
        amount_ore -> BigInt,
        cost_id -> Nullable<Integer>,
        claim_id -> Nullable<Integer>,
        description -> Text,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
    }
}

diesel::table! {
    accounting_settings (municipality_code, key) {
        municipality_code -> Text,
        key -> Text,
        value -> Text,
        changed_at -> Timestamp,
        changed_by -> Nullable<Integer>,
    }
}

diesel::table! {
    monthly_reports (id) {
        id -> Integer,
        municipality_code -> Text,
        month -> Text,
        version -> Integer,
        figures -> Text,
        measured_on -> Date,
        changes -> Nullable<Text>,
        note -> Nullable<Text>,
        signed_at -> Timestamp,
        signed_by -> Nullable<Integer>,
    }
}

diesel::table! {
    deviations (id) {
        id -> Integer,
        municipality_code -> Text,
        kind -> Text,
        received_on -> Date,
        channel -> Text,
        household_id -> Nullable<Integer>,
        description -> Text,
        category -> Text,
        severity -> Text,
        actions -> Nullable<Text>,
        closed_on -> Nullable<Date>,
        committee_notified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
        changed_at -> Timestamp,
        changed_by -> Nullable<Integer>,
        version -> Integer,
        committee_summary -> Nullable<Text>,
        contact_emailed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    interim_closings (municipality_code, year) {
        municipality_code -> Text,
        year -> Integer,
        last_month -> Integer,
        changed_at -> Timestamp,
        changed_by -> Nullable<Integer>,
    }
}

diesel::table! {
    obligations (id) {
        id -> Integer,
        agreement_id -> Integer,
        code -> Text,
        schedule -> Text,
        due_date -> Nullable<Date>,
        due_month -> Nullable<Integer>,
        due_day -> Nullable<Integer>,
        next_year -> Bool,
        position -> Integer,
    }
}

diesel::table! {
    obligation_fulfilments (id) {
        id -> Integer,
        obligation_id -> Integer,
        period -> Text,
        done_on -> Date,
        document -> Text,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<Integer>,
    }
}

diesel::table! {
    staffing (municipality_code, from_date) {
        municipality_code -> Text,
        from_date -> Date,
        posts_hundredths -> Integer,
        note -> Nullable<Text>,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<Integer>,
    }
}

diesel::joinable!(user_permissions -> users (user_id));
diesel::joinable!(persons -> households (household_id));
diesel::joinable!(person_exits -> persons (person_id));
diesel::joinable!(activities -> persons (person_id));
diesel::joinable!(activities -> activity_types (type_code));
diesel::joinable!(declines -> persons (person_id));
diesel::joinable!(work_exemptions -> persons (person_id));
diesel::joinable!(temporary_housings -> households (household_id));
diesel::joinable!(housing_damages -> temporary_housings (housing_id));
diesel::joinable!(support_tasks -> households (household_id));
diesel::joinable!(notifications -> households (household_id));
diesel::joinable!(notifications -> deviations (deviation_id));
diesel::joinable!(deviations -> households (household_id));
diesel::joinable!(obligations -> agreements (agreement_id));
diesel::joinable!(obligation_fulfilments -> obligations (obligation_id));
diesel::joinable!(reimbursement_rule_revisions -> reimbursement_rules (rule_id));
diesel::joinable!(claim_events -> claims (claim_id));
diesel::joinable!(costs -> households (household_id));
diesel::joinable!(costs -> claims (claim_id));

diesel::table! {
    casework_versions (municipality_code) {
        municipality_code -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    kept_counts (municipality_code, kept_key) {
        municipality_code -> Text,
        kept_key -> Text,
        measured_on -> Date,
        version -> BigInt,
        figures -> Text,
    }
}

diesel::table! {
    documents (id) {
        id -> Integer,
        municipality_code -> Text,
        household_id -> Nullable<Integer>,
        person_id -> Nullable<Integer>,
        housing_id -> Nullable<Integer>,
        cost_id -> Nullable<Integer>,
        claim_id -> Nullable<Integer>,
        deviation_id -> Nullable<Integer>,
        file_name -> Text,
        title -> Nullable<Text>,
        format -> Text,
        size_bytes -> Integer,
        sha256 -> Text,
        uploaded_at -> Timestamp,
        uploaded_by -> Nullable<Integer>,
    }
}

diesel::table! {
    document_contents (document_id) {
        document_id -> Integer,
        content -> Binary,
    }
}

diesel::joinable!(document_contents -> documents (document_id));

diesel::table! {
    log_reviews (id) {
        id -> Integer,
        municipality_code -> Text,
        month -> Text,
        created_at -> Timestamp,
        created_by -> Nullable<Integer>,
        signed_at -> Nullable<Timestamp>,
        signed_by -> Nullable<Integer>,
        summary -> Nullable<Text>,
    }
}

diesel::table! {
    log_review_items (id) {
        id -> Integer,
        review_id -> Integer,
        log_id -> Integer,
        at -> Timestamp,
        actor_user_id -> Nullable<Integer>,
        action -> Text,
        record_kind -> Text,
        record_id -> Nullable<Text>,
        reasons -> Text,
        reviewed_at -> Nullable<Timestamp>,
        reviewed_by -> Nullable<Integer>,
        comment -> Nullable<Text>,
    }
}

diesel::joinable!(log_review_items -> log_reviews (review_id));
diesel::allow_tables_to_appear_in_same_query!(log_reviews, log_review_items);

diesel::table! {
    payment_files (id) {
        id -> Integer,
        post_id -> Integer,
        sha256 -> Text,
        file_name -> Nullable<Text>,
        payments -> Integer,
        settled -> Integer,
        imported_at -> Timestamp,
        imported_by -> Nullable<Integer>,
    }
}
