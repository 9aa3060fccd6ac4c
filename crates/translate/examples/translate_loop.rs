//! Translates (or only parses, with `--parse-only`) every file given, `--repeat N` times, for
//! profiling with callgrind or timing with `/usr/bin/time`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parse_only = args.iter().any(|a| a == "--parse-only");
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1))
        .map_or(1, |n| n.parse().unwrap());
    let texts: Vec<String> = args
        .iter()
        .filter(|a| a.ends_with(".xml"))
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let ctx = translate::Context::new("https://lspplus.localhost:8441/fhir/bench/49");
    let mut count = 0;
    for _ in 0..repeat {
        for text in &texts {
            count += if parse_only {
                roxmltree::Document::parse(text)
                    .map(|d| d.descendants().count())
                    .unwrap_or(0)
            } else {
                translate::translate(text, &ctx)
                    .map(|t| t.resources.len())
                    .unwrap_or(0)
            };
        }
    }
    println!("{count}");
}
