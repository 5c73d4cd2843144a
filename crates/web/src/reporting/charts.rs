//! The trend over twelve months as bar charts, drawn as SVG by the template from the geometry
//! made here. Each chart has a title and a table of its values beside it, so that nothing is
//! told by the picture alone.

use etablera_domain::reporting::monthly::Month;

use super::document::{month_name, month_short};
use crate::i18n::Tr;

pub const WIDTH: u32 = 480;
pub const HEIGHT: u32 = 150;
const TOP: u32 = 14;
const BOTTOM: u32 = 22;
const SLOT: u32 = WIDTH / 12;
const BAR: u32 = SLOT - 10;

pub struct Bar {
    pub month: String,
    pub short: String,
    pub value: u32,
    /// The part drawn darker (the arrivals contacted in time); `None` for a plain bar.
    pub part: Option<u32>,
    pub x: u32,
    pub y: u32,
    pub height: u32,
    pub part_y: u32,
    pub part_height: u32,
    /// Where the month's label and the value sit.
    pub label_x: u32,
    pub value_y: u32,
}

pub struct Chart {
    pub id: &'static str,
    pub title: String,
    /// What the darker part of a bar means, when bars have one.
    pub part_label: Option<String>,
    pub bars: Vec<Bar>,
    pub width: u32,
    pub height: u32,
    pub baseline: u32,
}

/// A chart of one value per month, oldest first; `parts` marks a share of each bar.
pub fn chart(
    t: &Tr,
    id: &'static str,
    title: String,
    part_label: Option<String>,
    months: &[Month],
    values: &[u32],
    parts: Option<&[u32]>,
) -> Chart {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let room = HEIGHT - TOP - BOTTOM;
    let baseline = HEIGHT - BOTTOM;
    let scale = |v: u32| v * room / max;
    let bars = months
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (month, &value))| {
            let x = i as u32 * SLOT + 5;
            let height = scale(value);
            let part = parts.and_then(|p| p.get(i).copied());
            let part_height = part.map_or(0, scale);
            Bar {
                month: month_name(t, *month),
                short: month_short(t, *month),
                value,
                part,
                x,
                y: baseline - height,
                height,
                part_y: baseline - part_height,
                part_height,
                label_x: x + BAR / 2,
                value_y: (baseline - height).saturating_sub(3).max(10),
            }
        })
        .collect();
    Chart { id, title, part_label, bars, width: WIDTH, height: HEIGHT, baseline }
}

pub const BAR_WIDTH: u32 = BAR;
