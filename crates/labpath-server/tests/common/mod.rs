//! What the server's API tests share: a logged-in client that keeps its
//! session token and CSRF token in view (so a test can replay or drop
//! them), the checks every error answer must pass, and a world of two
//! organizations with people, applications, reminders, CE activities and
//! contacts, made through the API itself.

#![allow(
    dead_code,
    reason = "each test binary uses the part of these helpers it needs"
)]

use labpath_server::testing::Running;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// Every test password (at least 10 characters).
pub const PASSWORD: &str = "correct horse battery";

/// The catalog step every fixture application is opened from.
pub const STEP: &str = "ny-clt-apply";

/// A profile that holds a credential with a renewal cycle (`ascp-mlt`), so
/// CE activities can be logged against it.
pub fn profile() -> Value {
    example("mlt-ascp-bachelor.toml")
}

/// One of `examples/profiles/` as JSON (TOML dates become strings).
pub fn example(file: &str) -> Value {
    let path = format!(
        "{}/../../examples/profiles/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let value: toml::Value = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_json::to_value(value).unwrap()
}

/// A CE activity inside `ascp-mlt`'s cycle (2025-07-31 to 2028-07-31).
pub fn activity(title: &str) -> Value {
    json!({
        "title": title,
        "date": "2026-03-01",
        "credit": { "unit": "contact_hours", "amount": 2.0 },
        "categories": ["chemistry"],
    })
}

/// The header of a people CSV with the columns `candidates_csv` fills.
pub const PEOPLE_HEAD: &str = "name,email,credentials,work_state";

/// The lines of `candidates_csv(_, true)` that have a mistake, and its
/// column: an email without its domain, a certification agency misspelt,
/// a city for a state.
pub const BAD_LINES: [(usize, &str); 3] = [(8, "email"), (24, "credentials"), (42, "work_state")];

/// A people CSV of `count` candidates (41 to 100), as an agency's
/// spreadsheet would give it: names, emails, credentials written as after
/// a name (as `labpath parse` reads them) and the state each means to work
/// in. With `bad`, the lines of [`BAD_LINES`] have one mistake each.
pub fn candidates_csv(count: usize, bad: bool) -> String {
    const FIRST: [&str; 10] = [
        "Maria", "Jun", "Ana", "Rosa", "Paolo", "Deepa", "Omar", "Grace", "Ramon", "Lea",
    ];
    const LAST: [&str; 10] = [
        "Santos", "Reyes", "Cruz", "Bautista", "Menon", "Haddad", "Garcia", "Tan", "Lim", "Ocampo",
    ];
    const HELD: [&str; 5] = [
        "MLS(ASCPi)",
        "MLS(ASCP)CM, NYS licensed",
        "MLT(ASCP)",
        "MLS(AMT)",
        "MLS(ASCP)CM",
    ];
    const STATES: [&str; 5] = ["NY", "CA", "FL", "TX", "WA"];
    assert!((41..=100).contains(&count), "41 to 100 candidates");
    let mut csv = format!("{PEOPLE_HEAD}\n");
    for i in 0..count {
        let (first, last) = (FIRST[i % 10], LAST[i / 10]);
        let line = i + 2;
        let mistake = |column: &str| bad && BAD_LINES.contains(&(line, column));
        let mut email = format!("{first}.{last}@candidates.example").to_lowercase();
        if mistake("email") {
            email.truncate(email.find('@').unwrap() + 1);
        }
        let held = if mistake("credentials") {
            "MLS(ASPC)"
        } else {
            HELD[i % 5]
        };
        let state = if mistake("work_state") {
            "NYC"
        } else {
            STATES[i % 5]
        };
        csv.push_str(&format!("{first} {last},{email},\"{held}\",{state}\n"));
    }
    csv
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as text (bytes that are not UTF-8 shown as U+FFFD).
    pub text: String,
    /// The body as sent.
    pub bytes: Vec<u8>,
}

impl Answer {
    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}), status {}: {}", self.status, self.text))
    }

    /// The `Content-Type` without parameters.
    pub fn media_type(&self) -> String {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .unwrap_or("")
            .trim()
            .to_owned()
    }

    /// Asserts the status, showing the body when it differs; returns self.
    pub fn expect(&self, status: u16, what: &str) -> &Self {
        assert_eq!(self.status, status, "{what}: {}", self.text);
        self
    }
}

/// Reads a response whole.
pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap().to_vec();
    Answer {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

/// A caller: no cookie jar, the session token sent by hand, so a test can
/// reuse a token after logout or send a request without the CSRF token.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    /// The session cookie's token (`None`: no session).
    pub token: Option<String>,
    /// The session's CSRF token.
    pub csrf: String,
    /// The user (`null` without a session).
    pub user: Value,
}

impl Client {
    /// A caller without a session.
    pub fn anonymous(server: &Running) -> Client {
        Client {
            http: reqwest::Client::new(),
            base: server.url(""),
            token: None,
            csrf: String::new(),
            user: Value::Null,
        }
    }

    /// A caller without a session whose connections come from `ip` (a
    /// loopback address such as 127.0.0.2: every one of them reaches the
    /// server), so that the server sees another client address.
    pub fn anonymous_from(server: &Running, ip: &str) -> Client {
        let ip: std::net::IpAddr = ip.parse().unwrap();
        Client {
            http: reqwest::Client::builder()
                .local_address(ip)
                .build()
                .unwrap(),
            ..Client::anonymous(server)
        }
    }

    /// Logs in (panics unless the login succeeds).
    pub async fn login(server: &Running, email: &str, password: &str) -> Client {
        Client::anonymous(server).logged_in(email, password).await
    }

    /// This caller, logged in (panics unless the login succeeds).
    pub async fn logged_in(self, email: &str, password: &str) -> Client {
        let mut client = self;
        let a = client
            .send(
                "POST",
                "/api/login",
                Some(&json!({ "email": email, "password": password })),
            )
            .await;
        a.expect(200, &format!("login as {email}"));
        let cookie = a
            .headers
            .get(reqwest::header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("login as {email} set no cookie"));
        let token = cookie
            .split(';')
            .next()
            .and_then(|pair| pair.split_once('='))
            .map(|(_, v)| v.to_owned())
            .unwrap();
        let session = a.json();
        client.token = Some(token);
        client.csrf = session["csrf"].as_str().unwrap().to_owned();
        client.user = session["user"].clone();
        client
    }

    /// The user's id.
    pub fn id(&self) -> i64 {
        self.user["id"].as_i64().unwrap()
    }

    /// A caller of a local-mode server (no login), with its CSRF token.
    pub async fn local(server: &Running) -> Client {
        let mut client = Client::anonymous(server);
        let session = client.get("/api/session").await;
        assert_eq!(session["mode"], "local", "{session}");
        client.csrf = session["csrf"].as_str().unwrap().to_owned();
        client
    }

    /// A request with the session cookie (if any) and nothing else.
    pub fn request(&self, method: &str, path: &str) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            r = r.header(
                reqwest::header::COOKIE,
                format!("{}={token}", labpath_server::auth::COOKIE),
            );
        }
        r
    }

    /// A request with the session cookie, the CSRF token and a JSON body.
    pub async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        let mut r = self
            .request(method, path)
            .header("x-csrf-token", &self.csrf);
        if let Some(body) = body {
            r = r.json(body);
        }
        answer(r.send().await.unwrap()).await
    }

    /// A `multipart/form-data` request with the session cookie and the
    /// CSRF token.
    pub async fn upload(&self, method: &str, path: &str, parts: &[Part]) -> Answer {
        let (content_type, body) = multipart(parts);
        let r = self
            .request(method, path)
            .header("x-csrf-token", &self.csrf)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        answer(r.send().await.unwrap()).await
    }

    /// A `POST` of a `text/csv` body with the session cookie and the CSRF
    /// token.
    pub async fn send_csv(&self, path: &str, csv: &[u8]) -> Answer {
        let r = self
            .request("POST", path)
            .header("x-csrf-token", &self.csrf)
            .header(reqwest::header::CONTENT_TYPE, "text/csv")
            .body(csv.to_vec());
        answer(r.send().await.unwrap()).await
    }

    /// `GET`, expecting 200 and JSON.
    pub async fn get(&self, path: &str) -> Value {
        let a = self.send("GET", path, None).await;
        a.expect(200, &format!("GET {path}"));
        a.json()
    }

    /// A change expected to succeed with `status`; its JSON answer.
    pub async fn ok(&self, method: &str, path: &str, body: Value, status: u16) -> Value {
        let a = self.send(method, path, Some(&body)).await;
        a.expect(status, &format!("{method} {path}"));
        a.json()
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
pub struct Part {
    /// The form field.
    pub field: String,
    /// The file's name (`None`: a text field).
    pub file: Option<String>,
    /// The content.
    pub bytes: Vec<u8>,
}

impl Part {
    /// A text field.
    pub fn text(field: &str, value: &str) -> Part {
        Part {
            field: field.to_owned(),
            file: None,
            bytes: value.as_bytes().to_vec(),
        }
    }

    /// A file.
    pub fn file(field: &str, name: &str, bytes: &[u8]) -> Part {
        Part {
            field: field.to_owned(),
            file: Some(name.to_owned()),
            bytes: bytes.to_vec(),
        }
    }
}

/// The boundary `multipart` writes.
pub const BOUNDARY: &str = "----labpath-test-boundary-7MA4YWxkTrZu0gW";

/// The `Content-Type` of a body `multipart` writes.
pub const MULTIPART: &str =
    "multipart/form-data; boundary=----labpath-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body, written as a browser writes one, and its
/// `Content-Type`.
pub fn multipart(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = BOUNDARY;
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let disposition = match &p.file {
            Some(name) => format!(
                "Content-Disposition: form-data; name=\"{}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
                p.field
            ),
            None => format!(
                "Content-Disposition: form-data; name=\"{}\"\r\n\r\n",
                p.field
            ),
        };
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(&p.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (MULTIPART.to_owned(), body)
}

/// A one-page PDF whose text is `text`, as a scanner or a CE provider's
/// site would give (its header is what labpath reads its type from).
pub fn pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n4 0 obj << /Length {} >> stream\n{stream}\nendstream endobj\n5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        stream.len()
    )
    .into_bytes()
}

/// Words that give away the server's insides in an answer.
const INTERNALS: &[&str] = &[
    "sqlx",
    "panicked",
    "backtrace",
    "stack trace",
    "thread '",
    ".rs:",
    "src/",
    "/work/",
    "/home/",
    "select ",
    "insert into",
    "where ",
    "constraint",
    "database error",
    "error returned from database",
    "postgres",
    "sqlite",
    "pgconnection",
    "syntax error at",
];

/// Asserts a body says nothing of the server's insides.
pub fn assert_no_internals(text: &str, what: &str) {
    let lower = text.to_lowercase();
    for word in INTERNALS {
        assert!(
            !lower.contains(word),
            "{what}: the answer gives away internals (`{word}`): {text}"
        );
    }
}

/// Asserts the documented error shape with this status and code, and no
/// internals; returns the inner `error` object.
pub fn assert_error(a: &Answer, status: u16, code: &str, what: &str) -> Value {
    assert_eq!(a.status, status, "{what}: {}", a.text);
    assert_eq!(a.media_type(), "application/json", "{what}: {}", a.text);
    assert_no_internals(&a.text, what);
    let body = a.json();
    let outer = body.as_object().unwrap_or_else(|| panic!("{what}: {body}"));
    assert_eq!(outer.len(), 1, "{what}: only `error` at the top: {body}");
    let inner = body["error"]
        .as_object()
        .unwrap_or_else(|| panic!("{what}: no `error` object: {body}"));
    for key in inner.keys() {
        assert!(
            ["status", "code", "message", "field", "details"].contains(&key.as_str()),
            "{what}: unexpected key `{key}`: {body}"
        );
    }
    assert_eq!(inner["status"], status, "{what}: {body}");
    assert_eq!(inner["code"], code, "{what}: {body}");
    let message = inner["message"].as_str().unwrap_or("");
    assert!(!message.trim().is_empty(), "{what}: no message: {body}");
    if let Some(field) = inner.get("field") {
        assert!(field.is_string(), "{what}: `field` is text: {body}");
    }
    if let Some(details) = inner.get("details") {
        let list = details.as_array().unwrap();
        assert!(
            list.iter().all(|d| d["message"].is_string()),
            "{what}: {body}"
        );
    }
    body["error"].clone()
}

/// One person's records in the world.
#[derive(Debug, Clone)]
pub struct Records {
    /// The person's id.
    pub person: i64,
    /// An application of theirs.
    pub app: i64,
    /// The key of that application's first checklist document.
    pub key: String,
    /// A reminder of theirs.
    pub reminder: i64,
    /// A CE activity of theirs, with a certificate.
    pub activity: i64,
    /// A file attached to their application.
    pub attachment: i64,
}

/// An organization with its three roles and two people.
#[derive(Debug, Clone)]
pub struct Org {
    /// The organization's id.
    pub id: i64,
    /// Its admin.
    pub admin: Client,
    /// A staff member.
    pub staff: Client,
    /// A candidate, linked to `mine`.
    pub candidate: Client,
    /// The candidate's own records.
    pub mine: Records,
    /// Another person of the organization, with the same kinds of records.
    pub other: Records,
}

/// Adds a person with a profile and one of each record; every text they
/// carry contains `tag`, so an answer that shows them can be caught.
pub async fn person_with_records(admin: &Client, tag: &str) -> Records {
    let person = admin
        .ok(
            "POST",
            "/api/people",
            json!({ "name": format!("{tag} Person"), "profile": profile() }),
            201,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let app = admin
        .ok(
            "POST",
            &format!("/api/people/{person}/applications"),
            json!({ "step": STEP, "reference": format!("{tag}-REF") }),
            201,
        )
        .await;
    let app_id = app["application"]["id"].as_i64().unwrap();
    let key = app["checklist"][0]["key"].as_str().unwrap().to_owned();
    let reminder = admin
        .ok(
            "POST",
            &format!("/api/people/{person}/reminders"),
            json!({ "due": "2030-01-15", "what": format!("{tag} reminder"), "application": app_id.to_string() }),
            201,
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let logged = admin
        .upload(
            "POST",
            &format!("/api/people/{person}/ce"),
            &[
                Part::text("activity", &activity(&format!("{tag} course")).to_string()),
                Part::file(
                    "certificate",
                    &format!("{tag} certificate.pdf"),
                    &pdf(&format!("{tag} certificate")),
                ),
            ],
        )
        .await;
    logged.expect(201, "an activity with its certificate");
    let attached = admin
        .upload(
            "POST",
            &format!("/api/applications/{app_id}/attachments"),
            &[
                Part::file(
                    "file",
                    &format!("{tag} receipt.pdf"),
                    &pdf(&format!("{tag} receipt")),
                ),
                Part::text("document", &key),
            ],
        )
        .await;
    attached.expect(201, "an attachment");
    admin
        .ok(
            "POST",
            &format!("/api/applications/{app_id}/contacts"),
            json!({ "channel": "call", "with": format!("{tag} clerk"), "summary": format!("{tag} call") }),
            201,
        )
        .await;
    Records {
        person,
        app: app_id,
        key,
        reminder,
        activity: logged.json()["id"].as_i64().unwrap(),
        attachment: attached.json()["id"].as_i64().unwrap(),
    }
}

/// Creates an organization named after `tag` (its emails are
/// `ROLE@TAG.example`), its staff member and candidate, the candidate's
/// records (tagged `tag`) and another person's (tagged `other_tag`).
pub async fn organization(server: &Running, tag: &str, other_tag: &str) -> Org {
    let lower = tag.to_lowercase();
    let admin_email = format!("admin@{lower}.example");
    let (org, _) = server
        .organization(&format!("{tag} Agency"), &admin_email, PASSWORD)
        .await;
    let admin = Client::login(server, &admin_email, PASSWORD).await;
    admin
        .ok(
            "POST",
            "/api/users",
            json!({ "email": format!("staff@{lower}.example"), "name": format!("{tag} Staff"), "role": "staff", "password": PASSWORD }),
            201,
        )
        .await;
    let mine = person_with_records(&admin, tag).await;
    let other = person_with_records(&admin, other_tag).await;
    admin
        .ok(
            "POST",
            "/api/users",
            json!({ "email": format!("candidate@{lower}.example"), "name": format!("{tag} Candidate"), "role": "candidate", "password": PASSWORD, "person": mine.person.to_string() }),
            201,
        )
        .await;
    let staff = Client::login(server, &format!("staff@{lower}.example"), PASSWORD).await;
    let candidate = Client::login(server, &format!("candidate@{lower}.example"), PASSWORD).await;
    Org {
        id: org.id.get(),
        admin,
        staff,
        candidate,
        mine,
        other,
    }
}

/// Everything stored about an organization's people, as its admin reads it
/// (to compare before and after refused requests).
pub async fn snapshot(admin: &Client) -> Value {
    let people = admin.get("/api/people?per_page=200").await;
    let mut out = Vec::new();
    for p in people["items"].as_array().unwrap() {
        let id = p["id"].as_i64().unwrap();
        let apps = admin
            .get(&format!("/api/people/{id}/applications?per_page=200"))
            .await;
        let mut states = Vec::new();
        for a in apps["items"].as_array().unwrap() {
            let app = a["id"].as_i64().unwrap();
            states.push(json!({
                "state": admin.get(&format!("/api/applications/{app}")).await,
                "history": admin.get(&format!("/api/applications/{app}/history")).await,
                "contacts": admin.get(&format!("/api/applications/{app}/contacts?per_page=200")).await,
                "attachments": admin.get(&format!("/api/applications/{app}/attachments")).await,
            }));
        }
        let profile = admin
            .send("GET", &format!("/api/people/{id}/profile"), None)
            .await;
        out.push(json!({
            "person": p,
            "profile": profile.text,
            "applications": states,
            "reminders": admin.get(&format!("/api/people/{id}/reminders?per_page=200")).await,
            "ce": admin.get(&format!("/api/people/{id}/ce?per_page=200")).await,
        }));
    }
    json!({
        "people": out,
        "users": admin.get("/api/users?per_page=200").await,
    })
}
