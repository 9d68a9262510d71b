//! The web UI in a real browser: headless Chromium (Debian's `chromium`),
//! driven over WebDriver by Debian's `chromedriver`, against a real server
//! on a loopback port. Each test starts its own server, data directory,
//! chromedriver (on a port it picks itself) and browser, so they run in
//! parallel.
//!
//! The tests act as a person would: they type, press Tab and Enter, choose
//! options and click buttons and links. They read the page through
//! WebDriver; the only scripts run in a page are the layout and
//! accessibility checks of `look` (the page's width, and axe-core from
//! `tests/axe`, installed by npm).
//!
//! `look` sees each page at a phone's width (390 px) and a desktop's
//! (1280 px): nothing may scroll sideways, and axe-core may find no serious
//! or critical violation. With `LABPATH_SCREENSHOTS=DIR` it also saves the
//! pages the README shows (`docs/screenshots/`).
//!
//! Without Chromium, chromedriver or axe-core the tests say so and pass,
//! except with `CI=true`, where they fail: CI must not pass by testing
//! nothing (`.ci/run` installs all three).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed assumption is a failed test"
)]

mod common;

use std::future::Future;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use labpath_server::serve::Database;
use labpath_server::testing::{Running, start};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long a page may take to show what a step waits for.
const PATIENCE: Duration = Duration::from_secs(30);

const EMAIL: &str = "admin@lab.example";
const PASSWORD: &str = "correct horse battery";

// ---- the browser ---------------------------------------------------------

/// A chromedriver process of this test's own; ended on drop (it ends its
/// browser when the session is closed first, which `in_browser` does).
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether the browser is installed; without it, a notice and `false`
/// outside CI, a failure in CI.
fn browser_installed() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let notice = format!(
        "{} missing: install Debian's `chromium` and `chromium-driver` to run the browser tests",
        missing.join(" and ")
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true and {notice}");
    }
    // Straight to stderr, past the test harness's capture, so it is seen.
    let _ = writeln!(std::io::stderr(), "skipping a browser test: {notice}");
    false
}

/// Starts chromedriver on a port of its choosing (`--port=0`) and reads
/// the port from its announcement.
/// Starts chromedriver, trying again when one ends before saying its port
/// (seen once with four browsers starting at once on two busy cores).
fn start_driver() -> Driver {
    for _ in 0..2 {
        if let Some(driver) = try_start_driver() {
            return driver;
        }
    }
    try_start_driver().unwrap_or_else(|| panic!("chromedriver ended without saying its port"))
}

fn try_start_driver() -> Option<Driver> {
    let mut child = Command::new(CHROMEDRIVER)
        .arg("--port=0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting chromedriver");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut port = None;
    for line in lines.by_ref() {
        let line = line.expect("reading chromedriver's output");
        if let Some(rest) = line.split("started successfully on port ").nth(1) {
            port = rest.trim_end_matches('.').trim().parse().ok();
            break;
        }
    }
    let Some(port) = port else {
        let _ = child.kill();
        let _ = child.wait();
        return None;
    };
    // Keep reading so that chromedriver never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Some(Driver { child, port })
}

/// Runs `body` in a fresh headless Chromium, then closes the browser
/// whether the body passed or not, and passes its panic on.
async fn in_browser<F, Fut>(body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    if !browser_installed() {
        return;
    }
    let driver = tokio::task::spawn_blocking(start_driver).await.unwrap();
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--window-size=1280,1000",
                "--lang=en-US", "--hide-scrollbars",
            ],
        },
    });
    let serde_json::Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a session with chromedriver");
    let outcome = tokio::spawn(body(client.clone())).await;
    if outcome.is_err() {
        keep_the_last_page(&client).await;
    }
    let _ = client.close().await;
    drop(driver);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// After a failure: a screenshot and the HTML of the page the browser was
/// on, in the target directory, named after the test.
async fn keep_the_last_page(c: &Client) {
    let test = std::thread::current()
        .name()
        .unwrap_or("browser")
        .replace("::", "-");
    let stem = Path::new(env!("CARGO_TARGET_TMPDIR")).join(test);
    if let Ok(png) = c.screenshot().await {
        let _ = std::fs::write(stem.with_extension("png"), png);
    }
    if let Ok(html) = c.source().await {
        let _ = std::fs::write(stem.with_extension("html"), html);
    }
    let _ = writeln!(
        std::io::stderr(),
        "the last page is in {}.png and .html",
        stem.display()
    );
}

// ---- how a page looks ----------------------------------------------------

/// The widths every page is seen at: a phone's and a desktop's.
const WIDTHS: [(u32, u32); 2] = [(390, 844), (1280, 1000)];

/// The pages whose screenshots `LABPATH_SCREENSHOTS` keeps (the README
/// shows some), by the name `look` is given.
const SCREENSHOTS: [&str; 8] = [
    "ce",
    "dashboard-board",
    "interview",
    "people",
    "people-import-refused",
    "people-imported",
    "person",
    "plan",
];

/// axe-core's script, from `tests/axe/node_modules` (`npm ci` there);
/// `None` with a notice outside CI when it is not installed.
fn axe_script() -> Option<&'static str> {
    static SCRIPT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SCRIPT
        .get_or_init(|| {
            let file = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/axe/node_modules/axe-core/axe.min.js"
            );
            match std::fs::read_to_string(file) {
                Ok(text) => Some(text),
                Err(e) => {
                    let notice = format!(
                        "{file}: {e}; run `npm ci --prefix crates/labpath-server/tests/axe`"
                    );
                    if std::env::var("CI").is_ok_and(|v| v == "true") {
                        panic!("CI=true and {notice}");
                    }
                    let _ = writeln!(std::io::stderr(), "no accessibility check: {notice}");
                    None
                }
            }
        })
        .as_deref()
}

/// Sees the page at each of `WIDTHS`: it must not scroll sideways and
/// axe-core must find no serious or critical violation. Leaves the window
/// at the desktop width.
async fn look(c: &Client, name: &str) {
    let page = path(c).await;
    for (width, height) in WIDTHS {
        c.set_window_size(width, height).await.unwrap();
        let sizes = c
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .unwrap();
        let (scroll, inner) = (sizes[0].as_u64().unwrap(), sizes[1].as_u64().unwrap());
        assert!(
            inner <= u64::from(width),
            "{page}: the window is {inner} px wide, not {width}"
        );
        if scroll > inner {
            let wide = c
                .execute(
                    "return [...document.querySelectorAll('body *')]
                       .filter(e => e.getBoundingClientRect().right > window.innerWidth
                         && [...e.children].every(k => k.getBoundingClientRect().right <= window.innerWidth))
                       .slice(0, 5)
                       .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                         + ' `' + (e.textContent || '').trim().slice(0, 40) + '`');",
                    vec![],
                )
                .await
                .unwrap();
            panic!(
                "{page} at {width} px: the page is {scroll} px wide and scrolls sideways; \
                 too wide: {wide}"
            );
        }
        if let Some(axe) = axe_script() {
            let loaded = c
                .execute("return typeof axe !== 'undefined';", vec![])
                .await
                .unwrap();
            if loaded != serde_json::Value::Bool(true) {
                c.execute(axe, vec![]).await.unwrap();
            }
            let found = c
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     axe.run(document, { resultTypes: ['violations'] }).then(
                       r => done(r.violations
                         .filter(v => v.impact === 'serious' || v.impact === 'critical')
                         .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
                           + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))),
                       e => done(['axe-core failed: ' + e]));",
                    vec![],
                )
                .await
                .unwrap();
            let found: Vec<String> = serde_json::from_value(found).unwrap();
            assert!(
                found.is_empty(),
                "{page} at {width} px: axe-core finds\n{}",
                found.join("\n")
            );
        }
        if let Ok(dir) = std::env::var("LABPATH_SCREENSHOTS")
            && SCREENSHOTS.contains(&name)
        {
            screenshot(c, Path::new(&dir), name, width).await;
        }
    }
    let (width, height) = WIDTHS[1];
    c.set_window_size(width, height).await.unwrap();
}

/// The whole page (up to 4,000 px tall) as `DIR/NAME-WIDTH.png`.
async fn screenshot(c: &Client, dir: &Path, name: &str, width: u32) {
    let tall = c
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(1000)
        .min(4000);
    c.set_window_size(width, u32::try_from(tall).unwrap_or(4000))
        .await
        .unwrap();
    // From the top, with no field focused, as a person arriving sees it.
    c.execute(
        "document.activeElement.blur(); window.scrollTo(0, 0);",
        vec![],
    )
    .await
    .unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(format!("{name}-{width}.png")), png).unwrap();
}

// ---- what a person does ----------------------------------------------------

async fn find(c: &Client, css: &str) -> Element {
    match c.find(Locator::Css(css)).await {
        Ok(e) => e,
        Err(e) => panic!("{}: no `{css}`: {e}", path(c).await),
    }
}

/// The path and query of the current page.
async fn path(c: &Client) -> String {
    let url = c.current_url().await.unwrap();
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// Waits until `css` exists and its text contains `needle`.
async fn wait_text(c: &Client, css: &str, needle: &str) -> String {
    let until = Instant::now() + PATIENCE;
    loop {
        let text = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(needle) {
            return text;
        }
        if Instant::now() > until {
            let h1 = match c.find(Locator::Css("h1")).await {
                Ok(e) => e.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!(
                "on {} (`{h1}`): `{css}` reads `{text}`, not `{needle}`",
                path(c).await
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for the page whose heading is `title`.
async fn wait_page(c: &Client, title: &str) {
    let until = Instant::now() + PATIENCE;
    loop {
        let h1 = match c.find(Locator::Css("h1")).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if h1 == title {
            return;
        }
        if Instant::now() > until {
            panic!("on {}: the page is `{h1}`, not `{title}`", path(c).await);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Does `act`, which leaves the page (a link followed, a form sent), and
/// waits until the browser has thrown the old page away: the next page's
/// content is not mistaken for the last one's.
async fn leaving(c: &Client, act: impl Future<Output = ()>) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    act.await;
    let until = Instant::now() + PATIENCE;
    while old.tag_name().await.is_ok() {
        if Instant::now() > until {
            panic!("{}: still on the same page", path(c).await);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Presses Enter in the focused field to send its form.
async fn submit(c: &Client) {
    leaving(c, press(c, Key::Enter)).await;
}

/// Presses a key on whatever has the focus.
async fn press(c: &Client, key: Key) {
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: key.into() })
        .then(KeyAction::Up { value: key.into() });
    c.perform_actions(keys).await.unwrap();
}

/// Types into whatever has the focus.
async fn type_text(c: &Client, text: &str) {
    c.active_element()
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

/// Clicks into a field, selects all it holds, and types `text` instead.
async fn retype(c: &Client, css: &str, text: &str) {
    let field = find(c, css).await;
    field.click().await.unwrap();
    field.send_keys(&(Key::Control + "a")).await.unwrap();
    field.send_keys(&Key::Backspace).await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Clicks into a field and types.
async fn type_into(c: &Client, css: &str, text: &str) {
    let field = find(c, css).await;
    field.click().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Chooses an option of a select (by clicking it).
async fn choose(c: &Client, css: &str, value: &str) {
    find(c, css).await.select_by_value(value).await.unwrap();
}

/// Clicks the button whose text is `label`.
async fn click_button(c: &Client, label: &str) {
    let xpath = format!("//button[normalize-space()='{label}']");
    let button = match c.find(Locator::XPath(&xpath)).await {
        Ok(b) => b,
        Err(e) => panic!("{}: no button `{label}`: {e}", path(c).await),
    };
    leaving(c, async { button.click().await.unwrap() }).await;
}

/// Follows the link whose text is `text`.
async fn click_link(c: &Client, text: &str) {
    let link = match c.find(Locator::LinkText(text)).await {
        Ok(a) => a,
        Err(e) => panic!("{}: no link `{text}`: {e}", path(c).await),
    };
    leaving(c, async { link.click().await.unwrap() }).await;
}

/// A short description of the focused element: `tag#id` or `tag "text"`.
async fn focused(c: &Client) -> String {
    let e = c.active_element().await.unwrap();
    let tag = e.tag_name().await.unwrap().to_lowercase();
    match e.attr("id").await.unwrap() {
        Some(id) if !id.is_empty() => format!("{tag}#{id}"),
        _ => format!("{tag} \"{}\"", e.text().await.unwrap_or_default().trim()),
    }
}

/// Presses Tab from the top of the page until `target` (as `focused`
/// describes it) has the focus; fails if it never does.
async fn tab_to(c: &Client, target: &str) {
    let mut seen = Vec::new();
    for _ in 0..60 {
        press(c, Key::Tab).await;
        let now = focused(c).await;
        if now == target {
            return;
        }
        seen.push(now);
    }
    panic!(
        "{}: Tab never reaches {target}; it goes through {seen:?}",
        path(c).await
    );
}

/// Every input, select and textarea is named by a `<label for>` that
/// points at it alone, an enclosing `<label>` or an `aria-label`.
async fn assert_labelled(c: &Client) {
    let page = path(c).await;
    let controls = c
        .find_all(Locator::Css("input:not([type=hidden]), select, textarea"))
        .await
        .unwrap();
    assert!(!controls.is_empty(), "{page}: no form control to check");
    for e in controls {
        let tag = e.tag_name().await.unwrap().to_lowercase();
        let name = e.attr("name").await.unwrap().unwrap_or_default();
        let aria = e.attr("aria-label").await.unwrap().unwrap_or_default();
        if !aria.trim().is_empty() {
            continue;
        }
        let enclosing = e.find_all(Locator::XPath("ancestor::label")).await.unwrap();
        if !enclosing.is_empty() {
            continue;
        }
        let id = e.attr("id").await.unwrap().unwrap_or_default();
        assert!(
            !id.is_empty(),
            "{page}: the {tag} `{name}` has no id, no enclosing label and no aria-label"
        );
        let labels = c
            .find_all(Locator::Css(&format!("label[for=\"{id}\"]")))
            .await
            .unwrap();
        assert_eq!(
            labels.len(),
            1,
            "{page}: the {tag} `{name}` (#{id}) needs one <label for=\"{id}\">"
        );
        let words = labels[0].prop("textContent").await.unwrap();
        assert!(
            words.is_some_and(|w| !w.trim().is_empty()),
            "{page}: the label of #{id} is empty"
        );
        let same_id = c
            .find_all(Locator::Css(&format!("[id=\"{id}\"]")))
            .await
            .unwrap();
        assert_eq!(
            same_id.len(),
            1,
            "{page}: {} elements have the id `{id}`, so its label is ambiguous",
            same_id.len()
        );
    }
}

/// The CSS selector of the form field named `name` (`education.0.title`).
fn named(name: &str) -> String {
    format!("[name=\"{name}\"]")
}

/// Types into the interview's field `name`.
async fn fill(c: &Client, name: &str, text: &str) {
    type_into(c, &named(name), text).await;
}

/// Chooses `value` in the interview's list `name`.
async fn pick(c: &Client, name: &str, value: &str) {
    choose(c, &named(name), value).await;
}

/// Ticks the box `value` of the interview's choices `name`.
async fn tick(c: &Client, name: &str, value: &str) {
    find(c, &format!("input[name=\"{name}\"][value=\"{value}\"]"))
        .await
        .click()
        .await
        .unwrap();
}

/// Types a day (`2022-05-31`) into a date field with the keyboard, in the
/// month, day, year order Chromium shows for `--lang=en-US`, and checks the
/// field holds that day.
async fn type_date(c: &Client, name: &str, day: &str) {
    type_day(c, &named(name), day).await;
}

/// Types a day into the date field `css` (see `type_date`).
async fn type_day(c: &Client, css: &str, day: &str) {
    let (year, rest) = day.split_at(4);
    let (month, date) = (&rest[1..3], &rest[4..6]);
    type_into(c, css, &format!("{month}{date}{year}")).await;
    let held = find(c, css).await.prop("value").await.unwrap();
    assert_eq!(held.as_deref(), Some(day), "the date field {css}");
}

/// Logs in through the form on the login page the browser is on.
async fn log_in(c: &Client, password: &str) {
    wait_page(c, "Log in").await;
    retype(c, "#email", EMAIL).await;
    type_into(c, "#password", password).await;
    submit(c).await;
}

fn example_profile() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/profiles/ph-medtech-graduate.toml"
    ))
    .unwrap()
}

/// A server-mode server on SQLite, with an organization and its admin.
async fn server_mode(dir: &tempfile::TempDir) -> Running {
    let server = start(Database::Sqlite(dir.path().to_path_buf())).await;
    server.organization("Lab Staffing", EMAIL, PASSWORD).await;
    server
}

/// Adds a person from the people page; lands in the interview, then takes
/// its link to the advanced profile editor.
async fn add_person(c: &Client, name: &str) -> String {
    wait_page(c, "People").await;
    tab_to(c, "input#name").await;
    type_text(c, name).await;
    submit(c).await;
    wait_page(c, "Tell us about you").await;
    let at = path(c).await;
    let id = at
        .trim_start_matches("/people/")
        .trim_end_matches("/interview/about")
        .to_owned();
    click_link(c, "Advanced: import or edit the profile file").await;
    wait_page(c, &format!("Profile of {name}")).await;
    id
}

/// Maria, local mode: MLS(ASCP) expiring in 16 days with 20 of its 36 CMP
/// points (10 of chemistry, 10 general): 16 short, the declaration window
/// closed 14 days ago. Her id.
async fn lapsing_person(server: &Running) -> String {
    use labpath_engine::maintenance::{Activity, CategoryId, Credit};
    use labpath_engine::units::Date;

    let store = &*server.db;
    let today = Date::today();
    let maria = labpath_store::ops::add_person(store, "test", "Maria Santos", None)
        .await
        .unwrap()
        .id;
    let profile = serde_json::json!({
        "person": { "name": "Maria Santos" },
        "credential": [{ "id": "ascp-mls", "earned": "2015-06-30", "expires": today.add_days(16).to_string() }],
    });
    labpath_store::ops::record_profile(store, "test", maria, profile)
        .await
        .unwrap();
    for (title, category, days) in [
        ("Chemistry update", "chemistry", 200),
        ("General topics", "general", 100),
    ] {
        let activity = Activity {
            title: title.to_owned(),
            provider: None,
            accreditation: None,
            date: today.add_days(-days),
            credit: Credit::ContactHours(10.0),
            categories: vec![CategoryId::new(category).unwrap()],
            certificate: None,
        };
        labpath_store::ce::log_activity(store, "test", maria, activity, None)
            .await
            .unwrap();
    }
    maria.to_string()
}

// ---- the tests -------------------------------------------------------------

/// A credential that is lapsing reads the same on the person page and the
/// CE page (its verdict, with what clears it, and the CE bars); an activity
/// refused on the CE page comes back as it was typed (its unit and
/// category too), the problem next to the field at fault.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lapse_reads_the_same_on_the_person_and_ce_pages_and_a_refused_activity_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let id = lapsing_person(&server).await;
    let base = server.url("");
    in_browser(|c| async move {
        let verdict = "Not compliant: 16 points short, declaration window closed on";
        c.goto(&format!("{base}/people/{id}")).await.unwrap();
        wait_page(&c, "Maria Santos").await;
        let item = wait_text(&c, ".lapses li", verdict).await;
        assert!(item.starts_with("urgent MLS(ASCP) expires on"), "{item}");
        assert!(item.contains("(in 16 days)"), "{item}");
        look(&c, "person-lapse").await;

        click_link(&c, "Continuing education of Maria Santos").await;
        wait_page(&c, "Continuing education of Maria Santos").await;
        let box_ = wait_text(&c, ".verdict", verdict).await;
        assert!(
            box_.contains("To do: log 16 more CMP points before"),
            "{box_}"
        );
        wait_text(&c, ".bar", "20 of 36 CMP points count toward the total").await;
        assert_labelled(&c).await;
        look(&c, "ce-lapse").await;

        // A day before every cycle: refused at the day, all else kept.
        fill(&c, "title", "Old hematology course").await;
        type_date(&c, "date", "2001-03-01").await;
        fill(&c, "amount", "2").await;
        choose(&c, "#unit", "semester_hours").await;
        tick(&c, "categories", "hematology").await;
        click_button(&c, "Log activity").await;
        wait_page(&c, "Continuing education of Maria Santos").await;
        wait_text(&c, "#date-error", "falls outside every renewal cycle").await;
        let date = find(&c, "#date").await;
        assert_eq!(
            date.attr("aria-invalid").await.unwrap().as_deref(),
            Some("true")
        );
        assert_eq!(
            date.attr("aria-describedby").await.unwrap().as_deref(),
            Some("date-error")
        );
        let kept = |css: &'static str| {
            let c = c.clone();
            async move { find(&c, css).await.prop("value").await.unwrap() }
        };
        assert_eq!(
            kept("#title").await.as_deref(),
            Some("Old hematology course")
        );
        assert_eq!(kept("#date").await.as_deref(), Some("2001-03-01"));
        assert_eq!(kept("#unit").await.as_deref(), Some("semester_hours"));
        let ticked = find(&c, "#cat-hematology")
            .await
            .prop("checked")
            .await
            .unwrap();
        assert_eq!(ticked.as_deref(), Some("true"));
        look(&c, "ce-refused").await;
    })
    .await;
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_walks_from_a_new_person_to_a_sent_document_on_the_dashboard() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_mode(&dir).await;
    let base = server.url("");
    let files = tempfile::tempdir().unwrap();
    let files = files.path().to_path_buf();
    in_browser(|c| async move {
        c.goto(&format!("{base}/people")).await.unwrap();
        assert_labelled(&c).await;
        log_in(&c, PASSWORD).await;
        wait_page(&c, "People").await;
        assert_labelled(&c).await;
        look(&c, "people-admin").await;

        let id = add_person(&c, "Ana Reyes").await;
        look(&c, "profile").await;
        write_the_profile(&c).await;
        wait_page(&c, "Ana Reyes").await;
        assert_eq!(path(&c).await, format!("/people/{id}"));
        assert_labelled(&c).await;
        look(&c, "person-admin").await;
        see_the_eligibility_table(&c).await;
        save_the_profile_again(&c, "Ana Reyes").await;

        see_one_credential_in_detail(&c).await;
        click_link(&c, "Back to Ana Reyes").await;
        wait_page(&c, "Ana Reyes").await;

        make_a_plan(&c).await;
        click_link(&c, "Back to Ana Reyes").await;
        wait_page(&c, "Ana Reyes").await;

        send_a_document(&c).await;
        attach_the_receipt(&c, &files).await;
        see_the_dashboard(&c).await;
    })
    .await;
    drop(server);
}

/// In the editor: the example profile typed over the starter text, then
/// Tab to the save button and Enter.
async fn write_the_profile(c: &Client) {
    assert_labelled(c).await;
    tab_to(c, "textarea#profile").await;
    retype(c, "#profile", &example_profile()).await;
    press(c, Key::Tab).await;
    assert_eq!(focused(c).await, "button \"Save profile\"");
    submit(c).await;
}

/// Opens the editor on the saved profile and saves it unchanged: what the
/// editor shows must read back as the same profile, as a new version.
async fn save_the_profile_again(c: &Client, name: &str) {
    click_link(c, "Update your answers (profile version 1)").await;
    wait_page(c, "Tell us about you").await;
    click_link(c, "Advanced: import or edit the profile file").await;
    wait_page(c, &format!("Profile of {name}")).await;
    let shown = find(c, "#profile").await.prop("value").await.unwrap();
    assert!(
        shown.is_some_and(|t| t.contains("[person]")),
        "an empty editor"
    );
    click_button(c, "Save profile").await;
    wait_page(c, name).await;
    wait_text(c, ".actions", "Update your answers (profile version 2)").await;
}

async fn see_the_eligibility_table(c: &Client) {
    let caption = wait_text(c, "section.standing table caption", "credential").await;
    assert!(
        caption == "Every credential" || caption == "The credentials this goal needs",
        "{caption}"
    );
    let row = c
        .find(Locator::XPath(
            "//section[@aria-labelledby='elig']//tr[td/a[normalize-space()='MLS(ASCP)']]",
        ))
        .await
        .expect("an MLS(ASCP) row in the eligibility table");
    let cells = row.find_all(Locator::Css("td")).await.unwrap();
    let status = cells[1].text().await.unwrap();
    assert!(
        ["held", "eligible", "unknown", "not yet", "no route"]
            .iter()
            .any(|s| status.starts_with(s)),
        "MLS(ASCP)'s status reads `{status}`"
    );
}

async fn see_one_credential_in_detail(c: &Client) {
    click_link(c, "MLS(ASCP)").await;
    wait_page(c, "Eligibility of Ana Reyes").await;
    look(c, "eligibility").await;
    assert!(path(c).await.ends_with("/eligibility?credential=ascp-mls"));
    let heading = find(c, "section.credential h2").await.text().await.unwrap();
    assert!(heading.starts_with("MLS(ASCP): "), "{heading}");
    // The open route shows its clauses: what is needed and what she has.
    let rows = c
        .find_all(Locator::Css("section.credential details[open] tbody tr"))
        .await
        .unwrap();
    let mut with_have = 0;
    for row in &rows {
        let cells = row.find_all(Locator::Css("td")).await.unwrap();
        let need = cells[0].text().await.unwrap();
        let have = cells[1].text().await.unwrap();
        assert!(!need.is_empty(), "a clause with no need");
        if !have.is_empty() {
            with_have += 1;
        }
    }
    assert!(
        with_have > 0,
        "no clause says what she has ({} rows)",
        rows.len()
    );
    // The credential's sources, in a disclosure that opens on a click.
    let sources = find(c, "section.credential > details.sources").await;
    let summary = sources.find(Locator::Css("summary")).await.unwrap();
    assert!(summary.text().await.unwrap().starts_with("Sources ("));
    let link = sources.find(Locator::Css("li a")).await.unwrap();
    assert!(!link.is_displayed().await.unwrap(), "sources shown closed");
    summary.click().await.unwrap();
    assert!(link.is_displayed().await.unwrap(), "sources not shown open");
    assert!(link.attr("href").await.unwrap().is_some());
    // Its fees: an amount in dollars, or said to be unknown.
    let fees = c
        .find_all(Locator::XPath("//h3[.='Fees']/following-sibling::ul[1]/li"))
        .await
        .unwrap();
    assert!(!fees.is_empty(), "no fees listed");
    for fee in fees {
        let text = fee.prop("textContent").await.unwrap().unwrap();
        let shown = text.split("Sources (").next().unwrap();
        if !shown.contains("amount unknown") {
            assert_dollars(shown);
        }
    }
    assert_labelled_or_no_controls(c).await;
}

/// The eligibility page has no form; a page with controls is checked.
async fn assert_labelled_or_no_controls(c: &Client) {
    let controls = c
        .find_all(Locator::Css("input:not([type=hidden]), select, textarea"))
        .await
        .unwrap();
    if !controls.is_empty() {
        assert_labelled(c).await;
    }
}

async fn make_a_plan(c: &Client) {
    click_link(c, "Make a plan").await;
    wait_page(c, "Plan for Ana Reyes").await;
    assert_labelled(c).await;
    tab_to(c, "select#goal").await;
    choose(c, "#goal", "work-mls-ny").await;
    click_button(c, "Make the plan").await;
    wait_text(
        c,
        "#when",
        "When: Work as a medical laboratory scientist in New York",
    )
    .await;
    assert!(path(c).await.contains("goal=work-mls-ny"));
    let chart = find(c, "figure.chart svg").await;
    assert!(
        chart.is_displayed().await.unwrap(),
        "the timeline is hidden"
    );
    let dates = c
        .find_all(Locator::Css("table.percentiles tbody td"))
        .await
        .unwrap();
    assert_eq!(dates.len(), 3, "P50, P80 and P90");
    for d in dates {
        let text = d.text().await.unwrap();
        assert!(is_day(&text), "a percentile reads `{text}`");
    }
    let fees = c
        .find(Locator::XPath(
            "//p[starts-with(normalize-space(), 'Known fees: $')]",
        ))
        .await
        .expect("the plan's known fees");
    assert_dollars(&fees.text().await.unwrap());
    let amounts = c
        .find_all(Locator::XPath(
            "//h3[.='Fees']/following-sibling::table[1]/tbody/tr/td[3]",
        ))
        .await
        .unwrap();
    assert!(!amounts.is_empty(), "no fee table");
    for amount in amounts {
        let text = amount.text().await.unwrap();
        if !text.starts_with("unknown") {
            assert_dollars(&text);
        }
    }
    assert_labelled(c).await;
    look(c, "plan-admin").await;
}

/// Every amount in `text` reads as dollars: `$1995` or `$12.50`, never
/// `$1995.0`.
fn assert_dollars(text: &str) {
    let amounts: Vec<&str> = text
        .split('$')
        .skip(1)
        .map(|rest| {
            rest.split(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
                .next()
                .unwrap()
        })
        .map(|amount| amount.trim_end_matches('.'))
        .collect();
    assert!(!amounts.is_empty(), "no amount in `{text}`");
    for amount in amounts {
        let cents = amount.split_once('.').map(|(_, c)| c);
        assert!(
            !amount.is_empty() && cents.is_none_or(|c| c.len() == 2),
            "`${amount}` in `{text}`"
        );
    }
}

fn is_day(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, x)| i == 4 || i == 7 || x.is_ascii_digit())
}

async fn send_a_document(c: &Client) {
    choose(c, "#step", "ny-clt-apply").await;
    click_button(c, "Open application").await;
    wait_page(
        c,
        "Apply to NYSED for the clinical laboratory technologist license",
    )
    .await;
    assert!(path(c).await.starts_with("/applications/"));
    assert_labelled(c).await;
    choose(c, "#s-form-1", "sent").await;
    tab_to(c, "input#t-form-1").await;
    type_text(c, "EE123456789US").await;
    submit(c).await;
    let status = wait_text(c, "#doc-form-1 .doc-status", "sent").await;
    assert!(status.contains("tracking EE123456789US"), "{status}");
    let history = find(c, "ol.history").await.text().await.unwrap();
    assert!(history.contains("document"), "{history}");
    assert_labelled(c).await;
    look(c, "application").await;
}

/// On the application page: a zip file is refused with a message at the
/// file field; the receipt (a PDF) is attached to the form it paid for,
/// listed, and its link answers the same bytes as a PDF.
async fn attach_the_receipt(c: &Client, dir: &std::path::Path) {
    let zip = dir.join("scans.zip");
    std::fs::write(&zip, b"PK\x03\x04\x14\x00\x00\x00\x08\x00").unwrap();
    find(c, "#file")
        .await
        .send_keys(zip.to_str().unwrap())
        .await
        .unwrap();
    click_button(c, "Attach file").await;
    let problem = wait_text(c, "#file-error", "scans.zip").await;
    assert!(
        problem.contains("not a file type labpath keeps"),
        "{problem}"
    );
    assert_eq!(
        find(c, "#file").await.attr("aria-invalid").await.unwrap(),
        Some("true".to_owned())
    );

    let receipt = dir.join("NYSED fee receipt.pdf");
    let bytes = common::pdf("NYSED fee receipt");
    std::fs::write(&receipt, &bytes).unwrap();
    find(c, "#file")
        .await
        .send_keys(receipt.to_str().unwrap())
        .await
        .unwrap();
    choose(c, "#attach-document", "form-1").await;
    click_button(c, "Attach file").await;
    let listed = wait_text(c, "#attachment-list", "NYSED fee receipt.pdf").await;
    assert!(listed.contains("application/pdf"), "{listed}");
    assert!(listed.contains("for form-1"), "{listed}");
    assert!(
        listed.contains(&format!("{} bytes", bytes.len())),
        "{listed}"
    );
    let link = find(c, "#attachment-list a").await;
    let href = link.attr("href").await.unwrap().unwrap();
    let answer = c
        .execute(
            "return fetch(arguments[0]).then(r => r.text().then(t => [r.status, r.headers.get('content-type'), t]))",
            vec![serde_json::json!(href)],
        )
        .await
        .unwrap();
    assert_eq!(answer[0], 200, "{href}");
    assert_eq!(answer[1], "application/pdf", "{href}");
    assert_eq!(
        answer[2].as_str().unwrap().as_bytes(),
        bytes.as_slice(),
        "the same bytes"
    );
    assert_labelled(c).await;
}

async fn see_the_dashboard(c: &Client) {
    click_link(c, "Dashboard").await;
    wait_page(c, "Dashboard").await;
    assert_labelled(c).await;
    let draft = find(c, "#col-draft .count").await.text().await.unwrap();
    assert_eq!(draft, "1", "the draft column's count");
    let row = c
        .find(Locator::XPath(
            "//table[caption]/tbody/tr[td/a[normalize-space()='Ana Reyes']]",
        ))
        .await
        .expect("Ana Reyes on the dashboard");
    let mut cells = Vec::new();
    for cell in row.find_all(Locator::Css("td")).await.unwrap() {
        cells.push(cell.text().await.unwrap());
    }
    assert_eq!(cells[1], "draft", "stage");
    assert_eq!(cells[2], "nobody", "owner");
    assert_eq!(cells[3], "1", "open applications");
    for count in &cells[4..6] {
        assert!(count.parse::<u32>().is_ok(), "a count reads `{count}`");
    }
    let caption = find(c, "table caption").await.text().await.unwrap();
    assert!(caption.starts_with("1 candidate,"), "{caption}");
    look(c, "dashboard").await;
}

/// The pipeline board: five candidates in four stages, every stage a
/// column with its count (the empty ones too), each card with the next
/// deadline, the owner and the severity of what is lapsing; the owner
/// filter keeps one staff member's candidates, and the CSV export is
/// linked with the filter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pipeline_board_shows_five_candidates_in_four_stages_with_owner_and_deadline() {
    use labpath_engine::units::Date;
    use labpath_store::ops;
    use labpath_store::status::AppStatus;

    let dir = tempfile::tempdir().unwrap();
    let server = server_mode(&dir).await;
    let (org, admin) = server
        .organization("Board Staffing", "lead@board.example", PASSWORD)
        .await;
    let store = &*server.db;
    let catalog = labpath_shipped::catalog().unwrap();
    let step = catalog
        .steps()
        .iter()
        .find(|s| s.id.as_str() == "ascp-mls-sit")
        .unwrap();
    let today = Date::today();
    let expires = today.add_days(20);
    let mut ids = Vec::new();
    for (name, stage) in [
        ("Ana No-Profile", "no_profile"),
        ("Ben Planning", "planning"),
        ("Cy Draft", "draft"),
        ("Dee Draft", "draft"),
        ("Eve Submitted", "submitted"),
    ] {
        let id = ops::add_person(store, "test", name, Some(org.id))
            .await
            .unwrap()
            .id;
        if stage != "no_profile" {
            let mut profile = serde_json::json!({ "person": { "name": name, "work_state": "NY" } });
            if stage == "planning" {
                profile["credential"] = serde_json::json!([
                    { "id": "ascp-mls", "earned": "2015-06-30", "expires": expires.to_string() }
                ]);
            }
            ops::record_profile(store, "test", id, profile)
                .await
                .unwrap();
        }
        if stage == "draft" || stage == "submitted" {
            let app = ops::new_application(store, "test", id, step)
                .await
                .unwrap()
                .application
                .id;
            if stage == "submitted" {
                ops::change_status(store, "test", app, AppStatus::Submitted, today, None)
                    .await
                    .unwrap();
            }
        }
        ids.push(id);
    }
    ops::set_owner(store, "test", ids[4], Some(admin.id))
        .await
        .unwrap();
    let base = server.url("");
    in_browser(|c| async move {
        c.goto(&format!("{base}/dashboard")).await.unwrap();
        wait_page(&c, "Log in").await;
        retype(&c, "#email", "lead@board.example").await;
        type_into(&c, "#password", PASSWORD).await;
        submit(&c).await;
        wait_page(&c, "Dashboard").await;
        let mut counts = Vec::new();
        for column in c.find_all(Locator::Css("ol.board > li")).await.unwrap() {
            let stage = column
                .find(Locator::Css("h3 a"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let count = column
                .find(Locator::Css("h3 .count"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            counts.push(format!("{stage}: {count}"));
        }
        assert_eq!(
            counts,
            [
                "no profile: 1",
                "planning: 1",
                "draft: 2",
                "submitted: 1",
                "under review: 0",
                "done: 0"
            ],
            "every stage a column with its count, the empty ones too"
        );
        let card = |name: &str| {
            format!(
                "//ol[@class='board']//li[contains(@class, 'card')][a[normalize-space()='{name}']]"
            )
        };
        let ben = c.find(Locator::XPath(&card("Ben Planning"))).await.unwrap();
        assert_eq!(
            ben.attr("class").await.unwrap().as_deref(),
            Some("card severity-red"),
            "a certification expiring in 20 days without CE is red"
        );
        let text = ben.text().await.unwrap();
        assert!(
            text.contains(&format!("Next deadline: {expires}")),
            "{text}"
        );
        assert!(text.contains("Owner: nobody"), "{text}");
        let eve = c
            .find(Locator::XPath(&card("Eve Submitted")))
            .await
            .unwrap();
        let text = eve.text().await.unwrap();
        assert!(text.contains("Owner: Admin"), "{text}");
        let csv = find(&c, "a[href^='/dashboard.csv']").await;
        assert!(csv.attr("href").await.unwrap().unwrap().contains("owner="));
        look(&c, "dashboard-board").await;

        // One staff member's candidates.
        choose(&c, "#f-owner", &admin.id.to_string()).await;
        click_button(&c, "Filter").await;
        wait_page(&c, "Dashboard").await;
        let caption = find(&c, "#candidate-list caption")
            .await
            .text()
            .await
            .unwrap();
        assert!(caption.starts_with("1 candidate,"), "{caption}");
        let rows = c
            .find_all(Locator::Css("#candidate-list tbody tr"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert!(rows[0].text().await.unwrap().contains("Eve Submitted"));
        let submitted = find(&c, "#col-submitted .count")
            .await
            .text()
            .await
            .unwrap();
        let draft = find(&c, "#col-draft .count").await.text().await.unwrap();
        assert_eq!(
            (submitted.as_str(), draft.as_str()),
            ("1", "0"),
            "the board follows the filter"
        );

        // On Eve's page her owner is chosen; giving her to nobody takes
        // her off the admin's board.
        c.goto(&format!("{base}/people/{}", ids[4])).await.unwrap();
        wait_page(&c, "Eve Submitted").await;
        let chosen = find(&c, "#p-owner option[selected]")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(chosen, "Admin");
        look(&c, "person-owner").await;
        choose(&c, "#p-owner", "").await;
        click_button(&c, "Save").await;
        wait_page(&c, "Eve Submitted").await;
        assert!(
            c.find(Locator::Css("#p-owner option[selected]"))
                .await
                .is_err()
        );
        c.goto(&format!("{base}/dashboard?owner={}", admin.id))
            .await
            .unwrap();
        wait_page(&c, "Dashboard").await;
        let caption = find(&c, "#candidate-list caption")
            .await
            .text()
            .await
            .unwrap();
        assert!(caption.starts_with("0 candidates"), "{caption}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_profile_shows_each_problem_and_keeps_the_typed_text() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_mode(&dir).await;
    let base = server.url("");
    in_browser(|c| async move {
        c.goto(&format!("{base}/people")).await.unwrap();
        log_in(&c, PASSWORD).await;
        add_person(&c, "Bea Santos").await;

        let bad_day = "[person]\nname = \"Bea Santos\"\ncitizenship = [\"PH\"]\n\n\
[[education]]\ntitle = \"BS Medical Technology\"\nlevel = \"bachelor\"\n\
field = \"medical_laboratory_science\"\ncountry = \"PH\"\ncompleted = 2022-13-40\n";
        let problems = refused(&c, "Bea Santos", bad_day).await;
        assert!(problems.contains("line 10"), "{problems}");
        look(&c, "profile-refused").await;

        let fixed_day = bad_day.replace("2022-13-40", "2022-05-31");
        let unknown =
            format!("{fixed_day}\n[[credential]]\nid = \"ascp-mlx\"\nearned = 2023-01-10\n");
        let problems = refused(&c, "Bea Santos", &unknown).await;
        assert!(problems.contains("ascp-mlx"), "{problems}");
        assert!(problems.contains("credential"), "{problems}");

        retype(&c, "#profile", &fixed_day).await;
        click_button(&c, "Save profile").await;
        wait_page(&c, "Bea Santos").await;
        wait_text(&c, ".actions", "Update your answers (profile version 1)").await;
    })
    .await;
    drop(server);
}

/// Types `text` as the profile and saves it; expects the refusal, with the
/// text still in the editor as typed. Returns the problems' text.
async fn refused(c: &Client, name: &str, text: &str) -> String {
    retype(c, "#profile", text).await;
    press(c, Key::Tab).await;
    submit(c).await;
    wait_text(c, "#refused", "Nothing was saved").await;
    wait_page(c, &format!("Profile of {name}")).await;
    let problems = assert_refused(c, 422, ("#profile", ""), &[("#profile", text)]).await;
    assert_labelled(c).await;
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_mode_asks_for_a_login_refuses_a_wrong_password_and_logs_out() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_mode(&dir).await;
    let base = server.url("");
    in_browser(|c| async move {
        c.goto(&format!("{base}/people")).await.unwrap();
        wait_page(&c, "Log in").await;
        assert_eq!(path(&c).await, "/login?next=/people");
        assert_labelled(&c).await;
        look(&c, "login").await;
        tab_to(&c, "input#email").await;
        press(&c, Key::Tab).await;
        assert_eq!(focused(&c).await, "input#password");
        press(&c, Key::Tab).await;
        assert_eq!(focused(&c).await, "button \"Log in\"");

        log_in(&c, "not the password").await;
        let error = wait_text(&c, "#login-error", "").await;
        assert!(!error.is_empty(), "no error shown");
        look(&c, "login-refused").await;
        wait_page(&c, "Log in").await;
        let email = find(&c, "#email").await.prop("value").await.unwrap();
        assert_eq!(email.as_deref(), Some(EMAIL), "the email was not kept");
        assert_labelled(&c).await;

        log_in(&c, PASSWORD).await;
        wait_page(&c, "People").await;
        assert_eq!(path(&c).await, "/people");
        wait_text(&c, "header .who", "(admin)").await;

        click_button(&c, "Log out").await;
        wait_page(&c, "Log in").await;
        c.goto(&format!("{base}/people")).await.unwrap();
        wait_page(&c, "Log in").await;
        assert_eq!(path(&c).await, "/login?next=/people", "still logged in");
    })
    .await;
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_mode_opens_without_login_on_the_people_list_then_the_overview() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let base = server.url("");
    in_browser(|c| async move {
        c.goto(&format!("{base}/")).await.unwrap();
        wait_page(&c, "People").await;
        assert_eq!(path(&c).await, "/people");
        wait_text(&c, "header .who", "local mode").await;
        assert_labelled(&c).await;
        let id = add_person(&c, "Cy Lopez").await;
        retype(&c, "#profile", &example_profile()).await;
        click_button(&c, "Save profile").await;
        wait_page(&c, "Cy Lopez").await;

        c.goto(&format!("{base}/")).await.unwrap();
        wait_page(&c, "Cy Lopez").await;
        assert!(path(&c).await.starts_with("/people/"));
        wait_text(&c, "#elig", "Where you stand").await;
        assert_labelled(&c).await;
        look(&c, "overview").await;

        read_a_credential_string(&c).await;

        // The CE page's forms (an activity with its certificate, a CSV
        // import with several certificates) are labelled too.
        c.goto(&format!("{base}/people/{id}/ce")).await.unwrap();
        wait_page(&c, "Continuing education of Cy Lopez").await;
        assert_labelled(&c).await;
        look(&c, "ce").await;

        // A page that is not there is readable too.
        c.goto(&format!("{base}/people/999")).await.unwrap();
        look(&c, "not-found").await;
    })
    .await;
    drop(server);
}

/// A medical technology graduate from the Philippines with two years of
/// hospital work, who wants to work in New York, tells labpath her story
/// through the interview (clicks and typing only), sees where she stands and
/// gets a plan. What she told evaluates exactly as the example profile of
/// that person does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graduate_from_abroad_tells_her_story_through_the_interview_and_gets_a_plan() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let base = server.url("");
    let id = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let seen = id.clone();
    in_browser(|c| async move {
        c.goto(&format!("{base}/people")).await.unwrap();
        look(&c, "people").await;
        wait_page(&c, "People").await;
        tab_to(&c, "input#name").await;
        type_text(&c, "Maria Santos").await;
        submit(&c).await;
        wait_page(&c, "Tell us about you").await;
        let at = path(&c).await;
        assert!(at.ends_with("/interview/about"), "{at}");
        *seen.lock().unwrap() = at
            .trim_start_matches("/people/")
            .trim_end_matches("/interview/about")
            .to_owned();
        assert_labelled(&c).await;
        look(&c, "interview-about").await;

        fill(&c, "about.citizenship", "Philippines").await;
        fill(&c, "about.residence_country", "Philippines").await;
        type_date(&c, "about.residence_since", "2000-03-14").await;
        pick(&c, "about.work_state", "NY").await;
        click_button(&c, "Save and continue").await;

        wait_text(&c, "main h2", "Education").await;
        fill(&c, "education.0.title", "BS Medical Technology").await;
        pick(&c, "education.0.level", "bachelor").await;
        pick(&c, "education.0.field", "medical_laboratory_science").await;
        fill(&c, "education.0.country", "Philippines").await;
        fill(
            &c,
            "education.0.institution",
            "a CHED-recognized university",
        )
        .await;
        type_date(&c, "education.0.completed", "2022-05-31").await;
        pick(&c, "education.0.accreditation", "ministry").await;
        fill(&c, "education.0.semester_hours", "190").await;
        look(&c, "interview").await;
        click_button(&c, "Save and continue").await;

        // New York does not ask for coursework, so the walk goes on to the
        // programs; she tells it anyway, from the steps list.
        wait_text(&c, "main h2", "Training programs").await;
        click_link(&c, "Coursework (optional)").await;
        wait_text(&c, "main h2", "Coursework").await;
        let courses: [(&str, &str, &[&str], &str); 10] = [
            (
                "General and cell biology, anatomy and physiology",
                "biology",
                &[],
                "9",
            ),
            (
                "Microbiology, bacteriology, parasitology, mycology and virology",
                "biology",
                &["microbiology", "medical_microbiology"],
                "10",
            ),
            ("Hematology 1 and 2", "biology", &["hematology"], "6"),
            ("Immunology and serology", "biology", &["immunology"], "3"),
            ("General and inorganic chemistry", "chemistry", &[], "5"),
            (
                "Organic chemistry",
                "chemistry",
                &["organic_chemistry"],
                "5",
            ),
            ("Biochemistry", "chemistry", &["biochemistry"], "5"),
            (
                "Analytical chemistry (quantitative analysis)",
                "chemistry",
                &["analytical_chemistry", "quantitative_chemistry"],
                "4",
            ),
            (
                "Clinical chemistry 1 and 2",
                "chemistry",
                &["clinical_chemistry"],
                "6",
            ),
            ("Physics for the health sciences", "physics", &[], "4"),
        ];
        for (i, (title, subject, topics, hours)) in courses.iter().enumerate() {
            let row = format!("coursework.{i}");
            fill(&c, &format!("{row}.title"), title).await;
            pick(&c, &format!("{row}.subject"), subject).await;
            for topic in *topics {
                tick(&c, &format!("{row}.topics"), topic).await;
            }
            fill(&c, &format!("{row}.hours"), hours).await;
            if i + 1 < courses.len() {
                click_button(&c, "Save and add another").await;
                wait_text(&c, "main h2", "Coursework").await;
            } else {
                look(&c, "interview-coursework").await;
                click_button(&c, "Save and continue").await;
            }
        }

        wait_text(&c, "main h2", "Training programs").await;
        pick(&c, "programs.0.kind", "foreign_mls_training").await;
        fill(
            &c,
            "programs.0.name",
            "Clinical internship, tertiary hospital laboratory",
        )
        .await;
        type_date(&c, "programs.0.completed", "2022-04-30").await;
        fill(&c, "programs.0.country", "Philippines").await;
        look(&c, "interview-programs").await;
        click_button(&c, "Save and continue").await;

        wait_text(&c, "main h2", "Work experience").await;
        fill(&c, "experience.0.employer", "a tertiary hospital in Manila").await;
        type_date(&c, "experience.0.start", "2022-07-01").await;
        type_date(&c, "experience.0.end", "2024-06-30").await;
        pick(&c, "experience.0.setting", "hospital").await;
        for area in [
            "chemistry",
            "hematology",
            "microbiology",
            "blood_banking",
            "immunology",
            "urinalysis",
        ] {
            tick(&c, "experience.0.disciplines", area).await;
        }
        tick(&c, "experience.0.accreditation", "ministry").await;
        fill(&c, "experience.0.country", "Philippines").await;
        look(&c, "interview-experience").await;
        click_button(&c, "Save and continue").await;

        // Her Philippine license, typed as she writes it after her name;
        // no exam yet: that step is passed over empty.
        wait_text(&c, "main h2", "Credentials you hold").await;
        fill(&c, "credentials.find", "PRC RMT").await;
        click_button(&c, "Save and continue").await;
        wait_text(&c, "main h2", "Credentials you hold").await;
        type_date(&c, "credentials.0.earned", "2022-08-25").await;
        look(&c, "interview-credentials").await;
        click_button(&c, "Save and continue").await;
        wait_text(&c, "main h2", "Exams").await;
        look(&c, "interview-exams").await;
        click_button(&c, "Save and continue").await;

        wait_text(&c, "main h2", "English tests").await;
        pick(&c, "english.0.test", "ielts_academic").await;
        type_date(&c, "english.0.date", "2024-02-10").await;
        fill(&c, "english.0.overall", "7.0").await;
        fill(&c, "english.0.speaking", "7.0").await;
        look(&c, "interview-english").await;
        click_button(&c, "Save and continue").await;

        // The questions for her goal: she leaves them for now.
        wait_text(&c, "main h2", "What would change your answer").await;
        wait_text(
            &c,
            "main",
            "Work as a medical laboratory scientist in New York",
        )
        .await;
        assert_labelled(&c).await;
        look(&c, "interview-questions").await;

        click_link(&c, "See where you stand").await;
        wait_page(&c, "Maria Santos").await;
        let summary = wait_text(&c, "section.standing", "New York").await;
        // The next step's fee, in dollars (each fee line names its step by
        // number: one compared with the step's name never showed).
        let next = wait_text(&c, ".next-step", "Fee: ").await;
        let fee = next.split("Fee: ").nth(1).unwrap().lines().next().unwrap();
        assert_dollars(fee);
        assert!(
            !summary.contains("ny-"),
            "an internal id on the person page: {summary}"
        );
        look(&c, "person").await;

        click_link(&c, "Make a plan").await;
        wait_page(&c, "Plan for Maria Santos").await;
        wait_text(
            &c,
            "#when",
            "When: Work as a medical laboratory scientist in New York",
        )
        .await;
        look(&c, "plan").await;
    })
    .await;

    // What she told, as stored, evaluates as the example profile does.
    let id = id.lock().unwrap().clone();
    let api = common::Client::local(&server).await;
    let day = "2026-12-02";
    let mut told = api
        .get(&format!("/api/people/{id}/eligibility?as_of={day}"))
        .await;
    let mut example = api
        .ok(
            "POST",
            &format!("/api/eligibility?as_of={day}"),
            common::example("ph-medtech-graduate.toml"),
            200,
        )
        .await;
    assert_eq!(told["person"], "Maria Santos");
    // Only the name differs: the example's is a description.
    told["person"].take();
    example["person"].take();
    let (told, example) = (
        told["credentials"].as_array().unwrap(),
        example["credentials"].as_array().unwrap(),
    );
    assert_eq!(told.len(), example.len());
    for (t, e) in told.iter().zip(example) {
        assert_eq!(t, e, "{} evaluates differently from the example", e["id"]);
    }
    drop(server);
}

/// From the menu to the credentials page: a credential string typed and
/// read (a former name is recognised), then the credential's own page with
/// its routes in plain language.
async fn read_a_credential_string(c: &Client) {
    click_link(c, "Credentials").await;
    wait_page(c, "Credentials").await;
    assert_labelled(c).await;
    type_into(c, "#text", "MT(ASCP)").await;
    click_button(c, "Read it").await;
    let read = wait_text(c, "#parts", "MLS(ASCP)").await;
    assert!(read.contains("former name"), "{read}");
    look(c, "credentials").await;
    click_link(c, "MLS(ASCP)").await;
    wait_page(c, "MLS(ASCP): Medical Laboratory Scientist (ASCP)").await;
    assert_eq!(path(c).await, "/credentials/ascp-mls");
    look(c, "credential").await;
    let routes = find(c, "#routes").await;
    assert!(routes.is_displayed().await.unwrap());
    let requirements = c
        .find_all(Locator::Css("ul.requirements li"))
        .await
        .unwrap();
    assert!(
        requirements.len() > 3,
        "{} requirement lines",
        requirements.len()
    );
    assert_labelled_or_no_controls(c).await;

    // The catalog's own health, linked from the credentials page.
    click_link(c, "Credentials").await;
    wait_page(c, "Credentials").await;
    click_link(
        c,
        "How well the catalog is sourced, and what it cannot answer yet",
    )
    .await;
    wait_page(c, "Catalog health").await;
    let blocked = find(c, "#blocked").await.text().await.unwrap();
    assert!(blocked.contains("Routes in force that can never pass"));
    look(c, "catalog-health").await;
}

/// The page a refused form came back on: it answered `status`; the field
/// `css` is the only one marked invalid and the element its
/// `aria-describedby` names says `message` (that element's text is
/// returned); each field of `kept` still holds what was typed or chosen.
async fn assert_refused(
    c: &Client,
    status: u64,
    (css, message): (&str, &str),
    kept: &[(&str, &str)],
) -> String {
    let page = path(c).await;
    let answered = c
        .execute(
            "return performance.getEntriesByType('navigation')[0].responseStatus;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(answered.as_u64(), Some(status), "{page}: the status");
    let field = find(c, css).await;
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true"),
        "{page}: {css} is not marked invalid"
    );
    let marked = c
        .find_all(Locator::Css("[aria-invalid=true]"))
        .await
        .unwrap()
        .len();
    assert_eq!(marked, 1, "{page}: {marked} fields marked invalid");
    let described = field
        .attr("aria-describedby")
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{page}: {css} points at no message"));
    let said = find(c, &format!("[id=\"{described}\"]"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        said.contains(message),
        "{page}: the message beside {css} reads `{said}`, not `{message}`"
    );
    for (css, typed) in kept {
        let held = find(c, css).await.prop("value").await.unwrap();
        assert_eq!(
            held.as_deref(),
            Some(*typed),
            "{page}: {css} lost what was typed"
        );
    }
    said
}

/// Sends the form of the button `css` (by clicking it).
async fn click(c: &Client, css: &str) {
    let button = find(c, css).await;
    leaving(c, async { button.click().await.unwrap() }).await;
}

/// Every form of the people, person and application pages, sent with a
/// bad value, comes back on its page with 422, what was typed still in
/// the fields, and the problem beside the field at fault (the element its
/// `aria-describedby` names); then, corrected, it goes through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refused_form_comes_back_filled_in_with_the_problem_beside_its_field() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(Database::Local(dir.path().to_path_buf())).await;
    let base = server.url("");
    let files = tempfile::tempdir().unwrap();
    let files = files.path().to_path_buf();
    in_browser(|c| async move {
        // Add a person: a name of spaces only.
        c.goto(&format!("{base}/people")).await.unwrap();
        wait_page(&c, "People").await;
        type_into(&c, "#name", "   ").await;
        submit(&c).await;
        wait_page(&c, "People").await;
        let name = ("#name", "a person needs a name");
        assert_refused(&c, 422, name, &[("#name", "   ")]).await;
        wait_text(&c, "#refused", "Nothing was saved").await;
        assert_labelled(&c).await;
        look(&c, "people-refused").await;
        retype(&c, "#name", "Rosa Dizon").await;
        submit(&c).await;
        wait_page(&c, "Tell us about you").await;
        let id = path(&c)
            .await
            .trim_start_matches("/people/")
            .trim_end_matches("/interview/about")
            .to_owned();

        // Open an application from a page whose list is out of date: a
        // step the catalog does not have. The reference typed is kept.
        c.goto(&format!("{base}/people/{id}")).await.unwrap();
        wait_page(&c, "Rosa Dizon").await;
        c.execute(
            "document.querySelector('#step option[value=\"ny-clt-apply\"]').value = 'ny-clt-aply';",
            vec![],
        )
        .await
        .unwrap();
        choose(&c, "#step", "ny-clt-aply").await;
        type_into(&c, "#open-reference", "NY-778").await;
        click_button(&c, "Open application").await;
        wait_page(&c, "Rosa Dizon").await;
        let step = ("#step", "that step is not one labpath knows");
        let said = assert_refused(&c, 422, step, &[("#open-reference", "NY-778")]).await;
        assert!(said.contains("choose one from the list"), "{said}");
        assert_labelled(&c).await;
        look(&c, "person-refused").await;

        // A reminder with nothing to do: the day typed is kept.
        type_day(&c, "#due", "2031-03-14").await;
        type_into(&c, "#what", "  ").await;
        click_button(&c, "Set reminder").await;
        wait_page(&c, "Rosa Dizon").await;
        let what = ("#what", "say what to do");
        assert_refused(&c, 422, what, &[("#what", "  "), ("#due", "2031-03-14")]).await;
        retype(&c, "#what", "Call NYSED about the file").await;
        click_button(&c, "Set reminder").await;
        wait_text(&c, "#rem + ul", "2031-03-14: Call NYSED about the file").await;

        choose(&c, "#step", "ny-clt-apply").await;
        click_button(&c, "Open application").await;
        let title = "Apply to NYSED for the clinical laboratory technologist license";
        wait_page(&c, title).await;

        // A status change dated in the future: the problem is at the day;
        // the status chosen and the note typed are kept.
        choose(&c, "#status", "submitted").await;
        type_day(&c, "#status-on", "2099-01-01").await;
        type_into(&c, "#status-note", "sent by courier").await;
        click_button(&c, "Change status").await;
        wait_page(&c, title).await;
        let day = ("#status-on", "`2099-01-01` is in the future");
        let kept = [
            ("#status-on", "2099-01-01"),
            ("#status", "submitted"),
            ("#status-note", "sent by courier"),
        ];
        assert_refused(&c, 422, day, &kept).await;
        wait_text(&c, "#refused", "Nothing was saved").await;
        assert_labelled(&c).await;
        look(&c, "application-refused").await;

        // A document rejected before it was sent: the problem is at its
        // status; the tracking number typed is kept.
        choose(&c, "#s-form-1", "rejected").await;
        type_into(&c, "#t-form-1", "EE123456789US").await;
        click(&c, "#doc-form-1 button").await;
        wait_page(&c, title).await;
        let status = (
            "#s-form-1",
            "only a document sent to the body can be rejected",
        );
        let kept = [("#s-form-1", "rejected"), ("#t-form-1", "EE123456789US")];
        assert_refused(&c, 422, status, &kept).await;
        look(&c, "document-refused").await;

        // A contact with nothing said: how and with whom are kept.
        choose(&c, "#channel", "letter").await;
        type_into(&c, "#with", "Ms. Cruz").await;
        type_into(&c, "#summary", "   ").await;
        click_button(&c, "Log contact").await;
        wait_page(&c, title).await;
        let summary = ("#summary", "say what was said");
        let kept = [
            ("#summary", "   "),
            ("#channel", "letter"),
            ("#with", "Ms. Cruz"),
        ];
        assert_refused(&c, 422, summary, &kept).await;

        // A zip file: the document it was for is kept.
        let zip = files.join("scans.zip");
        std::fs::write(&zip, b"PK\x03\x04\x14\x00\x00\x00\x08\x00").unwrap();
        let file = find(&c, "#file").await;
        file.send_keys(zip.to_str().unwrap()).await.unwrap();
        choose(&c, "#attach-document", "form-1").await;
        click_button(&c, "Attach file").await;
        wait_page(&c, title).await;
        let zip = ("#file", "not a file type labpath keeps");
        assert_refused(&c, 422, zip, &[("#attach-document", "form-1")]).await;
        look(&c, "attach-refused").await;
    })
    .await;
    drop(server);
}

/// Opens a link made on the dashboard: its address, from `#made-url`.
async fn made_link(c: &Client, says: &str) -> String {
    wait_text(c, "#made-link", says).await;
    find(c, "#made-url")
        .await
        .attr("href")
        .await
        .unwrap()
        .expect("the link's address")
}

/// Logs out with the header's button.
async fn log_out(c: &Client) {
    click_button(c, "Log out").await;
    wait_page(c, "Log in").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_is_accepted_through_its_link_once_and_a_reset_link_works() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_mode(&dir).await;
    let base = server.url("");
    in_browser(|c| async move {
        c.goto(&format!("{base}/dashboard")).await.unwrap();
        log_in(&c, PASSWORD).await;
        wait_page(&c, "Dashboard").await;

        // A refused invitation comes back filled in, the problem beside
        // its field (an address the browser takes but labpath does not).
        type_into(&c, "#u-email", "jun@localhost").await;
        type_into(&c, "#u-name", "Jun Cruz").await;
        choose(&c, "#u-role", "staff").await;
        click_button(&c, "Send the invitation").await;
        wait_text(&c, "#u-email-error", "is not an email address").await;
        let kept = find(&c, "#u-name").await.prop("value").await.unwrap();
        assert_eq!(kept.as_deref(), Some("Jun Cruz"));
        let role = find(&c, "#u-role").await.prop("value").await.unwrap();
        assert_eq!(role.as_deref(), Some("staff"));
        look(&c, "dashboard-invite-refused").await;

        retype(&c, "#u-email", "jun@lab.example").await;
        click_button(&c, "Send the invitation").await;
        let invitation = made_link(&c, "Invitation for Jun Cruz").await;
        look(&c, "dashboard-invited").await;
        log_out(&c).await;

        // Jun opens the link, chooses a password and is logged in.
        c.goto(&invitation).await.unwrap();
        wait_page(&c, "Welcome, Jun Cruz").await;
        look(&c, "set-password").await;
        type_into(&c, "#password", "password12").await;
        submit(&c).await;
        wait_text(&c, "#password-error", "too easy to guess").await;
        type_into(&c, "#password", "violet tugboat marmalade").await;
        submit(&c).await;
        wait_page(&c, "Dashboard").await;
        wait_text(&c, "header", "Jun Cruz").await;
        log_out(&c).await;

        // Used once: the same link is refused, saying what to do.
        c.goto(&invitation).await.unwrap();
        wait_text(
            &c,
            "[role=alert]",
            "expired or was already used: ask for a new one",
        )
        .await;
        look(&c, "set-password-used").await;

        // The admin makes a reset link for Jun, who chooses a new password.
        c.goto(&format!("{base}/login?next=/dashboard"))
            .await
            .unwrap();
        log_in(&c, PASSWORD).await;
        wait_page(&c, "Dashboard").await;
        let row = "//tr[td[normalize-space()='jun@lab.example']]//button";
        let button = c.find(Locator::XPath(row)).await.unwrap();
        leaving(&c, async { button.click().await.unwrap() }).await;
        let reset = made_link(&c, "Password reset link for Jun Cruz").await;
        // The audit log page: Jun's login, and the links made.
        click_link(&c, "The audit log").await;
        wait_page(&c, "Audit log").await;
        wait_text(&c, "table", "Jun Cruz").await;
        look(&c, "audit").await;
        log_out(&c).await;
        c.goto(&reset).await.unwrap();
        wait_page(&c, "Choose a new password").await;
        type_into(&c, "#password", "amber lighthouse cactus").await;
        submit(&c).await;
        wait_page(&c, "Dashboard").await;
        log_out(&c).await;
        retype(&c, "#email", "jun@lab.example").await;
        type_into(&c, "#password", "violet tugboat marmalade").await;
        submit(&c).await;
        wait_text(&c, "#login-error", "wrong email or password").await;
    })
    .await;
    drop(server);
}

/// Chooses `file` in the people page's import form and sends it.
async fn import_file(c: &Client, file: &Path) {
    find(c, "#people-csv")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    click_button(c, "Import candidates").await;
    wait_page(c, "People").await;
}

/// The status the page the browser is on was answered with.
async fn answered(c: &Client) -> Option<u64> {
    c.execute(
        "return performance.getEntriesByType('navigation')[0].responseStatus;",
        vec![],
    )
    .await
    .unwrap()
    .as_u64()
}

/// The texts of every element `css` finds.
async fn texts(c: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in c.find_all(Locator::Css(css)).await.unwrap() {
        out.push(e.text().await.unwrap());
    }
    out
}

/// An agency brings its candidates in from a spreadsheet on the people
/// page: a file of 50 with three bad lines is refused whole, each problem
/// listed with its line and column, and no one is added; the corrected file
/// adds the 50, who are marked new in the list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_candidates_come_in_from_a_csv_once_its_three_bad_lines_are_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_mode(&dir).await;
    let base = server.url("");
    let files = tempfile::tempdir().unwrap();
    let bad = files.path().join("candidates-3-bad.csv");
    std::fs::write(&bad, common::candidates_csv(50, true)).unwrap();
    let good_text = common::candidates_csv(50, false);
    let good = files.path().join("candidates.csv");
    std::fs::write(&good, &good_text).unwrap();
    let names: Vec<String> = good_text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    in_browser(|c| async move {
        c.goto(&format!("{base}/people")).await.unwrap();
        log_in(&c, PASSWORD).await;
        wait_page(&c, "People").await;
        type_into(&c, "#name", "Sofia Villanueva").await;
        submit(&c).await;
        wait_page(&c, "Tell us about you").await;
        c.goto(&format!("{base}/people")).await.unwrap();
        wait_page(&c, "People").await;
        wait_text(&c, "caption", "1 person").await;
        let help = "Columns read, named in the header row, in any order: name (needed), email";
        wait_text(&c, "#import + p", help).await;

        import_file(&c, &bad).await;
        assert_eq!(answered(&c).await, Some(422));
        wait_text(&c, "#refused", "No one was added: the file has 3 problems").await;
        let problems = texts(&c, "#people-csv-error li").await;
        let expected = [
            "Line 8, column email: `omar.santos@` is not an email address",
            "Line 24, column credentials: `MLS(ASPC)` names no credential",
            "Line 42, column work_state: `NYC` is not a US state",
        ];
        assert_eq!(problems.len(), 3, "{problems:#?}");
        for (shown, start) in problems.iter().zip(expected) {
            assert!(shown.starts_with(start), "`{shown}`, not `{start}...`");
        }
        let input = find(&c, "#people-csv").await;
        assert_eq!(
            input.attr("aria-invalid").await.unwrap().as_deref(),
            Some("true")
        );
        assert_eq!(
            input.attr("aria-describedby").await.unwrap().as_deref(),
            Some("people-csv-error")
        );
        wait_text(&c, "caption", "1 person").await;
        assert_labelled(&c).await;
        look(&c, "people-import-refused").await;

        import_file(&c, &good).await;
        assert_eq!(answered(&c).await, Some(200));
        wait_text(&c, "#imported", "50 people added from candidates.csv").await;
        wait_text(&c, "caption", "51 people").await;
        // The first page holds the one there before and 49 of the 50,
        // marked new; the next page, the last of them.
        let rows = texts(&c, "tbody tr td:nth-child(2)").await;
        assert_eq!(rows.len(), 50);
        assert_eq!(rows[0], "Sofia Villanueva");
        for (row, name) in rows[1..].iter().zip(&names) {
            assert_eq!(row, &format!("{name} new"));
        }
        look(&c, "people-imported").await;
        click_link(&c, "Next page").await;
        wait_page(&c, "People").await;
        let rows = texts(&c, "tbody tr td:nth-child(2)").await;
        assert_eq!(rows, [names[49].clone()]);
    })
    .await;
    drop(server);
}
