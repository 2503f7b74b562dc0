//! Turning a rendered [`MailMessage`] into an RFC 5322 message.

use crate::MailBranding;
use harmony_kernel::mail::{MailError, MailMessage};
use lettre::Message;
use lettre::message::header::ContentTransferEncoding;
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};

/// Builds the `multipart/alternative` (text + HTML) message every mailer sends,
/// with the stable `Message-ID` of [`MailMessage::message_id`] so a retried
/// delivery can be recognised downstream.
///
/// # Errors
/// [`MailError::Rejected`] when an address or header is invalid: retrying the
/// same message cannot help.
pub fn build_message(branding: &MailBranding, message: &MailMessage) -> Result<Message, MailError> {
    let from = sender(branding)?;
    let to: Mailbox = message
        .to
        .parse()
        .map_err(|e| MailError::Rejected(format!("invalid recipient address: {e}")))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(single_line(&message.subject))
        .message_id(Some(message.message_id.clone()))
        .date_now()
        .multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(readable_body(&message.text)))
                .singlepart(SinglePart::html(message.html.clone())),
        )
        .map_err(|e| MailError::Rejected(format!("cannot build message: {e}")))
}

/// The plain-text part as plain 7bit whenever it is ASCII with lines of at
/// most 998 octets (RFC 5322), so links stay copyable from a raw `.eml` file;
/// lettre's own choice (quoted-printable over 76 columns) otherwise.
fn readable_body(text: &str) -> Body {
    let crlf = text
        .replace("\r\n", "\n")
        .replace('\r', "")
        .replace('\n', "\r\n");
    let seven_bit =
        crlf.is_ascii() && !crlf.contains('\0') && crlf.split("\r\n").all(|line| line.len() <= 998);
    if seven_bit {
        Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::SevenBit)
    } else {
        Body::new(text.to_owned())
    }
}

/// The From mailbox of the branding.
fn sender(branding: &MailBranding) -> Result<Mailbox, MailError> {
    let address = branding
        .from_address
        .parse()
        .map_err(|e| MailError::Rejected(format!("invalid sender address: {e}")))?;
    let name = branding.from_name.trim();
    Ok(Mailbox::new(
        (!name.is_empty()).then(|| name.to_owned()),
        address,
    ))
}

/// Subjects come from templates fed with user input: no line breaks or other
/// control characters may reach a header.
fn single_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> MailMessage {
        MailMessage {
            to: "Ann <ann@example.com>".to_owned(),
            subject: "Hello\r\nBcc: evil@example.com".to_owned(),
            html: "<p>Hi</p>".to_owned(),
            text: "Hi".to_owned(),
            message_id: "<abc@harmony>".to_owned(),
        }
    }

    #[test]
    fn builds_multipart_with_message_id_and_no_header_injection() {
        let msg = build_message(&MailBranding::local(), &sample()).unwrap();
        let raw = String::from_utf8(msg.formatted()).unwrap();
        assert!(raw.contains("Message-ID: <abc@harmony>"), "{raw}");
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/plain"));
        assert!(raw.contains("text/html"));
        assert!(raw.contains("From: Harmony <noreply@localhost>"));
        assert!(!raw.contains("\r\nBcc:"));
    }

    #[test]
    fn invalid_recipient_is_rejected() {
        let mut m = sample();
        m.to = "not an address".to_owned();
        let err = build_message(&MailBranding::local(), &m).unwrap_err();
        assert!(matches!(err, MailError::Rejected(_)), "{err:?}");
    }

    #[test]
    fn long_links_in_the_text_part_stay_intact() {
        let link = format!(
            "http://localhost:3000/reset-password?token={}",
            "x".repeat(43)
        );
        let msg = MailMessage {
            text: format!("Reset it here:\n{link}\n"),
            ..sample()
        };
        let raw = String::from_utf8(
            build_message(&MailBranding::local(), &msg)
                .unwrap()
                .formatted(),
        )
        .unwrap();
        assert!(raw.contains(&link), "{raw}");
    }
}
