//! The shared store suite, run against SQLite and against PostgreSQL.
//!
//! PostgreSQL tests need a server at `KEYWARD_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); they fail, not skip, without one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Harness, cases, run};
use keyward_store::Backend;

macro_rules! suite {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            use super::*;
            $(
                #[test]
                fn $case() {
                    run(async {
                        let h = Harness::new(Backend::Sqlite).await;
                        cases::$case(&h).await;
                        h.finish().await;
                    })
                }
            )*
            #[test]
            fn upgrade_from_previous_schema() {
                run(cases::upgrade_from_previous_schema(Backend::Sqlite))
            }
            #[test]
            fn upgrade_from_schema_2() {
                run(cases::upgrade_from_schema_2(Backend::Sqlite))
            }
            #[test]
            fn upgrade_from_schema_4_without_3() {
                run(cases::upgrade_from_schema_4_without_3(Backend::Sqlite))
            }
            #[test]
            fn audit_records_from_before_blocks() {
                run(cases::audit_records_from_before_blocks(Backend::Sqlite))
            }
        }
        mod postgres {
            use super::*;
            $(
                #[test]
                fn $case() {
                    run(async {
                        let h = Harness::new(Backend::Postgres).await;
                        cases::$case(&h).await;
                        h.finish().await;
                    })
                }
            )*
            #[test]
            fn upgrade_from_previous_schema() {
                run(cases::upgrade_from_previous_schema(Backend::Postgres))
            }
            #[test]
            fn upgrade_from_schema_2() {
                run(cases::upgrade_from_schema_2(Backend::Postgres))
            }
            #[test]
            fn upgrade_from_schema_4_without_3() {
                run(cases::upgrade_from_schema_4_without_3(Backend::Postgres))
            }
            #[test]
            fn audit_records_from_before_blocks() {
                run(cases::audit_records_from_before_blocks(Backend::Postgres))
            }
            #[test]
            fn a_commit_whose_answer_is_lost_is_not_run_again() {
                run(async {
                    let h = Harness::new(Backend::Postgres).await;
                    cases::a_commit_whose_answer_is_lost_is_not_run_again(&h).await;
                    h.finish().await;
                })
            }
        }
    };
}

suite!(
    accounts_and_domains,
    an_older_build_refuses_a_newer_database,
    object_round_trip,
    update_with_cas,
    locate_filters_and_pages,
    batch_is_atomic,
    concurrent_inserts_group_commit,
    insert_into_missing_domain_fails_alone,
    cas_race_loses_no_update,
    audit_chain_detects_tampering,
    audit_listing_spans_many_blocks,
    audit_rows_outside_the_chain_are_found,
    master_key_rotation_and_wrong_key,
    sealed_material_is_bound_to_its_row,
    credentials_tokens_policies,
    two_nodes_share_one_database,
    writes_after_another_nodes_audit_records,
    server_secrets,
    server_secret_race_has_one_winner,
);
