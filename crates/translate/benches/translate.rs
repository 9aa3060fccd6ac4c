//! Translation speed on the Ketenzorg 3.0.2 example answers: time per file, throughput (MB/s via
//! criterion's byte throughput) and, for the ratio, roxmltree parsing of the same text alone. A
//! table of the ratio per example follows criterion's output.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn inputs() -> Vec<(String, String)> {
    let dir = std::env::var_os("LSPPLUS_REFERENCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference")
        })
        .join("hl7v3/ketenzorg-3.0.2/hl7v3_instance");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "reference folder {} not found; set LSPPLUS_REFERENCE_DIR",
            dir.display()
        );
        return Vec::new();
    };
    let mut files: Vec<(String, String)> = entries
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn bench(c: &mut Criterion) {
    let files = inputs();
    let ctx = translate::Context::new("https://lspplus.localhost:8441/fhir/bench/49");
    let total: usize = files.iter().map(|(_, text)| text.len()).sum();
    let mut all = c.benchmark_group("all-18-examples");
    all.throughput(Throughput::Bytes(total as u64));
    all.bench_function("translate", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(_, text)| {
                    translate::translate(text, &ctx)
                        .map(|t| t.resources.len())
                        .unwrap_or(0)
                })
                .sum::<usize>()
        })
    });
    all.bench_function("translate+json", |b| {
        b.iter(|| {
            files
                .iter()
                .filter_map(|(_, text)| translate::translate(text, &ctx).ok())
                .map(|t| t.to_bundle(&ctx, "https://self").to_json().len())
                .sum::<usize>()
        })
    });
    all.bench_function("roxmltree-parse-only", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(_, text)| {
                    roxmltree::Document::parse(text)
                        .map(|d| d.descendants().count())
                        .unwrap_or(0)
                })
                .sum::<usize>()
        })
    });
    all.finish();
    let mut single = c.benchmark_group("per-file");
    for (name, text) in &files {
        single.throughput(Throughput::Bytes(text.len() as u64));
        single.bench_function(format!("translate/{name}"), |b| {
            b.iter(|| translate::translate(text, &ctx).map(|t| t.resources.len()))
        });
        single.bench_function(format!("roxmltree/{name}"), |b| {
            b.iter(|| roxmltree::Document::parse(text).map(|d| d.descendants().count()))
        });
    }
    single.finish();
    print_ratios(&files, &ctx);
}

/// Prints, per example, the best of 200 translations and roxmltree parses, the throughput and
/// their ratio: criterion reports each benchmark alone, not the ratio of two.
fn print_ratios(files: &[(String, String)], ctx: &translate::Context) {
    let best = |run: &dyn Fn() -> usize| {
        (0..200)
            .map(|_| {
                let start = std::time::Instant::now();
                std::hint::black_box(run());
                start.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min)
    };
    println!("\n| example | translate µs | MB/s | roxmltree parse µs | ratio |");
    println!("|---|---:|---:|---:|---:|");
    for (name, text) in files {
        let translate = best(&|| {
            translate::translate(text, ctx)
                .map(|t| t.resources.len())
                .unwrap_or(0)
        });
        let parse = best(&|| {
            roxmltree::Document::parse(text)
                .map(|d| d.descendants().count())
                .unwrap_or(0)
        });
        println!(
            "| {name} | {:.1} | {:.1} | {:.1} | {:.2} |",
            translate * 1e6,
            text.len() as f64 / translate / 1e6,
            parse * 1e6,
            translate / parse
        );
    }
}

/// Two seconds per benchmark keep the 38 of them to a few minutes.
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench
}
criterion_main!(benches);
