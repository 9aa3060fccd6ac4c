//! Measures the heap of one translation: `translate_peak [--parse-only] FILE...` prints, per file,
//! the input size, the peak heap while translating (input text included) and the ratio.
//!
//! Each file is measured in a fresh process (the peak cannot be reset), so with several files the
//! program runs itself once per file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parse_only = args.iter().any(|a| a == "--parse-only");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if files.len() != 1 {
        let me = std::env::current_exe().unwrap();
        for file in files {
            let mut command = std::process::Command::new(&me);
            if parse_only {
                command.arg("--parse-only");
            }
            let status = command.arg(file).status().unwrap();
            assert!(status.success());
        }
        return;
    }
    // With LSPPLUS_DHAT_JSON set, the full profile (allocation sites at the peak) goes to that file.
    let _profiler = match std::env::var_os("LSPPLUS_DHAT_JSON") {
        Some(path) => dhat::Profiler::builder().file_name(path).build(),
        None => dhat::Profiler::builder().testing().build(),
    };
    let text = std::fs::read_to_string(files[0]).unwrap();
    let input = text.len();
    let ctx = translate::Context::new("https://lspplus.localhost:8441/fhir/bench/49");
    let resources = if parse_only {
        roxmltree::Document::parse(&text)
            .map(|d| d.descendants().count())
            .unwrap_or(0)
    } else {
        translate::translate(&text, &ctx)
            .map(|t| t.resources.len())
            .unwrap_or(0)
    };
    let stats = dhat::HeapStats::get();
    let name = std::path::Path::new(files[0])
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    println!(
        "{name}\t{input}\t{}\t{:.2}\t{}\t{resources}",
        stats.max_bytes,
        stats.max_bytes as f64 / input as f64,
        stats.total_blocks,
    );
}
