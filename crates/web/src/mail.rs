//! E-mail through the municipality's mail server (lettre over SMTP, TLS with the system's
//! certificate authorities). Messages name a household's reference and link to Etablera; they
//! never carry a person's name or number.

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
    pub fn new(config: &MailConfig) -> Result<Mailer, String> {
        let from: Mailbox =
            config.from.parse().map_err(|e| format!("avsändaren {:?} är ingen e-postadress: {e}", config.from))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|e| format!("smtp-adressen kan inte användas: {e}"))?
            .build();
        Ok(Mailer { transport, from, public_url: config.public_url.clone() })
    }

    /// A link into Etablera, when its public address is known.
    pub fn link(&self, path: &str) -> Option<String> {
        self.public_url.as_deref().map(|base| format!("{}{path}", base.trim_end_matches('/')))
    }

    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|_| "mottagarens adress går inte att använda".to_owned())?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body)
            .map_err(|e| format!("meddelandet kunde inte byggas: {e}"))?;
        // The server's text may quote the address; only the status code goes to the log.
        self.transport.send(message).await.map(|_| ()).map_err(|e| match e.status() {
            Some(code) => format!("e-postservern svarade med kod {code}"),
            None if e.is_timeout() => "e-postservern svarade inte i tid".to_owned(),
            None => "kunde inte skicka till e-postservern".to_owned(),
        })
    }
}
