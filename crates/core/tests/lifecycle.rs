//! The core end to end on a real SQLite store: create, get, the lifecycle
//! rules, attributes, Locate, IAM and domain isolation.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use keyward_core::{Caller, Config, Door};
use keyward_kmip::DateTime;
use keyward_kmip::attributes::{Attribute, AttributeValue, Name, RevocationReason, UsageLimits};
use keyward_kmip::enums::*;
use keyward_kmip::operations::*;

fn revoke(id: &str, code: RevocationReasonCode) -> RevokeRequest {
    RevokeRequest {
        unique_identifier: Some(id.into()),
        revocation_reason: RevocationReason { code, message: None },
        compromise_occurrence_date: None,
    }
}

/// Runs each scenario on the embedded SQLite store and on PostgreSQL.
macro_rules! on_both_stores {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $scenario() { super::$scenario(super::env().await).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $scenario() { super::$scenario(super::env_postgres().await).await } )*
        }
    };
}

on_both_stores!(
    lifecycle,
    dates_drive_state_and_modify_activation_date_activates,
    locate_finds_by_name_and_never_returns_destroyed_objects,
    iam_denies_by_default_and_domains_are_isolated,
    every_operation_is_audited_in_an_intact_chain,
    objects_stored_in_the_former_attribute_form_are_still_served,
    locate_matches_state_at_this_moment_and_date_ranges,
    last_change_date_moves_with_changes_not_with_bookkeeping,
    locate_by_usage_mask_finds_objects_with_every_requested_bit,
    locate_by_usage_limits_finds_objects_with_as_much_left
);

#[tokio::test]
async fn symmetric_key_lifecycle_with_the_object_cache() {
    lifecycle(env_with(Config { object_cache: 100, ..Config::default() }).await).await;
}

async fn lifecycle(env: Env) {
    let caller = root("d1", "acme");
    let id = create(&env, &caller, "k1").await;
    assert_eq!(state(&env, &caller, &id).await, State::PreActive);

    match run(
        &env.kms,
        &caller,
        GetRequest { unique_identifier: Some(id.clone()), ..Default::default() },
    )
    .await
    .unwrap()
    {
        ResponsePayload::Get(r) => {
            assert_eq!(r.object.object_type(), ObjectType::SymmetricKey);
            let block = r.object.key_block().unwrap();
            assert_eq!(block.cryptographic_length, Some(256));
            match block.key_material().unwrap() {
                keyward_kmip::objects::KeyMaterial::Bytes(b) => assert_eq!(b.as_slice().len(), 32),
                other => panic!("unexpected {other:?}"),
            }
        }
        other => panic!("unexpected {other:?}"),
    }

    run(&env.kms, &caller, ActivateRequest::new(&id)).await.unwrap();
    assert_eq!(state(&env, &caller, &id).await, State::Active);
    let err = run(&env.kms, &caller, ActivateRequest::new(&id)).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::PermissionDenied);
    let err = run(&env.kms, &caller, DestroyRequest::new(&id)).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::PermissionDenied, "{err}");

    run(&env.kms, &caller, revoke(&id, RevocationReasonCode::CessationOfOperation)).await.unwrap();
    assert_eq!(state(&env, &caller, &id).await, State::Deactivated);
    run(&env.kms, &caller, DestroyRequest::new(&id)).await.unwrap();
    assert_eq!(state(&env, &caller, &id).await, State::Destroyed);
    let err = run(
        &env.kms,
        &caller,
        GetRequest { unique_identifier: Some(id.clone()), ..Default::default() },
    )
    .await
    .unwrap_err();
    assert_eq!(err.reason(), ResultReason::KeyValueNotPresent);
    run(&env.kms, &caller, revoke(&id, RevocationReasonCode::KeyCompromise)).await.unwrap();
    assert_eq!(state(&env, &caller, &id).await, State::DestroyedCompromised);
}

async fn dates_drive_state_and_modify_activation_date_activates(env: Env) {
    let caller = root("d1", "acme");
    let id = create(&env, &caller, "k").await;
    let request = ModifyAttributeRequest {
        unique_identifier: Some(id.clone()),
        attribute: Attribute::new(AttributeValue::ActivationDate(DateTime(T0 + 100))),
    };
    // Activation Date can only be modified once it exists; add it first
    // (KMIP 1.4 §11.15: Invalid Field).
    let err = run(&env.kms, &caller, request.clone()).await.unwrap_err();
    assert_eq!(err.reason(), ResultReason::InvalidField);
    let add = AddAttributeRequest {
        unique_identifier: Some(id.clone()),
        attribute: request.attribute.clone(),
    };
    run(&env.kms, &caller, add).await.unwrap();
    assert_eq!(state(&env, &caller, &id).await, State::PreActive);
    env.clock.advance(100);
    assert_eq!(state(&env, &caller, &id).await, State::Active);
    // Once active, the activation date can no longer change.
    let again = ModifyAttributeRequest {
        unique_identifier: Some(id.clone()),
        attribute: Attribute::new(AttributeValue::ActivationDate(DateTime(T0))),
    };
    assert_eq!(
        run(&env.kms, &caller, again).await.unwrap_err().reason(),
        ResultReason::PermissionDenied
    );
}

async fn locate_finds_by_name_and_never_returns_destroyed_objects(env: Env) {
    let caller = root("d1", "acme");
    let a = create(&env, &caller, "alpha").await;
    let _b = create(&env, &caller, "beta").await;
    let by_name = |name: &str| LocateRequest {
        attributes: vec![Attribute::new(AttributeValue::Name(Name {
            value: name.into(),
            name_type: NameType::UninterpretedTextString,
        }))],
        ..Default::default()
    };
    match run(&env.kms, &caller, by_name("alpha")).await.unwrap() {
        ResponsePayload::Locate(r) => assert_eq!(r.unique_identifiers, std::slice::from_ref(&a)),
        other => panic!("unexpected {other:?}"),
    }
    run(&env.kms, &caller, DestroyRequest::new(&a)).await.unwrap();
    match run(&env.kms, &caller, by_name("alpha")).await.unwrap() {
        ResponsePayload::Locate(r) => assert!(r.unique_identifiers.is_empty()),
        other => panic!("unexpected {other:?}"),
    }
}

async fn iam_denies_by_default_and_domains_are_isolated(env: Env) {
    let owner = root("d1", "acme");
    let id = create(&env, &owner, "k").await;

    let alice =
        Caller::new("d1", Door::Kmip, vec!["urn:v1:eu:identity:user:acme/alice".parse().unwrap()]);
    let get = GetAttributesRequest { unique_identifier: Some(id.clone()), attribute_names: vec![] };
    assert_eq!(
        run(&env.kms, &alice, get.clone()).await.unwrap_err().reason(),
        ResultReason::PermissionDenied
    );

    let policy = r#"{"id":"p1","name":"read","identities":["urn:v1:eu:identity:user:acme/alice"],
        "resources":["urn:v1:eu:resource:okms:d1/*"],"allow":["okms:kmip:getAttributes"]}"#;
    env.store.create_policy("acme", "p1", "read", policy).await.unwrap();
    run(&env.kms, &alice, get.clone()).await.unwrap();
    assert_eq!(
        run(&env.kms, &alice, DestroyRequest::new(&id)).await.unwrap_err().reason(),
        ResultReason::PermissionDenied
    );

    // A deny counts wherever it sorts among the account's policies, past the
    // first thousand too.
    for i in 0..1000 {
        let filler = format!(
            r#"{{"id":"f{i:04}","name":"filler","identities":["urn:v1:eu:identity:user:acme/bob"],
            "resources":["urn:v1:eu:resource:okms:d1/*"],"allow":["okms:kmip:get"]}}"#
        );
        env.store.create_policy("acme", &format!("f{i:04}"), "filler", &filler).await.unwrap();
    }
    let deny = r#"{"id":"z-deny","name":"deny","identities":["urn:v1:eu:identity:user:acme/alice"],
        "resources":["urn:v1:eu:resource:okms:d1/*"],"deny":["okms:kmip:getAttributes"]}"#;
    env.store.create_policy("acme", "z-deny", "deny", deny).await.unwrap();
    assert_eq!(
        run(&env.kms, &alice, get.clone()).await.unwrap_err().reason(),
        ResultReason::PermissionDenied
    );
    // A stored document that does not parse (it might be a deny) refuses
    // rather than being skipped.
    env.store.delete_policy("acme", "z-deny").await.unwrap();
    run(&env.kms, &alice, get.clone()).await.unwrap();
    env.store
        .create_policy("acme", "y-broken", "broken", r#"{"deny": "okms:kmip:*""#)
        .await
        .unwrap();
    let refused = run(&env.kms, &alice, get.clone()).await.unwrap_err();
    assert_eq!(refused.reason(), ResultReason::PermissionDenied);
    assert!(refused.to_string().contains("y-broken"), "{refused}");
    env.store.delete_policy("acme", "y-broken").await.unwrap();

    // The other tenant's root cannot see d1's object from its own domain.
    let stranger = root("d2", "other");
    assert_eq!(
        run(&env.kms, &stranger, get).await.unwrap_err().reason(),
        ResultReason::ItemNotFound
    );
}

async fn every_operation_is_audited_in_an_intact_chain(env: Env) {
    let caller = root("d1", "acme").with_credential("cred-1");
    let id = create(&env, &caller, "audited").await;
    run(
        &env.kms,
        &caller,
        GetRequest { unique_identifier: Some(id.clone()), ..Default::default() },
    )
    .await
    .unwrap();
    let stranger =
        Caller::new("d1", Door::Kmip, vec!["urn:v1:eu:identity:user:acme/eve".parse().unwrap()]);
    run(&env.kms, &stranger, DestroyRequest::new(&id)).await.unwrap_err();
    env.kms.flush_audit().await;

    let records = env.store.list_audit(Some("d1"), 0, 100).await.unwrap();
    let seen: Vec<(String, String, Option<String>)> = records
        .iter()
        .map(|r| (r.event.operation.clone(), r.event.result.clone(), r.event.object_id.clone()))
        .collect();
    assert!(seen.contains(&("Create".into(), "Success".into(), Some(id.clone()))), "{seen:?}");
    assert!(seen.contains(&("Get".into(), "Success".into(), Some(id.clone()))), "{seen:?}");
    assert!(
        seen.contains(&("Destroy".into(), "PermissionDenied".into(), Some(id.clone()))),
        "{seen:?}"
    );
    let create = records.iter().find(|r| r.event.operation == "Create").unwrap();
    assert_eq!(create.event.credential_id.as_deref(), Some("cred-1"));
    assert_eq!(create.event.identities[..], ["urn:v1:eu:identity:account:acme"]);
    assert!(matches!(
        env.store.verify_audit_chain().await.unwrap(),
        keyward_store::AuditVerification::Intact { .. }
    ));
}

async fn locate_matches_state_at_this_moment_and_date_ranges(env: Env) {
    let caller = root("d1", "acme");
    let early = create(&env, &caller, "early").await;
    env.clock.advance(1000);
    let late = create(&env, &caller, "late").await;
    run(&env.kms, &caller, ActivateRequest::new(&late)).await.unwrap();
    let locate = |attributes: Vec<Attribute>| LocateRequest { attributes, ..Default::default() };
    let ids = |r: ResponsePayload| match r {
        ResponsePayload::Locate(r) => r.unique_identifiers,
        other => panic!("unexpected {other:?}"),
    };
    let active = locate(vec![Attribute::new(AttributeValue::State(State::Active))]);
    assert_eq!(ids(run(&env.kms, &caller, active).await.unwrap()), std::slice::from_ref(&late));
    let range = locate(vec![
        Attribute::new(AttributeValue::InitialDate(DateTime(T0 - 10))),
        Attribute::new(AttributeValue::InitialDate(DateTime(T0 + 10))),
    ]);
    assert_eq!(ids(run(&env.kms, &caller, range).await.unwrap()), std::slice::from_ref(&early));
    let by_type_and_algorithm = locate(vec![
        Attribute::new(AttributeValue::ObjectType(ObjectType::SymmetricKey)),
        Attribute::new(AttributeValue::CryptographicAlgorithm(CryptographicAlgorithm::AES)),
    ]);
    let mut found = ids(run(&env.kms, &caller, by_type_and_algorithm).await.unwrap());
    found.sort();
    let mut both = vec![early, late];
    both.sort();
    assert_eq!(found, both);
}

/// The object's Last Change Date, in seconds.
async fn last_change(env: &Env, caller: &Caller, id: &str) -> i64 {
    match attributes(env, caller, id, &["Last Change Date"]).await.as_slice() {
        [a] => match a.value {
            AttributeValue::LastChangeDate(DateTime(t)) => t,
            ref other => panic!("unexpected {other:?}"),
        },
        other => panic!("one Last Change Date expected, got {other:?}"),
    }
}

/// KMIP 1.4 §3.38: every operation that changes an object moves its Last
/// Change Date to the operation's time; the server's own bookkeeping (Fresh
/// after the first Get, the Lease Time of a first Obtain Lease) does not.
async fn last_change_date_moves_with_changes_not_with_bookkeeping(env: Env) {
    let caller = root("d1", "acme");
    let id = create(&env, &caller, "k").await;
    assert_eq!(last_change(&env, &caller, &id).await, T0);
    env.clock.advance(10);
    run(&env.kms, &caller, ActivateRequest::new(&id)).await.unwrap();
    assert_eq!(last_change(&env, &caller, &id).await, T0 + 10, "after Activate");

    env.clock.advance(10);
    run(&env.kms, &caller, ObtainLeaseRequest { unique_identifier: Some(id.clone()) })
        .await
        .unwrap();
    get(&env, &caller, GetRequest { unique_identifier: Some(id.clone()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(last_change(&env, &caller, &id).await, T0 + 10, "bookkeeping is not a change");

    let steps: Vec<RequestPayload> = vec![
        AddAttributeRequest { unique_identifier: Some(id.clone()), attribute: name("k-alias") }
            .into(),
        ArchiveRequest::new(&id).into(),
        RecoverRequest::new(&id).into(),
        revoke(&id, RevocationReasonCode::CessationOfOperation).into(),
        DestroyRequest::new(&id).into(),
    ];
    for (i, step) in steps.into_iter().enumerate() {
        env.clock.advance(10);
        let operation = format!("{:?}", step.operation());
        run(&env.kms, &caller, step).await.unwrap();
        let expected = T0 + 30 + 10 * i64::try_from(i).unwrap();
        assert_eq!(last_change(&env, &caller, &id).await, expected, "after {operation}");
    }
}

/// The identifiers a Locate with `criteria` returns, sorted.
async fn located_sorted(env: &Env, caller: &Caller, criteria: Vec<Attribute>) -> Vec<String> {
    let request = LocateRequest { attributes: criteria, ..Default::default() };
    match run(&env.kms, caller, request).await.unwrap() {
        ResponsePayload::Locate(r) => {
            let mut ids = r.unique_identifiers;
            ids.sort();
            ids
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// KMIP 1.4 §4.9: an object matches a Cryptographic Usage Mask criterion
/// when the logical AND of its mask and the requested one is the requested
/// one: it has every requested bit, and may have more.
async fn locate_by_usage_mask_finds_objects_with_every_requested_bit(env: Env) {
    let caller = root("d1", "acme");
    let (encrypt, decrypt, wrap) = (
        CryptographicUsageMask::ENCRYPT.0,
        CryptographicUsageMask::DECRYPT.0,
        CryptographicUsageMask::WRAP_KEY.0,
    );
    let with_mask = |name_value: &str, bits: u32| {
        let mut template = aes_template(name_value);
        template
            .attributes
            .retain(|a| !matches!(a.value, AttributeValue::CryptographicUsageMask(_)));
        template.attributes.push(mask(bits));
        template
    };
    let enc = create_with(&env, &caller, with_mask("enc", encrypt)).await;
    let enc_dec = create_with(&env, &caller, with_mask("enc-dec", encrypt | decrypt)).await;
    let all = create_with(&env, &caller, with_mask("all", encrypt | decrypt | wrap)).await;
    let located = |criteria: Vec<Attribute>| located_sorted(&env, &caller, criteria);
    let sorted = |mut ids: Vec<String>| {
        ids.sort();
        ids
    };
    assert_eq!(
        located(vec![mask(encrypt)]).await,
        sorted(vec![enc.clone(), enc_dec.clone(), all.clone()])
    );
    assert_eq!(located(vec![mask(encrypt | decrypt)]).await, sorted(vec![enc_dec, all.clone()]));
    assert_eq!(located(vec![mask(wrap | decrypt)]).await, vec![all.clone()]);
    assert_eq!(located(vec![mask(CryptographicUsageMask::SIGN.0)]).await, Vec::<String>::new());
    // With an indexed criterion beside it, the mask still filters.
    assert_eq!(located(vec![name("enc"), mask(encrypt)]).await, vec![enc.clone()]);
    assert_eq!(located(vec![name("enc"), mask(decrypt)]).await, Vec::<String>::new());
}

/// KMIP 1.4 §4.9: an object matches a Usage Limits criterion when its Total
/// and Count are at least those requested (and the unit is the same).
async fn locate_by_usage_limits_finds_objects_with_as_much_left(env: Env) {
    let caller = root("d1", "acme");
    let limits = |total: i64, count: Option<i64>, unit: UsageLimitsUnit| {
        Attribute::new(AttributeValue::UsageLimits(UsageLimits { total, count, unit }))
    };
    let with_limits = |name_value: &str, total: i64| {
        let mut template = aes_template(name_value);
        template.attributes.push(limits(total, None, UsageLimitsUnit::Object));
        template
    };
    let small = create_with(&env, &caller, with_limits("small", 10)).await;
    let large = create_with(&env, &caller, with_limits("large", 100)).await;
    let _unlimited = create(&env, &caller, "unlimited").await;
    let located = |criterion: Attribute| located_sorted(&env, &caller, vec![criterion]);
    let mut both = vec![small.clone(), large.clone()];
    both.sort();
    assert_eq!(located(limits(10, None, UsageLimitsUnit::Object)).await, both);
    assert_eq!(located(limits(50, None, UsageLimitsUnit::Object)).await, vec![large.clone()]);
    assert_eq!(located(limits(50, Some(60), UsageLimitsUnit::Object)).await, vec![large]);
    assert_eq!(located(limits(50, Some(200), UsageLimitsUnit::Object)).await, Vec::<String>::new());
    assert_eq!(located(limits(10, None, UsageLimitsUnit::Byte)).await, Vec::<String>::new());
}

/// A row written before the compact attribute form (a Template-Attribute of
/// Attribute structures, each with its name and index) is still served as it
/// was: its attributes, its material, Locate through its index entries.
async fn objects_stored_in_the_former_attribute_form_are_still_served(env: Env) {
    use keyward_kmip::ToTtlv;
    use keyward_store::{IndexEntry, MaterialChange, ObjectUpdate};
    use keyward_ttlv::spec::tags;
    use keyward_ttlv::{Ttlv, binary};

    let caller = root("d1", "acme");
    let id = create(&env, &caller, "written-long-ago").await;
    let before = attributes(&env, &caller, &id, &[]).await;
    let stored = env.store.get_object("d1", &id, false).await.unwrap();

    let former: Vec<Attribute> = before
        .iter()
        .cloned()
        .map(|mut a| {
            a.index.get_or_insert(0);
            a
        })
        .collect();
    let items = former.iter().map(|a| a.to_ttlv(tags::ATTRIBUTE)).collect();
    let index = former
        .iter()
        .filter(|a| keyward_core::object::is_indexed(&a.name))
        .map(|a| {
            IndexEntry::new(
                &a.name,
                u32::try_from(a.index.unwrap_or(0)).unwrap(),
                keyward_core::object::index_value(&a.value),
            )
        })
        .collect();
    let former_row = binary::encode(&Ttlv::structure(tags::TEMPLATE_ATTRIBUTE, items));
    let former_len = former_row.len();
    let update = ObjectUpdate {
        state: stored.state,
        attributes: former_row,
        index,
        links: stored.links.clone(),
        material: MaterialChange::Keep,
    };
    env.store.update_object("d1", &id, stored.version, update).await.unwrap();

    assert_eq!(attributes(&env, &caller, &id, &[]).await, before);
    let request = GetRequest { unique_identifier: Some(id.clone()), ..Default::default() };
    assert!(matches!(
        get(&env, &caller, request).await.unwrap(),
        keyward_kmip::objects::Object::SymmetricKey(_)
    ));
    let locate = LocateRequest { attributes: vec![name("written-long-ago")], ..Default::default() };
    match run(&env.kms, &caller, locate).await.unwrap() {
        ResponsePayload::Locate(r) => assert_eq!(r.unique_identifiers, std::slice::from_ref(&id)),
        other => panic!("unexpected {other:?}"),
    }
    // A change writes the row again, in the compact form, and it reads the same.
    run(&env.kms, &caller, ActivateRequest { unique_identifier: Some(id.clone()) }).await.unwrap();
    assert_eq!(state(&env, &caller, &id).await, State::Active);
    let names = attributes(&env, &caller, &id, &["Name"]).await;
    assert!(matches!(&names[..], [Attribute { value: AttributeValue::Name(_), .. }]));
    let rewritten = env.store.get_object("d1", &id, false).await.unwrap();
    assert!(rewritten.attributes.len() * 2 < former_len, "{} bytes", rewritten.attributes.len());
}
