//! E-mail through the municipality's mail server (lettre over SMTP, TLS with the system's
//! certificate authorities). Messages name a household's reference and link to Etablera; they
//! never carry a person's name or number.

use etablera_domain::text::Text;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailConfig;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: Option<String>,
}

impl Mailer {
    /// Checks the settings; the error says which one is wrong (never the password).
    pub fn new(config: &MailConfig) -> Result<Mailer, Text> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| Text::new("mail-bad-sender").with("from", format!("{:?}", config.from)).with("error", e))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|e| Text::new("mail-bad-smtp-url").with("error", e))?
            .build();
        Ok(Mailer { transport, from, public_url: config.public_url.clone() })
    }

    /// A link into Etablera, when its public address is known.
    pub fn link(&self, path: &str) -> Option<String> {
        self.public_url.as_deref().map(|base| format!("{}{path}", base.trim_end_matches('/')))
    }

    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), Text> {
        let to: Mailbox = to.parse().map_err(|_| Text::new("mail-bad-recipient"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body)
            .map_err(|e| Text::new("mail-not-built").with("error", e))?;
        // The server's text may quote the address; only the status code goes to the log.
        self.transport.send(message).await.map(|_| ()).map_err(|e| match e.status() {
            Some(code) => Text::new("mail-server-code").with("code", code),
            None if e.is_timeout() => Text::new("mail-server-timeout"),
            None => Text::new("mail-server-unreachable"),
        })
    }
}
