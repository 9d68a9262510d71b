//! Writes with a request key (`labpath_store::once`): recorded once with
//! the key in their own transaction, answered again for the same request,
//! refused for another, apart for each principal, and forgotten after a
//! day.

use labpath_store::event::{Change, Event, Pending};
use labpath_store::model::{Counts, NewPerson};
use labpath_store::once::{Answer, Answering, RequestKey, Write, Written, people_added};
use labpath_store::{Store, StoreError};

use crate::contract_accounts::RawSql;
use crate::support::{ACTOR, person};

fn key(principal: &str, key: &str, fingerprint: &str) -> RequestKey {
    RequestKey {
        principal: principal.to_owned(),
        key: key.to_owned(),
        fingerprint: fingerprint.to_owned(),
        status: 201,
    }
}

fn maria(name: &str) -> Write {
    Write::AddPeople {
        actor: ACTOR.to_owned(),
        people: vec![NewPerson {
            name: name.to_owned(),
            organization: None,
            profile: Some(serde_json::json!({ "person": { "name": name } })),
        }],
    }
}

/// The answer: the people added, as JSON.
fn people_json(events: &[Event]) -> Result<String, StoreError> {
    serde_json::to_string(&people_added(events)).map_err(|e| StoreError::Other(e.to_string()))
}

async fn keyed(store: &dyn Store, write: Write, key: &RequestKey) -> Written {
    let answering: Answering<'_> = &people_json;
    store.write(write, Some((key, answering))).await.unwrap()
}

async fn counts(store: &dyn Store) -> Counts {
    store.counts().await.unwrap()
}

/// A keyed write records its events and its key at once; the same request
/// again records nothing and gets the first answer; another request with
/// the key records nothing and says so; another principal's key of the
/// same text is its own.
pub async fn a_keyed_write_is_recorded_once_and_answered_again(store: &dyn Store) {
    let first = key("user 1", "k-1", "request A");
    let Written::Recorded(events) = keyed(store, maria("Maria"), &first).await else {
        panic!("a new key records the write");
    };
    let kinds: Vec<&str> = events.iter().map(|e| e.change.kind()).collect();
    assert_eq!(kinds, ["person_added", "profile_recorded"]);
    let person = store.person(events[0].person).await.unwrap();
    assert_eq!(
        person.profile_version, 1,
        "the person and the profile are one write"
    );
    let answer = Answer {
        status: 201,
        body: people_json(&events).unwrap(),
    };
    let after = counts(store).await;

    let again = keyed(store, maria("Maria"), &first).await;
    assert_eq!(again, Written::Replayed(answer.clone()));
    assert_eq!(counts(store).await, after, "a repeat recorded something");

    let other = key("user 1", "k-1", "request B");
    assert_eq!(keyed(store, maria("Ana"), &other).await, Written::KeyReused);
    assert_eq!(
        counts(store).await,
        after,
        "a reused key recorded something"
    );

    let theirs = key("user 2", "k-1", "request A");
    let Written::Recorded(events) = keyed(store, maria("Maria"), &theirs).await else {
        panic!("another principal's key is apart");
    };
    assert_eq!(people_added(&events).len(), 1);
    // The first principal's answer has not changed.
    assert_eq!(
        keyed(store, maria("Maria"), &first).await,
        Written::Replayed(answer)
    );
}

/// A refused keyed write keeps no key: the request, corrected, may be sent
/// again with it. A write without a key is recorded as `append_all` does.
pub async fn a_refused_keyed_write_keeps_no_key(store: &dyn Store) {
    let k = key("local", "retry-me", "request");
    let before = counts(store).await;
    let e = store
        .write(maria("  "), Some((&k, &people_json)))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    assert_eq!(counts(store).await, before, "a refusal left a trace");
    assert!(matches!(
        keyed(store, maria("Maria"), &k).await,
        Written::Recorded(_)
    ));

    let p = person(store, "Jun").await;
    let rename = Write::Append(vec![Pending {
        actor: ACTOR.to_owned(),
        person: Some(p),
        application: None,
        change: Change::PersonRenamed {
            name: "Jun Reyes".to_owned(),
        },
    }]);
    let events = store.write(rename, None).await.unwrap().recorded().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(store.person(p).await.unwrap().name, "Jun Reyes");
}

/// A key older than a day is forgotten: the same key then records anew.
pub async fn keys_older_than_a_day_are_forgotten(store: &dyn Store, sql: &dyn RawSql) {
    let k = key("user 1", "old", "request");
    assert!(matches!(
        keyed(store, maria("Maria"), &k).await,
        Written::Recorded(_)
    ));
    assert!(matches!(
        keyed(store, maria("Maria"), &k).await,
        Written::Replayed(_)
    ));
    // Two days ago, in a form both databases read as an instant.
    let two_days_ago = labpath_store::time::Timestamp::now().plus_seconds(-2 * 24 * 60 * 60);
    let statement = format!("UPDATE request_keys SET created_at = '{two_days_ago}'");
    assert_eq!(sql.execute(&statement).await.unwrap(), 1);
    let before = store.people(None).await.unwrap().len();
    assert!(matches!(
        keyed(store, maria("Maria"), &k).await,
        Written::Recorded(_)
    ));
    assert_eq!(store.people(None).await.unwrap().len(), before + 1);
}
