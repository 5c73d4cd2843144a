//! Reading documents back as a person's program would: a PDF's text through poppler's
//! pdftotext, an XLSX workbook's cells with their types.

#![allow(dead_code)]

use std::process::Command;

/// The text of a PDF, laid out as on the page.
pub fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("document.pdf");
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " ")
}

/// The first sheet's cells, one a line: reference, type (s text, n number) and value, with
/// shared strings resolved; for snapshots.
pub fn xlsx_cells(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX file is a zip archive");
    let mut read = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let sheet = read("xl/worksheets/sheet1.xml");
    let shared = read("xl/sharedStrings.xml");
    let strings: Vec<String> = shared
        .split("<si>")
        .skip(1)
        .map(|si| {
            let text = si.split("<t").nth(1).unwrap_or("").split_once('>').map_or("", |(_, rest)| rest);
            text.split("</t>").next().unwrap().to_owned()
        })
        .collect();
    sheet
        .split("<c r=\"")
        .skip(1)
        .map(|cell| {
            let reference = cell.split('"').next().unwrap();
            let value = cell.split("<v>").nth(1).map(|v| v.split("</v>").next().unwrap()).unwrap_or("");
            if cell.split('>').next().unwrap().contains("t=\"s\"") {
                format!("{reference} s {}", strings[value.parse::<usize>().unwrap()])
            } else {
                format!("{reference} n {value}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// XML one element a line, so that a snapshot's diff shows what changed.
pub fn xml_lines(xml: &str) -> String {
    xml.replace("><", ">\n<")
}
