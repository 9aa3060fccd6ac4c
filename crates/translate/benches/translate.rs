//! Translation speed on the Ketenzorg 3.0.2 example answers: time per file, throughput (MB/s via
//! criterion's byte throughput) and, for the ratio, roxmltree parsing of the same text alone.

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
    for (name, text) in files.iter().filter(|(n, _)| {
        n.starts_with("contactverslag_bundle_03") || n.starts_with("episodes_REPC")
    }) {
        single.throughput(Throughput::Bytes(text.len() as u64));
        single.bench_function(name.as_str(), |b| {
            b.iter(|| translate::translate(text, &ctx).map(|t| t.resources.len()))
        });
    }
    single.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
