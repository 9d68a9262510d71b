//! Sending one plain-text email over SMTP: where the server is, who the mail
//! is from, how to log in, whether to ask for STARTTLS, and errors that say
//! what went wrong in words an operator can act on. A `Mailer` holds no
//! connection: each `send` connects, sends and says QUIT, so nothing goes
//! stale between two reminders hours apart.

use std::fmt;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

/// How long one SMTP command may wait for the server, by default. A send
/// is a handful of commands; `work` holds its lease for a few times this.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether the connection is encrypted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Security {
    /// Plain text: for a relay on the same machine or network, and the test
    /// sink.
    #[default]
    Plain,
    /// STARTTLS when the server offers it, plain text otherwise (an
    /// attacker on the path can strip the offer). Needs the `starttls`
    /// feature.
    StartTlsIfOffered,
    /// STARTTLS or nothing: the server's certificate is checked against
    /// `host`, and no credentials or mail go out in clear. Needs the
    /// `starttls` feature.
    StartTlsRequired,
}

/// A login to the SMTP server. `Debug` masks the password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpLogin {
    /// The user name.
    pub user: String,
    password: String,
}

impl SmtpLogin {
    /// A user and password.
    pub fn new(user: &str, password: &str) -> Self {
        SmtpLogin {
            user: user.to_owned(),
            password: password.to_owned(),
        }
    }
}

impl fmt::Debug for SmtpLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpLogin")
            .field("user", &self.user)
            .field("password", &"***")
            .finish()
    }
}

/// Where and how to send mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailerConfig {
    /// The SMTP server's host name or address.
    pub host: String,
    /// Its port (25, 587, or the test sink's).
    pub port: u16,
    /// The sender: `reminders@agency.example` or
    /// `labpath <reminders@agency.example>`.
    pub from: String,
    /// The login, if the server wants one.
    pub login: Option<SmtpLogin>,
    /// Encryption.
    pub security: Security,
    /// How long one SMTP command may wait for the server.
    pub timeout: Duration,
}

impl MailerConfig {
    /// A server and a sender; no login, plain text, the default timeout.
    pub fn new(host: &str, port: u16, from: &str) -> Self {
        MailerConfig {
            host: host.to_owned(),
            port,
            from: from.to_owned(),
            login: None,
            security: Security::Plain,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// With a login.
    pub fn login(mut self, user: &str, password: &str) -> Self {
        self.login = Some(SmtpLogin::new(user, password));
        self
    }

    /// With this encryption.
    pub fn security(mut self, security: Security) -> Self {
        self.security = security;
        self
    }

    /// With this timeout per SMTP command.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// One plain-text email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// The recipients' addresses (at least one).
    pub to: Vec<String>,
    /// The subject line.
    pub subject: String,
    /// The text.
    pub body: String,
    /// A `Message-ID` to send, the same on every retry, so that a message
    /// delivered twice can be recognized as one (`None`: a fresh one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

/// Why an email was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The mailer's settings cannot work; nothing was sent.
    #[error("the mail settings are not valid: {0}")]
    Config(String),
    /// The email itself cannot be sent as it is (no recipient, a bad
    /// address); sending it again will not help.
    #[error("{0}")]
    Invalid(String),
    /// No connection to the server.
    #[error(
        "cannot reach the SMTP server at {server} ({reason}): check the host and port, and that the server is running"
    )]
    Unreachable {
        /// `host:port`.
        server: String,
        /// The network's words.
        reason: String,
    },
    /// The server answered with an error code.
    #[error("the SMTP server at {server} refused the email with {code}: {reason}")]
    Refused {
        /// `host:port`.
        server: String,
        /// The reply code (4xx: try later; 5xx: it will not take it).
        code: u16,
        /// The server's words.
        reason: String,
    },
    /// The server stopped answering.
    #[error("the SMTP server at {server} did not answer within {secs} s")]
    Timeout {
        /// `host:port`.
        server: String,
        /// The timeout.
        secs: u64,
    },
    /// Anything else on the way (a broken connection, a TLS failure).
    #[error("sending through the SMTP server at {server} failed: {reason}")]
    Failed {
        /// `host:port`.
        server: String,
        /// What the client saw.
        reason: String,
    },
}

/// Sends emails through one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
    timeout: Duration,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.server)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for `config`, checked: the sender must be an address, the
    /// host must be given, and STARTTLS needs the `starttls` feature. No
    /// connection is made until the first `send`.
    pub fn new(config: &MailerConfig) -> Result<Self, MailError> {
        let host = config.host.trim();
        if host.is_empty() {
            return Err(MailError::Config(
                "the SMTP host is empty: set it to the mail server's name or address".to_owned(),
            ));
        }
        if config.port == 0 {
            return Err(MailError::Config(
                "the SMTP port is 0: set it to the mail server's port (often 25 or 587)".to_owned(),
            ));
        }
        let from: Mailbox = config.from.trim().parse().map_err(|e| {
            MailError::Config(format!(
                "the sender `{}` is not an email address ({e}): write it as `reminders@agency.example` or `labpath <reminders@agency.example>`",
                config.from
            ))
        })?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.port)
            .timeout(Some(config.timeout));
        builder = with_security(builder, host, config.security)?;
        if let Some(login) = &config.login {
            builder =
                builder.credentials(Credentials::new(login.user.clone(), login.password.clone()));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            server: format!("{host}:{}", config.port),
            timeout: config.timeout,
        })
    }

    /// The server, as `host:port`.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The sender's address (`reminders@agency.example`).
    pub fn from_address(&self) -> String {
        self.from.email.to_string()
    }

    /// The longest one `send` may take, all commands together (three
    /// times the per-command timeout); after that it is abandoned.
    pub fn send_limit(&self) -> Duration {
        self.timeout.saturating_mul(3)
    }

    /// Sends one email. `Ok` means the server accepted it for delivery.
    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let message = self.message(email)?;
        let limit = self.send_limit();
        match tokio::time::timeout(limit, self.transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(self.explain(&e)),
            Err(_) => Err(MailError::Timeout {
                server: self.server.clone(),
                secs: limit.as_secs(),
            }),
        }
    }

    fn message(&self, email: &Email) -> Result<Message, MailError> {
        if email.to.is_empty() {
            return Err(MailError::Invalid(
                "an email needs at least one recipient".to_owned(),
            ));
        }
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(email.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .message_id(email.message_id.clone());
        for to in &email.to {
            builder = builder.to(recipient(to)?);
        }
        // Quoted-printable whatever the text: long lines and any language
        // arrive intact, and the raw message stays readable.
        let body =
            Body::new_with_encoding(email.body.clone(), ContentTransferEncoding::QuotedPrintable)
                .map_err(|_| MailError::Invalid("the email's text cannot be encoded".to_owned()))?;
        builder
            .body(body)
            .map_err(|e| MailError::Invalid(format!("the email cannot be built: {e}")))
    }

    /// An SMTP client error in the words of `MailError`.
    fn explain(&self, e: &lettre::transport::smtp::Error) -> MailError {
        let server = self.server.clone();
        if let Some(code) = e.status() {
            let code_text = code.to_string();
            let reason = e.to_string();
            // lettre says "permanent error (554): <the server's words>".
            let reason = reason
                .split_once("): ")
                .map_or(reason.as_str(), |(_, words)| words)
                .to_owned();
            return MailError::Refused {
                server,
                code: code_text.parse().unwrap_or(0),
                reason,
            };
        }
        if e.is_timeout() {
            return MailError::Timeout {
                server,
                secs: self.timeout.as_secs(),
            };
        }
        if let Some(io) = io_source(e) {
            use std::io::ErrorKind::{
                AddrNotAvailable, ConnectionRefused, HostUnreachable, NetworkUnreachable, NotFound,
            };
            if matches!(
                io.kind(),
                ConnectionRefused
                    | HostUnreachable
                    | NetworkUnreachable
                    | AddrNotAvailable
                    | NotFound
            ) || e.to_string().starts_with("Connection error")
            {
                return MailError::Unreachable {
                    server,
                    reason: io.to_string(),
                };
            }
        }
        MailError::Failed {
            server,
            reason: e.to_string(),
        }
    }
}

/// The first I/O error in an error's chain of causes.
fn io_source<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a std::io::Error> {
    let mut next = e.source();
    while let Some(cause) = next {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        next = cause.source();
    }
    None
}

fn recipient(address: &str) -> Result<Mailbox, MailError> {
    address.trim().parse().map_err(|e| {
        MailError::Invalid(format!(
            "the recipient `{address}` is not an email address ({e})"
        ))
    })
}

type Builder = lettre::transport::smtp::AsyncSmtpTransportBuilder;

#[cfg(feature = "starttls")]
fn with_security(builder: Builder, host: &str, security: Security) -> Result<Builder, MailError> {
    use lettre::transport::smtp::client::{Tls, TlsParameters};
    let parameters = || {
        TlsParameters::new(host.to_owned())
            .map_err(|e| MailError::Config(format!("cannot set up TLS for `{host}`: {e}")))
    };
    Ok(match security {
        Security::Plain => builder,
        Security::StartTlsIfOffered => builder.tls(Tls::Opportunistic(parameters()?)),
        Security::StartTlsRequired => builder.tls(Tls::Required(parameters()?)),
    })
}

#[cfg(not(feature = "starttls"))]
fn with_security(builder: Builder, _host: &str, security: Security) -> Result<Builder, MailError> {
    match security {
        Security::Plain => Ok(builder),
        Security::StartTlsIfOffered | Security::StartTlsRequired => Err(MailError::Config(
            "STARTTLS was asked for, but this build has no TLS: build labpath-notify with the `starttls` feature, or use plain SMTP to a relay you trust".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_sender_or_host_is_refused_when_the_mailer_is_built() {
        let e = Mailer::new(&MailerConfig::new("127.0.0.1", 25, "not an address")).unwrap_err();
        assert!(
            e.to_string()
                .contains("`not an address` is not an email address"),
            "{e}"
        );
        let e = Mailer::new(&MailerConfig::new(" ", 25, "a@b.example")).unwrap_err();
        assert!(e.to_string().contains("SMTP host is empty"), "{e}");
        let e = Mailer::new(&MailerConfig::new("h", 0, "a@b.example")).unwrap_err();
        assert!(e.to_string().contains("port is 0"), "{e}");
    }

    #[test]
    fn the_password_is_never_shown() {
        let c = MailerConfig::new("h", 25, "a@b.example").login("agency", "s3cret");
        assert!(!format!("{c:?}").contains("s3cret"));
        let m = Mailer::new(&c).unwrap();
        assert!(!format!("{m:?}").contains("s3cret"));
    }

    #[cfg(not(feature = "starttls"))]
    #[test]
    fn starttls_without_the_feature_is_refused_not_sent_in_clear() {
        let c = MailerConfig::new("h", 587, "a@b.example").security(Security::StartTlsRequired);
        let e = Mailer::new(&c).unwrap_err();
        assert!(e.to_string().contains("`starttls` feature"), "{e}");
    }

    #[test]
    fn a_bad_recipient_is_named() {
        let m = Mailer::new(&MailerConfig::new("h", 25, "labpath <a@b.example>")).unwrap();
        let email = Email {
            to: vec!["nobody".to_owned()],
            subject: "s".to_owned(),
            body: "b".to_owned(),
            message_id: None,
        };
        let e = m.message(&email).unwrap_err();
        assert!(
            e.to_string().contains("`nobody` is not an email address"),
            "{e}"
        );
        let none = Email {
            to: vec![],
            ..email
        };
        assert!(m.message(&none).is_err());
    }
}
