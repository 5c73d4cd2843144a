//! Documents attached to the casework: a placement decision, a receipt for a cost, a housing
//! contract, a signed plan. What a document may be is decided by its bytes, never by its name.

use crate::access::Permission;
use crate::input::{Errors, Invalid, optional_text};
use crate::text::Text;

/// The largest document accepted: a scanned contract of a few dozen pages fits; a video does not.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// The longest file name and title kept.
const MAX_NAME_CHARS: usize = 200;

crate::coded! {
    /// The kinds of file a document may be: what case files hold (scans, photos, office files).
    pub enum DocumentFormat {
        Pdf = "pdf",
        Jpeg = "jpeg",
        Png = "png",
        Tiff = "tiff",
        Heif = "heif",
        Webp = "webp",
        Docx = "docx",
        Xlsx = "xlsx",
        Pptx = "pptx",
        Doc = "doc",
        Xls = "xls",
        Odt = "odt",
        Ods = "ods",
        Rtf = "rtf",
    }
}

impl DocumentFormat {
    /// The format the bytes are in, when it is one of the accepted ones.
    pub fn of(bytes: &[u8]) -> Option<DocumentFormat> {
        use DocumentFormat::*;
        use infer::{archive, doc, image, odf};
        let checks: [(infer::Matcher, DocumentFormat); 14] = [
            (archive::is_pdf, Pdf),
            (image::is_jpeg, Jpeg),
            (image::is_png, Png),
            (image::is_tiff, Tiff),
            (image::is_heif, Heif),
            (image::is_webp, Webp),
            (doc::is_docx, Docx),
            (doc::is_xlsx, Xlsx),
            (doc::is_pptx, Pptx),
            (doc::is_doc, Doc),
            (doc::is_xls, Xls),
            (odf::is_odt, Odt),
            (odf::is_ods, Ods),
            (archive::is_rtf, Rtf),
        ];
        checks.into_iter().find(|(is, _)| is(bytes)).map(|(_, format)| format)
    }

    /// The media type a download is sent as.
    pub fn media_type(self) -> &'static str {
        use DocumentFormat::*;
        match self {
            Pdf => "application/pdf",
            Jpeg => "image/jpeg",
            Png => "image/png",
            Tiff => "image/tiff",
            Heif => "image/heif",
            Webp => "image/webp",
            Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            Doc => "application/msword",
            Xls => "application/vnd.ms-excel",
            Odt => "application/vnd.oasis.opendocument.text",
            Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Rtf => "application/rtf",
        }
    }

    /// The file name extension that goes with the format.
    pub fn extension(self) -> &'static str {
        self.extensions()[0]
    }

    /// Every extension a file of the format may have, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        use DocumentFormat::*;
        match self {
            Pdf => &["pdf"],
            Jpeg => &["jpg", "jpeg"],
            Png => &["png"],
            Tiff => &["tif", "tiff"],
            Heif => &["heic", "heif"],
            Webp => &["webp"],
            Docx => &["docx"],
            Xlsx => &["xlsx"],
            Pptx => &["pptx"],
            Doc => &["doc"],
            Xls => &["xls"],
            Odt => &["odt"],
            Ods => &["ods"],
            Rtf => &["rtf"],
        }
    }
}

crate::coded! {
    /// The record a document belongs to; it goes (is culled) with that record.
    pub enum OwnerKind {
        Household = "household",
        Person = "person",
        Housing = "housing",
        Cost = "cost",
        Claim = "claim",
        Deviation = "deviation",
    }
}

impl OwnerKind {
    /// Who may read the record may read its documents.
    pub fn read_permission(self) -> Permission {
        match self {
            OwnerKind::Cost | OwnerKind::Claim => Permission::ManageEconomy,
            _ => Permission::ReadCases,
        }
    }

    /// Who may change the record may attach documents to it and remove them.
    pub fn write_permission(self) -> Permission {
        match self {
            OwnerKind::Cost | OwnerKind::Claim => Permission::ManageEconomy,
            _ => Permission::WriteCases,
        }
    }
}

/// A record that documents are attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub kind: OwnerKind,
    pub id: i32,
}

impl Owner {
    pub fn new(kind: OwnerKind, id: i32) -> Owner {
        Owner { kind, id }
    }
}

/// A file as it was uploaded: its name as the sender's computer gave it, the bytes, and a title.
#[derive(Debug, Clone, Copy)]
pub struct DocumentInput<'a> {
    pub file_name: Option<&'a str>,
    pub bytes: &'a [u8],
    pub title: &'a str,
}

/// A checked document, ready to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub file_name: String,
    pub title: Option<String>,
    pub format: DocumentFormat,
    pub bytes: Vec<u8>,
}

impl DocumentInput<'_> {
    /// Every error at once: no file, too large, not a kind of file that is accepted, a title
    /// too long.
    pub fn check(&self) -> Result<NewDocument, Vec<Invalid>> {
        let mut errors = Errors::new();
        let format = if self.bytes.is_empty() {
            errors.push(Invalid::new("file", Text::new("document-missing")));
            None
        } else if self.bytes.len() > MAX_DOCUMENT_BYTES {
            errors.push(Invalid::new(
                "file",
                Text::new("document-too-large").with("max", MAX_DOCUMENT_BYTES / (1024 * 1024)),
            ));
            None
        } else {
            let format = DocumentFormat::of(self.bytes);
            if format.is_none() {
                errors.push(Invalid::new("file", Text::new("document-format")));
            }
            format
        };
        let title = errors.keep(optional_text("title", Some(self.title), MAX_NAME_CHARS, Text::new("what-title")));
        errors.finish(|| {
            let format = format?;
            Some(NewDocument {
                file_name: file_name(self.file_name, format),
                title: title?,
                format,
                bytes: self.bytes.to_vec(),
            })
        })
    }
}

/// The name a document is kept and downloaded under: the last part of what the browser sent
/// (some send a whole Windows path), without control characters, at most 200 characters, and
/// a plain name from the format when nothing is left.
fn file_name(sent: Option<&str>, format: DocumentFormat) -> String {
    let base = sent.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    // Control characters, and the direction marks that can make "kvitto\u{202e}fdp.exe" show
    // as "kvittoexe.pdf".
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .take(MAX_NAME_CHARS - 5)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() || clean.chars().all(|c| c == '.') {
        return format!("handling.{}", format.extension());
    }
    // The name ends as what the bytes are, so that the file opens in the program for it.
    let ending = clean.rsplit_once('.').map(|(_, e)| e.to_lowercase());
    if ending.as_deref().is_some_and(|e| format.extensions().contains(&e)) {
        clean.to_owned()
    } else {
        format!("{clean}.{}", format.extension())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest PDF a scanner might send: the header is what counts.
    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];

    fn input<'a>(name: &'a str, bytes: &'a [u8]) -> DocumentInput<'a> {
        DocumentInput { file_name: Some(name), bytes, title: "" }
    }

    fn fields(result: Result<NewDocument, Vec<Invalid>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|e| format!("{}:{}", e.field, e.message.key)).collect()
    }

    #[test]
    fn the_format_is_read_from_the_bytes_not_the_name() {
        assert_eq!(input("kvitto.pdf", PDF).check().unwrap().format, DocumentFormat::Pdf);
        assert_eq!(input("kvitto.pdf", PNG).check().unwrap().format, DocumentFormat::Png);
        assert_eq!(
            fields(input("kvitto.pdf", b"MZ\x90\x00 an executable, not a receipt").check()),
            ["file:document-format"]
        );
        assert_eq!(
            fields(input("notes.txt", b"plain text is not one of the formats").check()),
            ["file:document-format"]
        );
    }

    #[test]
    fn every_error_at_once() {
        let long_title = "x".repeat(201);
        let missing = DocumentInput { file_name: None, bytes: b"", title: &long_title };
        assert_eq!(fields(missing.check()), ["file:document-missing", "title:input-too-long"]);
        let big = vec![0u8; MAX_DOCUMENT_BYTES + 1];
        assert_eq!(fields(input("scan.pdf", &big).check()), ["file:document-too-large"]);
    }

    #[test]
    fn the_name_is_the_last_part_without_control_characters() {
        assert_eq!(file_name(Some("C:\\Users\\anna\\Hyresavtal.pdf"), DocumentFormat::Pdf), "Hyresavtal.pdf");
        assert_eq!(file_name(Some("../../etc/passwd"), DocumentFormat::Pdf), "passwd.pdf");
        assert_eq!(file_name(Some("a\r\nb.pdf"), DocumentFormat::Pdf), "ab.pdf");
        assert_eq!(file_name(Some(".."), DocumentFormat::Png), "handling.png");
        assert_eq!(file_name(None, DocumentFormat::Jpeg), "handling.jpg");
        assert_eq!(file_name(Some(&"å".repeat(300)), DocumentFormat::Pdf).chars().count(), 199);
        // The ending is what the bytes are, and no direction mark turns it around.
        assert_eq!(file_name(Some("kvitto.exe"), DocumentFormat::Png), "kvitto.exe.png");
        assert_eq!(file_name(Some("Foto.JPEG"), DocumentFormat::Jpeg), "Foto.JPEG");
        assert_eq!(file_name(Some("kvitto\u{202e}fdp.exe"), DocumentFormat::Pdf), "kvittofdp.exe.pdf");
    }

    #[test]
    fn economy_documents_follow_the_economy() {
        assert_eq!(OwnerKind::Cost.read_permission(), Permission::ManageEconomy);
        assert_eq!(OwnerKind::Housing.write_permission(), Permission::WriteCases);
    }

    proptest::proptest! {
        /// Hostile bytes (truncated archives, office headers with nothing after them) are
        /// refused or accepted, never a panic.
        #[test]
        fn any_bytes_are_judged_without_panic(prefix in 0usize..4, tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let heads: [&[u8]; 4] = [b"PK\x03\x04", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], b"%PDF-", b""];
            let mut bytes = heads[prefix].to_vec();
            bytes.extend(tail);
            let _ = DocumentFormat::of(&bytes);
        }
    }
}
