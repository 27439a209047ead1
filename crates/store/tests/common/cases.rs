//! The shared suite: every case runs against SQLite and PostgreSQL.

use std::sync::Arc;

use keyward_store::seal::{MasterKey, StaticMasterKey};
use keyward_store::*;
use time::OffsetDateTime;

use super::Harness;

pub const DOMAIN: &str = "3f1e2d4c-0000-4000-8000-000000000001";
pub const OTHER_DOMAIN: &str = "3f1e2d4c-0000-4000-8000-000000000002";

pub async fn setup(store: &dyn Store) {
    store.create_account("acme", "ACME").await.unwrap();
    for id in [DOMAIN, OTHER_DOMAIN] {
        store
            .create_domain(&NewDomain {
                id: id.into(),
                account_id: "acme".into(),
                region: "eu-west-par".into(),
                name: format!("domain {id}"),
            })
            .await
            .unwrap();
    }
}

pub fn key(id: &str, name: &str, material: &[u8]) -> NewObject {
    NewObject {
        id: id.into(),
        object_type: 2,
        state: 1,
        attributes: format!("attrs of {id}").into_bytes(),
        index: vec![
            IndexEntry::new("Name", 0, name),
            IndexEntry::new("Cryptographic Algorithm", 0, "AES"),
        ],
        links: vec![],
        material: Some(Secret::from_slice(material)),
    }
}

fn update_of(
    o: &StoredObject,
    state: u32,
    index: Vec<IndexEntry>,
    material: MaterialChange,
) -> ObjectUpdate {
    ObjectUpdate {
        state,
        attributes: o.attributes.clone(),
        index,
        links: o.links.clone(),
        material,
    }
}

fn locate_by(name: &str, value: &str) -> LocateQuery {
    LocateQuery { filters: vec![(name.into(), value.into())], ..Default::default() }
}

fn event(op: &str, n: usize) -> AuditEvent {
    AuditEvent {
        at: OffsetDateTime::now_utc(),
        domain_id: Some(DOMAIN.into()),
        credential_id: Some("cred-1".into()),
        identities: vec!["urn:v1:eu:identity:account:acme".into()].into(),
        operation: op.into(),
        object_id: Some(format!("obj-{n}")),
        result: "Success".into(),
    }
}

pub async fn accounts_and_domains(h: &Harness) {
    let s: &dyn Store = &h.store;
    setup(s).await;
    assert_eq!(s.get_account("acme").await.unwrap().name, "ACME");
    assert!(matches!(s.create_account("acme", "again").await, Err(Error::AlreadyExists { .. })));
    assert!(matches!(s.get_account("nobody").await, Err(Error::RecordNotFound { .. })));
    s.create_account("beta", "Beta").await.unwrap();
    let ids: Vec<_> =
        s.list_accounts(Page::first(10)).await.unwrap().into_iter().map(|a| a.id).collect();
    assert_eq!(ids, ["acme", "beta"]);
    let page2 = s.list_accounts(Page { offset: 1, limit: 10 }).await.unwrap();
    assert_eq!(page2.len(), 1);
    assert!(matches!(s.list_accounts(Page::first(0)).await, Err(Error::Invalid(_))));
    assert!(matches!(s.list_accounts(Page::first(MAX_PAGE + 1)).await, Err(Error::Invalid(_))));

    let d = s.get_domain(DOMAIN).await.unwrap();
    assert_eq!((d.account_id.as_str(), d.region.as_str()), ("acme", "eu-west-par"));
    assert!(matches!(s.get_domain("missing").await, Err(Error::DomainNotFound(_))));
    let orphan = NewDomain {
        id: "d3".into(),
        account_id: "nobody".into(),
        region: "r".into(),
        name: "n".into(),
    };
    assert!(matches!(s.create_domain(&orphan).await, Err(Error::RecordNotFound { .. })));
    let dup = NewDomain {
        id: DOMAIN.into(),
        account_id: "acme".into(),
        region: "r".into(),
        name: "n".into(),
    };
    assert!(matches!(s.create_domain(&dup).await, Err(Error::AlreadyExists { .. })));
    assert_eq!(s.list_domains(Some("acme"), Page::default()).await.unwrap().len(), 2);
    assert_eq!(s.list_domains(Some("beta"), Page::default()).await.unwrap().len(), 0);
    assert_eq!(s.list_domains(None, Page::default()).await.unwrap().len(), 2);
}

pub async fn object_round_trip(h: &Harness) {
    let s: &dyn Store = &h.store;
    setup(s).await;
    let mut k = key("k1", "alpha", &[0x11; 32]);
    k.links = vec![Link::new(5, "k0"), Link::new(1, "k9")];
    assert_eq!(s.insert_object(DOMAIN, k).await.unwrap(), 1);

    let o = s.get_object(DOMAIN, "k1", true).await.unwrap();
    assert_eq!(o.version, 1);
    assert_eq!((o.object_type, o.state), (2, 1));
    assert_eq!(o.attributes, b"attrs of k1");
    assert_eq!(o.material.as_ref().unwrap().expose(), &[0x11; 32]);
    assert!(o.has_material);
    assert_eq!(o.links, vec![Link::new(1, "k9"), Link::new(5, "k0")]);
    let meta = s.get_object(DOMAIN, "k1", false).await.unwrap();
    assert!(meta.material.is_none() && meta.has_material);

    // Domains are isolated.
    assert!(matches!(s.get_object(OTHER_DOMAIN, "k1", true).await, Err(Error::NotFound { .. })));
    assert!(matches!(s.get_object(DOMAIN, "nope", false).await, Err(Error::NotFound { .. })));
    assert!(s.locate(OTHER_DOMAIN, &locate_by("Name", "alpha")).await.unwrap().is_empty());
    // Ids are unique within a domain; another domain's "k1" is its own object.
    assert!(matches!(
        s.insert_object(DOMAIN, key("k1", "x", &[1; 32])).await,
        Err(Error::AlreadyExists { .. })
    ));
    s.insert_object(OTHER_DOMAIN, key("k1", "x", &[1; 32])).await.unwrap();
    let theirs = s.get_object(OTHER_DOMAIN, "k1", true).await.unwrap();
    assert_eq!(theirs.material.unwrap().expose(), &[1; 32]);
    let ours = s.get_object(DOMAIN, "k1", false).await.unwrap();
    assert_eq!(ours.links, vec![Link::new(1, "k9"), Link::new(5, "k0")]);
    assert!(s.locate(OTHER_DOMAIN, &locate_by("Name", "alpha")).await.unwrap().is_empty());
    assert!(matches!(
        s.insert_object("no-such-domain", key("k2", "x", &[1; 32])).await,
        Err(Error::DomainNotFound(_))
    ));
    // An object without material (a template, say).
    let mut t = key("t1", "tmpl", &[]);
    t.material = None;
    s.insert_object(DOMAIN, t).await.unwrap();
    let t = s.get_object(DOMAIN, "t1", true).await.unwrap();
    assert!(!t.has_material && t.material.is_none());
    assert_eq!(s.count_objects(DOMAIN).await.unwrap(), 2);
    assert_eq!(s.count_objects(OTHER_DOMAIN).await.unwrap(), 1);
    // Debug output never shows material.
    let shown = format!("{:?}", s.get_object(DOMAIN, "k1", true).await.unwrap());
    assert!(shown.contains("redacted") && !shown.contains("17, 17"), "{shown}");
}

pub async fn update_with_cas(h: &Harness) {
    let s: &dyn Store = &h.store;
    setup(s).await;
    s.insert_object(DOMAIN, key("k1", "alpha", &[1; 32])).await.unwrap();
    let o = s.get_object(DOMAIN, "k1", false).await.unwrap();
    let v2 = s
        .update_object(
            DOMAIN,
            "k1",
            1,
            update_of(&o, 2, vec![IndexEntry::new("Name", 0, "beta")], MaterialChange::Keep),
        )
        .await
        .unwrap();
    assert_eq!(v2, 2);
    // The index was replaced with the object.
    assert!(s.locate(DOMAIN, &locate_by("Name", "alpha")).await.unwrap().is_empty());
    assert_eq!(s.locate(DOMAIN, &locate_by("Name", "beta")).await.unwrap(), ["k1"]);
    assert!(
        s.locate(DOMAIN, &locate_by("Cryptographic Algorithm", "AES")).await.unwrap().is_empty()
    );
    // A stale version loses and changes nothing.
    let e = s
        .update_object(DOMAIN, "k1", 1, update_of(&o, 3, vec![], MaterialChange::Destroy))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Conflict { expected: 1, found: Some(2), .. }), "{e:?}");
    assert!(e.to_string().contains("retry"));
    let o = s.get_object(DOMAIN, "k1", true).await.unwrap();
    assert_eq!((o.state, o.version), (2, 2));
    assert_eq!(o.material.as_ref().unwrap().expose(), &[1; 32]);
    // Replace the material.
    s.update_object(
        DOMAIN,
        "k1",
        2,
        update_of(&o, 2, vec![], MaterialChange::Replace(Secret::from_slice(&[2; 16]))),
    )
    .await
    .unwrap();
    let o = s.get_object(DOMAIN, "k1", true).await.unwrap();
    assert_eq!(o.material.as_ref().unwrap().expose(), &[2; 16]);
    // Destroy: material gone for good, metadata kept.
    s.update_object(
        DOMAIN,
        "k1",
        3,
        update_of(&o, 5, vec![IndexEntry::new("Name", 0, "beta")], MaterialChange::Destroy),
    )
    .await
    .unwrap();
    let o = s.get_object(DOMAIN, "k1", true).await.unwrap();
    assert!(!o.has_material && o.material.is_none());
    assert_eq!((o.state, o.version), (5, 4));
    assert_eq!(o.attributes, b"attrs of k1");
    // Wrong domain or missing object.
    assert!(matches!(
        s.update_object(OTHER_DOMAIN, "k1", 4, update_of(&o, 1, vec![], MaterialChange::Keep))
            .await,
        Err(Error::NotFound { .. })
    ));
    // Delete with CAS.
    assert!(matches!(s.delete_object(DOMAIN, "k1", 3).await, Err(Error::Conflict { .. })));
    s.delete_object(DOMAIN, "k1", 4).await.unwrap();
    assert!(matches!(s.get_object(DOMAIN, "k1", false).await, Err(Error::NotFound { .. })));
    assert!(s.locate(DOMAIN, &locate_by("Name", "beta")).await.unwrap().is_empty());
    assert!(matches!(s.delete_object(DOMAIN, "k1", 4).await, Err(Error::NotFound { .. })));
}

pub async fn locate_filters_and_pages(h: &Harness) {
    let s: &dyn Store = &h.store;
    setup(s).await;
    for i in 0..30u32 {
        let mut k = key(&format!("k{i:02}"), &format!("name-{}", i % 3), &[i as u8; 32]);
        k.state = 1 + i % 2;
        k.object_type = if i < 20 { 2 } else { 7 };
        k.index.push(IndexEntry::new("Object Group", 0, "g"));
        if i % 5 == 0 {
            k.index.push(IndexEntry::new("Object Group", 1, "five"));
            // The same value twice (two instances) must not duplicate the result.
            k.index.push(IndexEntry::new("x-tag", 0, "dup"));
            k.index.push(IndexEntry::new("x-tag", 1, "dup"));
        }
        s.insert_object(DOMAIN, k).await.unwrap();
    }
    s.insert_object(OTHER_DOMAIN, key("other", "name-0", &[9; 32])).await.unwrap();

    let all = s.locate(DOMAIN, &LocateQuery::default()).await.unwrap();
    assert_eq!(all.len(), 30);
    assert!(all.windows(2).all(|w| w[0] < w[1]), "id order");
    let n0 = s.locate(DOMAIN, &locate_by("Name", "name-0")).await.unwrap();
    assert_eq!(n0.len(), 10);
    assert!(n0.iter().all(|id| id != "other"));
    let both = LocateQuery {
        filters: vec![("Name".into(), "name-0".into()), ("Object Group".into(), "five".into())],
        ..Default::default()
    };
    // i % 3 == 0 and i % 5 == 0: 0, 15
    assert_eq!(s.locate(DOMAIN, &both).await.unwrap(), ["k00", "k15"]);
    assert_eq!(s.locate(DOMAIN, &locate_by("x-tag", "dup")).await.unwrap().len(), 6);
    let active = LocateQuery { states: vec![2], ..Default::default() };
    assert_eq!(s.locate(DOMAIN, &active).await.unwrap().len(), 15);
    let filtered = LocateQuery {
        filters: vec![("Object Group".into(), "g".into())],
        states: vec![1],
        object_types: vec![7],
        ..Default::default()
    };
    // i >= 20 and i even
    assert_eq!(s.locate(DOMAIN, &filtered).await.unwrap(), ["k20", "k22", "k24", "k26", "k28"]);
    let paged = LocateQuery {
        filters: vec![("Object Group".into(), "g".into())],
        page: Page { offset: 25, limit: 3 },
        ..Default::default()
    };
    assert_eq!(s.locate(DOMAIN, &paged).await.unwrap(), ["k25", "k26", "k27"]);
    let none = LocateQuery { page: Page::first(0), ..Default::default() };
    assert!(matches!(s.locate(DOMAIN, &none).await, Err(Error::Invalid(_))));
    assert!(s.locate(DOMAIN, &locate_by("Name", "absent")).await.unwrap().is_empty());
}

pub async fn batch_is_atomic(h: &Harness) {
    let s: &dyn Store = &h.store;
    setup(s).await;
    // Create key pair: two objects linked both ways, one transaction, with its audit record.
    let mut private = key("priv", "pair", &[3; 64]);
    private.object_type = 8;
    private.links = vec![Link::new(1, "pub")];
    let mut public = key("pub", "pair", &[4; 32]);
    public.object_type = 3;
    public.links = vec![Link::new(2, "priv")];
    let versions = s
        .apply(
            Batch::new(DOMAIN)
                .push(Change::Insert(private))
                .push(Change::Insert(public))
                .audit(event("CreateKeyPair", 1)),
        )
        .await
        .unwrap();
    assert_eq!(versions, [1, 1]);
    assert_eq!(
        s.linked_to(DOMAIN, "pub").await.unwrap(),
        [("priv".to_owned(), Link::new(1, "pub"))]
    );
    assert_eq!(
        s.linked_to(DOMAIN, "priv").await.unwrap(),
        [("pub".to_owned(), Link::new(2, "priv"))]
    );
    assert!(s.linked_to(OTHER_DOMAIN, "priv").await.unwrap().is_empty());
    assert_eq!(s.list_audit(None, 0, 10).await.unwrap().len(), 1);

    // The second change fails (duplicate id): nothing of the batch stays, audit included.
    let err = s
        .apply(
            Batch::new(DOMAIN)
                .push(Change::Insert(key("new-1", "n", &[5; 32])))
                .push(Change::Insert(key("pub", "dup", &[6; 32])))
                .audit(event("Register", 2)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::AlreadyExists { .. }), "{err:?}");
    assert!(matches!(s.get_object(DOMAIN, "new-1", false).await, Err(Error::NotFound { .. })));
    assert_eq!(s.list_audit(None, 0, 10).await.unwrap().len(), 1);

    // Re-key style: update one, insert another; a lost CAS aborts both.
    let err = s
        .apply(Batch::new(DOMAIN).push(Change::Insert(key("new-2", "n", &[5; 32]))).push(
            Change::Update {
                id: "pub".into(),
                expected_version: 7,
                update: ObjectUpdate {
                    state: 3,
                    attributes: vec![],
                    index: vec![],
                    links: vec![],
                    material: MaterialChange::Keep,
                },
            },
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }));
    assert!(matches!(s.get_object(DOMAIN, "new-2", false).await, Err(Error::NotFound { .. })));
    assert!(matches!(s.apply(Batch::new(DOMAIN)).await, Err(Error::Invalid(_))));
    assert!(
        s.verify_audit_chain().await.unwrap()
            == AuditVerification::Intact {
                records: 1,
                head: s.list_audit(None, 0, 1).await.unwrap()[0].hash
            }
    );
}

pub async fn concurrent_inserts_group_commit(h: &Harness) {
    let store = Arc::new(h.store.clone());
    setup(store.as_ref()).await;
    let mut tasks = Vec::new();
    for t in 0..32 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                let id = format!("c{t:02}-{i}");
                store.insert_object(DOMAIN, key(&id, &id, &[t as u8; 32])).await.unwrap();
            }
            // One duplicate per task fails alone, without failing its group's neighbours.
            let dup = format!("c{t:02}-0");
            assert!(matches!(
                store.insert_object(DOMAIN, key(&dup, "d", &[0; 32])).await,
                Err(Error::AlreadyExists { .. })
            ));
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(store.count_objects(DOMAIN).await.unwrap(), 320);
    assert_eq!(store.locate(DOMAIN, &locate_by("Name", "c31-9")).await.unwrap(), ["c31-9"]);
}

/// An object whose domain does not exist is refused by the foreign key, even
/// when it is written in one group with valid inserts (on SQLite the group's
/// foreign keys are checked at COMMIT): it fails alone, nothing of it is
/// stored, and its neighbours are.
pub async fn insert_into_missing_domain_fails_alone(h: &Harness) {
    let store = Arc::new(h.store.clone());
    setup(store.as_ref()).await;
    let mut tasks = Vec::new();
    for t in 0..16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let id = format!("fk-{t:02}");
            let domain = if t == 7 { "00000000-0000-0000-0000-00000000dead" } else { DOMAIN };
            (t, store.insert_object(domain, key(&id, &id, &[t as u8; 32])).await)
        }));
    }
    for task in tasks {
        let (t, res) = task.await.unwrap();
        if t == 7 {
            assert!(res.is_err(), "an insert into a missing domain was accepted");
        } else {
            res.unwrap();
        }
    }
    // The writer goes on: its connection was not left inside the failed transaction.
    store.insert_object(DOMAIN, key("fk-after", "fk-after", &[9; 32])).await.unwrap();
    assert_eq!(store.count_objects(DOMAIN).await.unwrap(), 16);
    assert!(matches!(
        store.get_object("00000000-0000-0000-0000-00000000dead", "fk-07", false).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(store.verify_audit_chain().await.unwrap(), AuditVerification::Intact { .. }));
}

/// Many tasks increment a counter held in one object's attributes with
/// read / compare-and-swap / retry: no increment may be lost.
pub async fn cas_race_loses_no_update(h: &Harness) {
    let store = Arc::new(h.store.clone());
    setup(store.as_ref()).await;
    let mut k = key("counter", "counter", &[1; 32]);
    k.attributes = 0u64.to_be_bytes().to_vec();
    k.index = vec![IndexEntry::new("x-count", 0, "0")];
    store.insert_object(DOMAIN, k).await.unwrap();
    const TASKS: u64 = 16;
    const EACH: u64 = 10;
    let mut handles = Vec::new();
    for _ in 0..TASKS {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let mut conflicts = 0u64;
            for _ in 0..EACH {
                loop {
                    let o = store.get_object(DOMAIN, "counter", false).await.unwrap();
                    let n = u64::from_be_bytes(o.attributes.as_slice().try_into().unwrap()) + 1;
                    let update = ObjectUpdate {
                        state: o.state,
                        attributes: n.to_be_bytes().to_vec(),
                        index: vec![IndexEntry::new("x-count", 0, n.to_string())],
                        links: vec![],
                        material: MaterialChange::Keep,
                    };
                    match store.update_object(DOMAIN, "counter", o.version, update).await {
                        Ok(v) => {
                            assert_eq!(v, o.version + 1);
                            break;
                        }
                        Err(Error::Conflict { .. }) => conflicts += 1,
                        Err(e) => panic!("unexpected {e}"),
                    }
                }
            }
            conflicts
        }));
    }
    let mut conflicts = 0;
    for h in handles {
        conflicts += h.await.unwrap();
    }
    let o = store.get_object(DOMAIN, "counter", true).await.unwrap();
    let total = TASKS * EACH;
    assert_eq!(u64::from_be_bytes(o.attributes.as_slice().try_into().unwrap()), total);
    assert_eq!(o.version, total + 1);
    assert_eq!(o.material.unwrap().expose(), &[1; 32]);
    // The index moved with the attributes: exactly the final value is indexed.
    assert_eq!(
        store.locate(DOMAIN, &locate_by("x-count", &total.to_string())).await.unwrap(),
        ["counter"]
    );
    assert!(
        store
            .locate(DOMAIN, &locate_by("x-count", &(total - 1).to_string()))
            .await
            .unwrap()
            .is_empty()
    );
    eprintln!("{total} increments, {conflicts} conflicts retried");
}

pub async fn audit_chain_detects_tampering(h: &Harness) {
    let s = &h.store;
    setup(s).await;
    // Appended alone, concurrently, and inside batches: one gapless chain.
    let store = Arc::new(s.clone());
    let mut tasks = Vec::new();
    for i in 0..20 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move { store.append_audit(event("Get", i)).await.unwrap() }));
    }
    let mut seqs: Vec<u64> = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap());
    }
    s.apply(
        Batch::new(DOMAIN)
            .push(Change::Insert(key("a", "a", &[1; 32])))
            .audit(event("Create", 21))
            .audit(event("Activate", 22)),
    )
    .await
    .unwrap();
    seqs.sort();
    assert_eq!(seqs, (1..=20).collect::<Vec<_>>());
    let recs = s.list_audit(None, 0, 100).await.unwrap();
    assert_eq!(recs.len(), 22);
    assert_eq!(recs[21].event.operation, "Activate");
    assert_eq!(s.list_audit(Some(DOMAIN), 20, 100).await.unwrap().len(), 2);
    assert!(s.list_audit(Some(OTHER_DOMAIN), 0, 100).await.unwrap().is_empty());
    match s.verify_audit_chain().await.unwrap() {
        AuditVerification::Intact { records, head } => {
            assert_eq!(records, 22);
            assert_eq!(head, recs[21].hash);
        }
        other => panic!("{other:?}"),
    }
    let pool = s.pool();
    // Alter a record: the block holding it no longer chains.
    let (first, last, records, hash) = block_holding(pool, 7).await;
    assert!(first <= 7 && 7 <= last);
    let mut altered = records.clone();
    *altered.last_mut().unwrap() ^= 1;
    set_block(pool, first, &altered, &hash).await;
    match s.verify_audit_chain().await.unwrap() {
        AuditVerification::Broken { position, .. } => assert_eq!(position, first as u64),
        other => panic!("{other:?}"),
    }
    set_block(pool, first, &records, &hash).await;
    assert!(matches!(s.verify_audit_chain().await.unwrap(), AuditVerification::Intact { .. }));
    // Replace a block's stored hash with another block's: still caught there.
    let (first9, _, records9, _) = block_holding(pool, 9).await;
    let fake = s.list_audit(None, 0, 1).await.unwrap()[0].hash;
    set_block(pool, first9, &records9, &fake).await;
    assert!(matches!(
        s.verify_audit_chain().await.unwrap(),
        AuditVerification::Broken { position, .. } if position == first9 as u64
    ));
    // Remove a record from the middle.
    let h2 = Harness::new(h.backend).await;
    let s2 = &h2.store;
    for i in 0..5 {
        s2.append_audit(event("Get", i)).await.unwrap();
    }
    // Appended one after the other: a block each.
    assert_eq!(block_holding(s2.pool(), 3).await.0, 3);
    sqlx::query("DELETE FROM audit_blocks WHERE first_seq = 3").execute(s2.pool()).await.unwrap();
    match s2.verify_audit_chain().await.unwrap() {
        AuditVerification::Broken { position, reason } => {
            assert_eq!(position, 3);
            assert!(reason.contains("missing"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // Remove the last record: the chain head catches it.
    let h3 = Harness::new(h.backend).await;
    let s3 = &h3.store;
    for i in 0..5 {
        s3.append_audit(event("Get", i)).await.unwrap();
    }
    sqlx::query("DELETE FROM audit_blocks WHERE first_seq = 5").execute(s3.pool()).await.unwrap();
    assert!(matches!(
        s3.verify_audit_chain().await.unwrap(),
        AuditVerification::Broken { position: 5, .. }
    ));
    h2.finish().await;
    h3.finish().await;
}

/// Listing reads blocks a few at a time: pages that span many blocks, and
/// pages that end inside one, come back whole and in order.
pub async fn audit_listing_spans_many_blocks(h: &Harness) {
    let s = &h.store;
    setup(s).await;
    // One after the other: a block each.
    for i in 0..70 {
        s.append_audit(event("Get", i)).await.unwrap();
    }
    // Then one batch: one block of five.
    let mut batch = Batch::new(DOMAIN);
    for i in 70..75 {
        batch = batch.audit(event("Encrypt", i));
    }
    s.apply(batch).await.unwrap();
    let all = s.list_audit(None, 0, 1000).await.unwrap();
    assert_eq!(all.iter().map(|r| r.seq).collect::<Vec<_>>(), (1..=75).collect::<Vec<_>>());
    assert_eq!(all[69].event.object_id.as_deref(), Some("obj-69"));
    assert_eq!(all[72].event.operation, "Encrypt");
    let seqs = |recs: Vec<AuditRecord>| recs.iter().map(|r| r.seq).collect::<Vec<_>>();
    assert_eq!(
        seqs(s.list_audit(Some(DOMAIN), 10, 50).await.unwrap()),
        (11..=60).collect::<Vec<_>>()
    );
    // A page that starts and ends inside the last block.
    assert_eq!(seqs(s.list_audit(None, 71, 2).await.unwrap()), [72, 73]);
    assert!(s.list_audit(None, 75, 10).await.unwrap().is_empty());
    // Each record's hash chains from the one before, across blocks.
    match s.verify_audit_chain().await.unwrap() {
        AuditVerification::Intact { records, head } => {
            assert_eq!((records, head), (75, all[74].hash));
        }
        other => panic!("{other:?}"),
    }
}

/// Rows added to the audit tables outside Keyward are found wherever they sit:
/// verification reads every row a listing can show, not only those between the
/// chain's start and its head.
pub async fn audit_rows_outside_the_chain_are_found(h: &Harness) {
    let s = &h.store;
    setup(s).await;
    // Records 1 to 6 a block each, then 7 to 11 in one block.
    for i in 0..6 {
        s.append_audit(event("Get", i)).await.unwrap();
    }
    let mut batch = Batch::new(DOMAIN);
    for i in 6..11 {
        batch = batch.audit(event("Encrypt", i));
    }
    s.apply(batch).await.unwrap();
    assert_eq!(block_holding(s.pool(), 9).await.0, 7);
    let intact = s.verify_audit_chain().await.unwrap();
    assert!(matches!(intact, AuditVerification::Intact { records: 11, .. }), "{intact:?}");
    let pool = s.pool();
    let broken_at = |position: u64, words: &'static str| {
        move |v: AuditVerification| match v {
            AuditVerification::Broken { position: p, reason } => {
                assert_eq!(p, position, "{reason}");
                assert!(reason.contains(words), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    };
    // A copy of block 1 stored under other sequence numbers, each time
    // removed again after the check.
    let forge = |first: i64, last: i64| {
        sqlx::query(
            "INSERT INTO audit_blocks (first_seq, last_seq, domain_id, prev_hash, hash, records) \
             SELECT $1, $2, domain_id, prev_hash, hash, records FROM audit_blocks \
             WHERE first_seq = 1",
        )
        .bind(first)
        .bind(last)
        .execute(pool)
    };
    let unforge = |first: i64| {
        sqlx::query("DELETE FROM audit_blocks WHERE first_seq = $1").bind(first).execute(pool)
    };
    // Before the first record.
    forge(0, 0).await.unwrap();
    broken_at(1, "twice or out of order")(s.verify_audit_chain().await.unwrap());
    unforge(0).await.unwrap();
    // Inside a block of five, ending before it.
    forge(8, 8).await.unwrap();
    broken_at(7, "missing")(s.verify_audit_chain().await.unwrap());
    unforge(8).await.unwrap();
    // Past the head.
    forge(12, 12).await.unwrap();
    broken_at(12, "altered")(s.verify_audit_chain().await.unwrap());
    unforge(12).await.unwrap();
    // A sequence number no record can have.
    forge(-1, -1).await.unwrap();
    broken_at(1, "cannot be read")(s.verify_audit_chain().await.unwrap());
    unforge(-1).await.unwrap();
    // A row of the one-record-per-row table, past the head.
    sqlx::query(
        "INSERT INTO audit_log (seq, at, domain_id, credential_id, identities, operation, \
         object_id, result, hash) VALUES (99, 0, NULL, NULL, '[]', 'Forged', NULL, 'ok', $1)",
    )
    .bind(vec![0u8; 32])
    .execute(pool)
    .await
    .unwrap();
    broken_at(1, "missing")(s.verify_audit_chain().await.unwrap());
    sqlx::query("DELETE FROM audit_log WHERE seq = 99").execute(pool).await.unwrap();
    // A record that chains, but was added without moving the head: the head
    // is set back to record 10 while record 11 stays.
    let recs = s.list_audit(None, 0, 100).await.unwrap();
    sqlx::query("UPDATE audit_head SET seq = 10, hash = $1 WHERE id = 1")
        .bind(recs[9].hash.to_vec())
        .execute(pool)
        .await
        .unwrap();
    broken_at(11, "past the chain head")(s.verify_audit_chain().await.unwrap());
    sqlx::query("UPDATE audit_head SET seq = 11, hash = $1 WHERE id = 1")
        .bind(recs[10].hash.to_vec())
        .execute(pool)
        .await
        .unwrap();
    let intact = s.verify_audit_chain().await.unwrap();
    assert!(matches!(intact, AuditVerification::Intact { records: 11, .. }), "{intact:?}");
}

/// PostgreSQL: when the connection is lost after the server committed a group
/// but before its answer arrived, the writer does not run the group again —
/// that would append its audit records a second time — and tells each caller
/// that the outcome is unknown.
pub async fn a_commit_whose_answer_is_lost_is_not_run_again(h: &Harness) {
    use std::future::Future;
    use std::task::Poll;

    use sqlx::Connection;

    setup(&h.store).await;
    let cutter = super::CommitCutter::start().await;
    let via = SqlStore::open(&cutter.url(&h.url), h.master.clone()).await.unwrap();
    assert_eq!(via.append_audit(event("Get", 0)).await.unwrap(), 1);
    // Hold the chain head, so that the writer's next transaction waits and
    // the appends below queue up behind it: at least two of them are
    // written as one group.
    let mut lock = sqlx::AnyConnection::connect(&h.url).await.unwrap();
    sqlx::raw_sql("BEGIN; SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE")
        .execute(&mut lock)
        .await
        .unwrap();
    cutter.arm();
    let mut appends: Vec<_> =
        (1..=3).map(|i| Box::pin(via.append_audit(event("Get", i)))).collect();
    // One poll each hands the request to the writer.
    for a in &mut appends {
        std::future::poll_fn(|cx| {
            assert!(a.as_mut().poll(cx).is_pending());
            Poll::Ready(())
        })
        .await;
    }
    sqlx::raw_sql("COMMIT").execute(&mut lock).await.unwrap();
    for a in appends {
        match a.await {
            Err(Error::CommitOutcomeUnknown(_)) => {}
            other => panic!("expected an unknown outcome, got {other:?}"),
        }
    }
    assert!(cutter.cuts() >= 1);
    // Every record once: each group was committed once, and not again.
    let records = h.store.list_audit(None, 0, 100).await.unwrap();
    let mut objects: Vec<_> = records.iter().map(|r| r.event.object_id.clone()).collect();
    objects.sort();
    let expected: Vec<_> = (0..=3).map(|i| Some(format!("obj-{i}"))).collect();
    assert_eq!(objects, expected);
    let intact = h.store.verify_audit_chain().await.unwrap();
    assert!(matches!(intact, AuditVerification::Intact { records: 4, .. }), "{intact:?}");
    via.close().await;
}

/// The audit block holding record `seq`: its first and last record, its
/// encoded records and its stored hash.
async fn block_holding(pool: &sqlx::AnyPool, seq: i64) -> (i64, i64, Vec<u8>, Vec<u8>) {
    use sqlx::Row;
    let r = sqlx::query(
        "SELECT first_seq, last_seq, records, hash FROM audit_blocks \
         WHERE first_seq <= $1 AND last_seq >= $1",
    )
    .bind(seq)
    .fetch_one(pool)
    .await
    .unwrap();
    (r.get(0), r.get(1), r.get(2), r.get(3))
}

async fn set_block(pool: &sqlx::AnyPool, first: i64, records: &[u8], hash: &[u8]) {
    sqlx::query("UPDATE audit_blocks SET records = $1, hash = $2 WHERE first_seq = $3")
        .bind(records.to_vec())
        .bind(hash.to_vec())
        .bind(first)
        .execute(pool)
        .await
        .unwrap();
}

/// Records written one per row before audit blocks existed (schema 5) stay
/// listed and verified, and the blocks written after them continue their
/// chain.
pub async fn audit_records_from_before_blocks(backend: keyward_store::Backend) {
    use aws_lc_rs::digest::{Context, SHA256};
    let h = Harness::new(backend).await;
    let url = h.sibling("v5").await;
    let (_, pool) = connect_pool(&url, 2, 5).await.unwrap();
    // The chain's canonical encoding, as documented in the store's audit
    // module, written out independently here.
    let put_str = |out: &mut Vec<u8>, s: &str| {
        out.extend_from_slice(&(s.len() as u64).to_be_bytes());
        out.extend_from_slice(s.as_bytes());
    };
    let mut prev = [0u8; 32];
    let mut written = Vec::new();
    for seq in 1..=3u64 {
        let mut ev = event("Get", seq as usize);
        ev.at = OffsetDateTime::from_unix_timestamp(1_700_000_000 + seq as i64).unwrap();
        if seq == 2 {
            ev.domain_id = Some(OTHER_DOMAIN.into());
        }
        let micros = (ev.at.unix_timestamp_nanos() / 1000) as i64;
        let mut c = b"keyward-audit-v1".to_vec();
        c.extend_from_slice(&seq.to_be_bytes());
        c.extend_from_slice(&micros.to_be_bytes());
        for opt in [&ev.domain_id, &ev.credential_id] {
            c.push(1);
            put_str(&mut c, opt.as_deref().unwrap());
        }
        c.extend_from_slice(&(ev.identities.len() as u64).to_be_bytes());
        for id in ev.identities.iter() {
            put_str(&mut c, id);
        }
        put_str(&mut c, &ev.operation);
        c.push(1);
        put_str(&mut c, ev.object_id.as_deref().unwrap());
        put_str(&mut c, &ev.result);
        let mut ctx = Context::new(&SHA256);
        ctx.update(&prev);
        ctx.update(&c);
        prev.copy_from_slice(ctx.finish().as_ref());
        sqlx::query(
            "INSERT INTO audit_log (seq, at, domain_id, credential_id, identities, operation, \
             object_id, result, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(seq as i64)
        .bind(micros)
        .bind(ev.domain_id.clone())
        .bind(ev.credential_id.clone())
        .bind(serde_json::to_string(&ev.identities[..]).unwrap())
        .bind(ev.operation.clone())
        .bind(ev.object_id.clone())
        .bind(ev.result.clone())
        .bind(prev.to_vec())
        .execute(&pool)
        .await
        .unwrap();
        written.push(AuditRecord { seq, event: ev, hash: prev });
    }
    sqlx::query("UPDATE audit_head SET seq = 3, hash = $1 WHERE id = 1")
        .bind(prev.to_vec())
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let store = SqlStore::open(&url, h.master.clone()).await.unwrap();
    assert_eq!(
        store.verify_audit_chain().await.unwrap(),
        AuditVerification::Intact { records: 3, head: prev }
    );
    for i in 4..=6 {
        assert_eq!(store.append_audit(event("Encrypt", i)).await.unwrap(), i as u64);
    }
    let all = store.list_audit(None, 0, 100).await.unwrap();
    assert_eq!(all[..3], written[..]);
    assert_eq!(all.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
    assert_eq!(all[4].event.operation, "Encrypt");
    // Pages and the domain filter cross from the rows to the blocks.
    let page: Vec<u64> =
        store.list_audit(Some(DOMAIN), 1, 3).await.unwrap().iter().map(|r| r.seq).collect();
    assert_eq!(page, [3, 4, 5]);
    assert_eq!(store.list_audit(None, 4, 100).await.unwrap(), all[4..]);
    match store.verify_audit_chain().await.unwrap() {
        AuditVerification::Intact { records, head } => {
            assert_eq!(records, 6);
            assert_eq!(head, all[5].hash);
        }
        other => panic!("{other:?}"),
    }
    // An old row removed from the middle is still found.
    sqlx::query("DELETE FROM audit_log WHERE seq = 2").execute(store.pool()).await.unwrap();
    match store.verify_audit_chain().await.unwrap() {
        AuditVerification::Broken { position, reason } => {
            assert_eq!(position, 2);
            assert!(reason.contains("missing"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    store.close().await;
    h.drop_sibling("v5").await;
    h.finish().await;
}

pub async fn master_key_rotation_and_wrong_key(h: &Harness) {
    let s = &h.store;
    setup(s).await;
    for i in 0..10u8 {
        let d = if i % 2 == 0 { DOMAIN } else { OTHER_DOMAIN };
        s.insert_object(d, key(&format!("k{i}"), "n", &[i; 32])).await.unwrap();
    }
    // A wrong master key is refused at open with a clear error.
    let wrong: Arc<dyn MasterKey> = Arc::new(StaticMasterKey::generate().unwrap());
    let e = h.reopen(wrong.clone()).await.unwrap_err();
    assert!(matches!(e, Error::Sealing(_)), "{e:?}");
    assert!(e.to_string().contains("wrong master key"), "{e}");

    assert!(s.put_server_secret("users-ca", &Secret::from_slice(b"ca key")).await.unwrap());
    let new: Arc<dyn MasterKey> = Arc::new(StaticMasterKey::generate().unwrap());
    assert_eq!(s.rotate_master_key(new.clone()).await.unwrap(), 2);
    // Server secrets follow the new master key too.
    assert_eq!(
        h.reopen(new.clone()).await.unwrap().get_server_secret("users-ca").await.unwrap(),
        Some(Secret::from_slice(b"ca key"))
    );
    // Still readable through this store (it switched keys) and after a reopen with the new key.
    let reopened = h.reopen(new.clone()).await.unwrap();
    for st in [s, &reopened] {
        for i in 0..10u8 {
            let d = if i % 2 == 0 { DOMAIN } else { OTHER_DOMAIN };
            let o = st.get_object(d, &format!("k{i}"), true).await.unwrap();
            assert_eq!(o.material.unwrap().expose(), &[i; 32]);
        }
    }
    // New domains and objects use the new key.
    s.create_domain(&NewDomain {
        id: "d-new".into(),
        account_id: "acme".into(),
        region: "r".into(),
        name: "n".into(),
    })
    .await
    .unwrap();
    s.insert_object("d-new", key("kn", "n", &[42; 32])).await.unwrap();
    assert_eq!(
        reopened.get_object("d-new", "kn", true).await.unwrap().material.unwrap().expose(),
        &[42; 32]
    );
    // The old key no longer opens the store.
    let e = h.reopen(h.master.clone()).await.unwrap_err();
    assert!(e.to_string().contains("wrong master key"), "{e}");
    reopened.close().await;
}

pub async fn sealed_material_is_bound_to_its_row(h: &Harness) {
    let s = &h.store;
    setup(s).await;
    s.insert_object(DOMAIN, key("a", "a", &[1; 32])).await.unwrap();
    s.insert_object(DOMAIN, key("b", "b", &[2; 32])).await.unwrap();
    // Copy a's sealed material onto b: b no longer unseals (object id is bound in).
    sqlx::query("UPDATE objects SET material = (SELECT material FROM objects WHERE id = 'a') WHERE id = 'b'")
        .execute(s.pool())
        .await
        .unwrap();
    let e = s.get_object(DOMAIN, "b", true).await.unwrap_err();
    assert!(matches!(e, Error::Sealing(_)), "{e:?}");
    // Metadata is still readable.
    assert!(s.get_object(DOMAIN, "b", false).await.unwrap().has_material);
    let raw: Vec<u8> = sqlx::Row::get(
        &sqlx::query("SELECT material FROM objects WHERE id = 'a'")
            .fetch_one(s.pool())
            .await
            .unwrap(),
        0,
    );
    assert!(!raw.windows(32).any(|w| w == [1u8; 32]));
}

pub async fn credentials_tokens_policies(h: &Harness) {
    let s: &dyn Store = &h.store;
    setup(s).await;
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let c = s
        .create_credential(&NewCredential {
            id: "cred-1".into(),
            domain_id: DOMAIN.into(),
            name: "backup".into(),
            identities: vec!["urn:v1:eu:identity:user:acme/john".into()],
            certificate_der: None,
            not_before: now,
            not_after: now + time::Duration::days(30),
        })
        .await
        .unwrap();
    assert_eq!(c.not_before, now);
    assert!(c.certificate_der.is_none() && c.revoked_at.is_none());
    s.set_credential_certificate(DOMAIN, "cred-1", &[0x30, 0x82, 1, 2]).await.unwrap();
    assert!(matches!(
        s.get_credential(OTHER_DOMAIN, "cred-1").await,
        Err(Error::RecordNotFound { .. })
    ));
    s.revoke_credential(DOMAIN, "cred-1", now).await.unwrap();
    s.revoke_credential(DOMAIN, "cred-1", now + time::Duration::days(1)).await.unwrap();
    let c = s.get_credential(DOMAIN, "cred-1").await.unwrap();
    assert_eq!(c.revoked_at, Some(now));
    assert_eq!(c.certificate_der.as_deref(), Some(&[0x30, 0x82, 1, 2][..]));
    assert_eq!(c.identities, ["urn:v1:eu:identity:user:acme/john"]);
    assert_eq!(s.list_credentials(DOMAIN, Page::default()).await.unwrap().len(), 1);
    assert!(matches!(
        s.create_credential(&NewCredential { domain_id: "nope".into(), ..c_new(now) }).await,
        Err(Error::DomainNotFound(_))
    ));
    assert_eq!(c.description, "");
    let c2 =
        s.create_credential_with_description(&c_new(now), "the backup appliance").await.unwrap();
    assert_eq!(c2.description, "the backup appliance");
    // Found by id alone, whatever the domain.
    let found = s.find_credential("c2").await.unwrap().unwrap();
    assert_eq!(
        (found.domain_id.as_str(), found.description.as_str()),
        (DOMAIN, "the backup appliance")
    );
    assert!(s.find_credential("nope").await.unwrap().is_none());
    assert!(matches!(
        s.create_credential_with_description(
            &NewCredential { id: "c3".into(), ..c_new(now) },
            &"x".repeat(MAX_DESCRIPTION_LEN + 1)
        )
        .await,
        Err(Error::Invalid(_))
    ));

    let secret = b"kw_0123456789abcdef0123456789";
    s.create_api_token("acme", "t1", "admin", secret, None).await.unwrap();
    assert!(matches!(
        s.create_api_token("acme", "t1", "again", b"another-secret-value", None).await,
        Err(Error::AlreadyExists { .. })
    ));
    assert!(matches!(
        s.create_api_token("acme", "t2", "short", b"short", None).await,
        Err(Error::Invalid(_))
    ));
    let t = s.find_api_token(secret).await.unwrap().unwrap();
    assert_eq!((t.id.as_str(), t.account_id.as_str()), ("t1", "acme"));
    assert!(s.find_api_token(b"kw_0123456789abcdef0123456788").await.unwrap().is_none());
    s.revoke_api_token("acme", "t1").await.unwrap();
    assert!(s.find_api_token(secret).await.unwrap().unwrap().revoked_at.is_some());
    assert_eq!(s.list_api_tokens("acme", Page::default()).await.unwrap().len(), 1);
    // The secret is not stored, only its hash.
    let stored: Vec<u8> = sqlx::Row::get(
        &sqlx::query("SELECT token_hash FROM api_tokens").fetch_one(h.store.pool()).await.unwrap(),
        0,
    );
    assert_eq!(stored.len(), 32);
    assert!(!stored.windows(8).any(|w| secret.windows(8).any(|s| s == w)));

    let p = s.create_policy("acme", "p1", "readers", r#"{"allow":["kms:Get"]}"#).await.unwrap();
    assert_eq!(p.version, 1);
    let p2 = s.update_policy("acme", "p1", 1, "readers", r#"{"allow":["kms:*"]}"#).await.unwrap();
    assert_eq!((p2.version, p2.document.as_str()), (2, r#"{"allow":["kms:*"]}"#));
    assert!(matches!(
        s.update_policy("acme", "p1", 1, "x", "{}").await,
        Err(Error::Conflict { found: Some(2), .. })
    ));
    assert_eq!(s.list_policies("acme", Page::default()).await.unwrap().len(), 1);
    s.delete_policy("acme", "p1").await.unwrap();
    assert!(matches!(s.get_policy("acme", "p1").await, Err(Error::RecordNotFound { .. })));
}

fn c_new(now: OffsetDateTime) -> NewCredential {
    NewCredential {
        id: "c2".into(),
        domain_id: DOMAIN.into(),
        name: "n".into(),
        identities: vec![],
        certificate_der: None,
        not_before: now,
        not_after: now,
    }
}

/// Two stores on one database (two server nodes): their writers interleave
/// safely — CAS and the audit chain hold across processes' writers.
pub async fn two_nodes_share_one_database(h: &Harness) {
    let a = Arc::new(h.store.clone());
    setup(a.as_ref()).await;
    let b = Arc::new(h.reopen(h.master.clone()).await.unwrap());
    let mut tasks = Vec::new();
    for (n, s) in [a.clone(), b.clone()].into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            for i in 0..20 {
                s.apply(
                    Batch::new(DOMAIN)
                        .push(Change::Insert(key(&format!("n{n}-{i}"), "x", &[n as u8; 32])))
                        .audit(event("Create", i)),
                )
                .await
                .unwrap();
                s.append_audit(event("Get", i)).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(a.count_objects(DOMAIN).await.unwrap(), 40);
    assert_eq!(
        b.get_object(DOMAIN, "n0-19", true).await.unwrap().material.unwrap().expose(),
        &[0; 32]
    );
    assert!(matches!(
        a.verify_audit_chain().await.unwrap(),
        AuditVerification::Intact { records: 80, .. }
    ));
    b.close().await;
}

/// A node keeps no stale view of the audit chain: after another node (or a
/// `keyward admin` process on the same SQLite file) appended records, a
/// node's next create chains after them, and a group holding a duplicate id
/// fails that request alone.
pub async fn writes_after_another_nodes_audit_records(h: &Harness) {
    let a = h.store.clone();
    setup(&a).await;
    let b = h.reopen(h.master.clone()).await.unwrap();
    let create = |id: &str, n: usize| {
        Batch::new(DOMAIN).push(Change::Insert(key(id, "x", &[7; 32]))).audit(event("Create", n))
    };
    a.apply(create("a-1", 1)).await.unwrap();
    b.apply(create("b-1", 2)).await.unwrap();
    b.append_audit(event("Get", 3)).await.unwrap();
    a.apply(create("a-2", 4)).await.unwrap();
    // A group of creates in which one id is taken: the others still land.
    let results = tokio::join!(
        a.apply(create("a-3", 5)),
        a.apply(create("a-1", 6)),
        a.apply(create("a-4", 7)),
    );
    assert!(results.0.is_ok() && results.2.is_ok(), "{results:?}");
    assert!(results.1.is_err(), "a duplicate id is refused");
    b.append_audit(event("Get", 8)).await.unwrap();
    a.apply(create("a-5", 9)).await.unwrap();
    assert_eq!(a.count_objects(DOMAIN).await.unwrap(), 6);
    let verification = a.verify_audit_chain().await.unwrap();
    assert!(
        matches!(verification, AuditVerification::Intact { records: 8, .. }),
        "every record but the refused create's: {verification:?}"
    );
    b.close().await;
}

/// The schema upgrades from version 1 to the current one with data in place.
pub async fn upgrade_from_previous_schema(backend: keyward_store::Backend) {
    // A database at schema 1 with data, then opened by the current code.
    let h = Harness::new(backend).await;
    // Harness::new applied everything; build a second database at version 1 instead.
    let url = h.sibling("old").await;
    let (_, pool) = connect_pool(&url, 2, 1).await.unwrap();
    sqlx::query("INSERT INTO accounts (id, name, created_at) VALUES ('old', 'Old', 0)")
        .execute(&pool)
        .await
        .unwrap();
    let has_creds: Result<sqlx::any::AnyRow, _> =
        sqlx::query("SELECT COUNT(*) FROM credentials").fetch_one(&pool).await;
    assert!(has_creds.is_err(), "schema 1 has no credentials table");
    pool.close().await;
    let store = SqlStore::open(&url, h.master.clone()).await.unwrap();
    assert_eq!(store.get_account("old").await.unwrap().name, "Old");
    store
        .create_domain(&NewDomain {
            id: "d".into(),
            account_id: "old".into(),
            region: "r".into(),
            name: "n".into(),
        })
        .await
        .unwrap();
    store.insert_object("d", key("k", "k", &[1; 32])).await.unwrap();
    store.create_policy("old", "p", "n", "{}").await.unwrap();
    store.close().await;
    // Opening again applies nothing and keeps everything.
    let store = SqlStore::open(&url, h.master.clone()).await.unwrap();
    assert_eq!(
        store.get_object("d", "k", true).await.unwrap().material.unwrap().expose(),
        &[1; 32]
    );
    store.close().await;
    h.drop_sibling("old").await;
    h.finish().await;
}

/// Named server secrets: sealed under the master key, inserted only if absent,
/// replaced on demand, bound to their name.
pub async fn server_secrets(h: &Harness) {
    let s: &dyn Store = &h.store;
    assert_eq!(s.get_server_secret("server-ca").await.unwrap(), None);
    let first = Secret::from_slice(b"-----the server CA's key, first-----");
    assert!(s.put_server_secret("server-ca", &first).await.unwrap());
    // A second put of the same name changes nothing.
    assert!(!s.put_server_secret("server-ca", &Secret::from_slice(b"second")).await.unwrap());
    assert_eq!(s.get_server_secret("server-ca").await.unwrap(), Some(first.clone()));
    // Replacing is explicit.
    s.set_server_secret("server-ca", &Secret::from_slice(b"renewed")).await.unwrap();
    assert_eq!(
        s.get_server_secret("server-ca").await.unwrap(),
        Some(Secret::from_slice(b"renewed"))
    );
    s.set_server_secret("fresh", &Secret::from_slice(b"via set")).await.unwrap();
    assert_eq!(s.get_server_secret("fresh").await.unwrap(), Some(Secret::from_slice(b"via set")));
    // Another node (same master key) reads the same value.
    let other = h.reopen(h.master.clone()).await.unwrap();
    assert_eq!(
        other.get_server_secret("fresh").await.unwrap(),
        Some(Secret::from_slice(b"via set"))
    );
    other.close().await;
    // Bad names and sizes are refused.
    assert!(matches!(s.put_server_secret("", &first).await, Err(Error::Invalid(_))));
    assert!(matches!(
        s.put_server_secret(&"n".repeat(MAX_SECRET_NAME_LEN + 1), &first).await,
        Err(Error::Invalid(_))
    ));
    // The database holds no plaintext, and a value moved to another name does not open.
    let raw: Vec<u8> = sqlx::Row::get(
        &sqlx::query("SELECT value FROM server_secrets WHERE name = 'fresh'")
            .fetch_one(h.store.pool())
            .await
            .unwrap(),
        0,
    );
    assert!(!raw.windows(7).any(|w| w == b"via set"));
    sqlx::query(
        "UPDATE server_secrets SET wrapped_key = (SELECT wrapped_key FROM server_secrets WHERE name = 'fresh'), \
         value = (SELECT value FROM server_secrets WHERE name = 'fresh') WHERE name = 'server-ca'",
    )
    .execute(h.store.pool())
    .await
    .unwrap();
    assert!(matches!(s.get_server_secret("server-ca").await, Err(Error::Sealing(_))));
}

/// Several nodes starting at once on one database, each creating "its" CA if
/// absent then re-reading: every node ends up with the same one.
pub async fn server_secret_race_has_one_winner(h: &Harness) {
    let mut nodes = vec![Arc::new(h.store.clone())];
    for _ in 0..3 {
        nodes.push(Arc::new(h.reopen(h.master.clone()).await.unwrap()));
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(nodes.len()));
    let mut tasks = Vec::new();
    for (n, node) in nodes.iter().cloned().enumerate() {
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let mine = Secret::new(format!("CA of node {n}").into_bytes());
            let inserted = node.put_server_secret("users-ca", &mine).await.unwrap();
            let read = node.get_server_secret("users-ca").await.unwrap().unwrap();
            (inserted, read)
        }));
    }
    let mut winners = 0;
    let mut values = Vec::new();
    for t in tasks {
        let (inserted, read) = t.await.unwrap();
        winners += usize::from(inserted);
        values.push(read);
    }
    assert_eq!(winners, 1, "exactly one node inserts");
    assert!(values.windows(2).all(|w| w[0] == w[1]), "every node reads the winner's value");
    for node in nodes.iter().skip(1) {
        node.close().await;
    }
}

/// The schema upgrades from version 2 (the previous release) to the current
/// one with credentials in place: they get an empty description, and server
/// secrets can be stored.
pub async fn upgrade_from_schema_2(backend: keyward_store::Backend) {
    upgrade_to_current(backend, false).await
}

/// A database that got migration 4 before migration 3 existed (schema
/// versions 1, 2 and 4 applied) gets 3 applied when opened.
pub async fn upgrade_from_schema_4_without_3(backend: keyward_store::Backend) {
    upgrade_to_current(backend, true).await
}

async fn upgrade_to_current(backend: keyward_store::Backend, with_4: bool) {
    let h = Harness::new(backend).await;
    let url = h.sibling("v2").await;
    let (_, pool) = connect_pool(&url, 2, 2).await.unwrap();
    for sql in [
        "INSERT INTO accounts (id, name, created_at) VALUES ('old', 'Old', 0)",
        "INSERT INTO domains (id, account_id, region, name, wrapped_key, created_at) \
         VALUES ('d-old', 'old', 'r', 'n', x'00', 0)",
        "INSERT INTO credentials (id, domain_id, name, identities, certificate_der, not_before, \
         not_after, revoked_at, created_at) VALUES ('c-old', 'd-old', 'n', '[]', NULL, 0, 1, NULL, 0)",
    ] {
        let sql = if backend == Backend::Postgres {
            sql.replace("x'00'", "'\\x00'::bytea")
        } else {
            sql.to_owned()
        };
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await.unwrap();
    }
    if with_4 {
        let mut four = migrator(backend, SCHEMA_VERSION);
        four.migrations = four.migrations.iter().filter(|m| m.version == 4).cloned().collect();
        four.set_ignore_missing(true);
        four.run(&pool).await.unwrap();
    }
    assert!(sqlx::query("SELECT COUNT(*) FROM server_secrets").fetch_one(&pool).await.is_err());
    pool.close().await;
    let store = SqlStore::open(&url, h.master.clone()).await.unwrap();
    let c = store.get_credential("d-old", "c-old").await.unwrap();
    assert_eq!((c.name.as_str(), c.description.as_str()), ("n", ""));
    assert!(store.put_server_secret("server-ca", &Secret::from_slice(b"k")).await.unwrap());
    store.close().await;
    let store = SqlStore::open(&url, h.master.clone()).await.unwrap();
    assert_eq!(store.get_server_secret("server-ca").await.unwrap(), Some(Secret::from_slice(b"k")));
    store.close().await;
    h.drop_sibling("v2").await;
    h.finish().await;
}

/// A build that knows fewer migrations than a database has applied refuses
/// it, rather than misreading what the newer migrations changed (since
/// migration 5, object attributes in a form an older build cannot decode).
pub async fn an_older_build_refuses_a_newer_database(h: &Harness) {
    use sqlx::Connection;
    // On a connection of its own, closed after: on PostgreSQL the migrator's
    // advisory lock stays with the connection when it refuses.
    let mut conn = sqlx::AnyConnection::connect(&parse_url(&h.url).unwrap().1).await.unwrap();
    let refused = migrator(h.backend, SCHEMA_VERSION - 1).run(&mut conn).await;
    conn.close().await.unwrap();
    assert!(
        matches!(refused, Err(sqlx::migrate::MigrateError::VersionMissing(v)) if v == SCHEMA_VERSION),
        "{refused:?}"
    );
    // The database itself is untouched and still opens with this build.
    let store = SqlStore::open(&h.url, h.master.clone()).await.unwrap();
    store.close().await;
}
