//! PDF documents, typeset with Typst from the templates in `templates/`, with the fonts Typst
//! ships (nothing is read from the system or the network).

use std::sync::OnceLock;

use typst::foundations::{Dict, IntoValue};
use typst_as_lib::TypstEngine;

#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be made: {0}")]
pub struct PdfError(pub String);

/// Typesets `template` with `inputs` (as `sys.inputs`) into a PDF.
pub fn render(template: &'static str, inputs: Vec<(&str, String)>) -> Result<Vec<u8>, PdfError> {
    static ONE_AT_A_TIME: OnceLock<std::sync::Mutex<()>> = OnceLock::new();
    // Typst's caches are global; one document at a time keeps memory flat on a small server.
    let _guard = ONE_AT_A_TIME.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    let mut dict = Dict::new();
    for (key, value) in inputs {
        dict.insert(key.into(), value.into_value());
    }
    let engine = TypstEngine::builder().main_file(template).fonts(typst_assets::fonts()).build();
    let document = engine.compile_with_input(dict).output.map_err(|e| PdfError(format!("{e:?}")))?;
    typst_pdf::pdf(&document, &Default::default()).map_err(|e| PdfError(format!("{e:?}")))
}
