//! Translates (or only parses, with `--parse-only`) every file given, `--repeat N` times, for
//! profiling with callgrind. With `--table` it prints, per file, the best time of the roxmltree
//! parse alone and of the translation, the throughput and their ratio; `--tree` measures
//! lspplus's message tree (`hl7v3::read::parse`) instead of the whole translation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parse_only = args.iter().any(|a| a == "--parse-only");
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1))
        .map_or(1, |n| n.parse().unwrap());
    let files: Vec<(String, String)> = args
        .iter()
        .filter(|a| a.ends_with(".xml"))
        .map(|f| {
            let name = std::path::Path::new(f).file_name().unwrap();
            (
                name.to_string_lossy().into_owned(),
                std::fs::read_to_string(f).unwrap(),
            )
        })
        .collect();
    let ctx = translate::Context::new("https://lspplus.localhost:8441/fhir/bench/49");
    let parse = |text: &str| {
        roxmltree::Document::parse(text)
            .map(|d| d.descendants().count())
            .unwrap_or(0)
    };
    // With --tree the second measure is lspplus's own message tree alone, without translating.
    let tree_only = args.iter().any(|a| a == "--tree");
    let translate = |text: &str| {
        if tree_only {
            return hl7v3::read::parse(text)
                .map(|d| d.descendants().count())
                .unwrap_or(0);
        }
        translate::translate(text, &ctx)
            .map(|t| t.resources.len())
            .unwrap_or(0)
    };
    if args.iter().any(|a| a == "--table") {
        table(&files, repeat, &parse, &translate);
        return;
    }
    let mut count = 0;
    for _ in 0..repeat {
        for (_, text) in &files {
            count += if parse_only {
                parse(text)
            } else {
                translate(text)
            };
        }
    }
    println!("{count}");
}

/// Returns the best time of `repeat` runs.
fn best(repeat: usize, run: impl Fn() -> usize) -> Duration {
    (0..repeat.max(1))
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(run());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn table(
    files: &[(String, String)],
    repeat: usize,
    parse: &dyn Fn(&str) -> usize,
    translate: &dyn Fn(&str) -> usize,
) {
    println!("| file | bytes | resources | parse µs | translate µs | MB/s | ratio |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let (mut parse_total, mut translate_total, mut bytes) = (0.0, 0.0, 0);
    for (name, text) in files {
        let parse_time = best(repeat, || parse(text)).as_secs_f64();
        let translate_time = best(repeat, || translate(text)).as_secs_f64();
        parse_total += parse_time;
        translate_total += translate_time;
        bytes += text.len();
        println!(
            "| {name} | {} | {} | {:.1} | {:.1} | {:.1} | {:.2} |",
            text.len(),
            translate(text),
            parse_time * 1e6,
            translate_time * 1e6,
            text.len() as f64 / translate_time / 1e6,
            translate_time / parse_time
        );
    }
    println!(
        "| **all {}** | {bytes} | | {:.1} | {:.1} | {:.1} | {:.2} |",
        files.len(),
        parse_total * 1e6,
        translate_total * 1e6,
        bytes as f64 / translate_total / 1e6,
        translate_total / parse_total
    );
}
