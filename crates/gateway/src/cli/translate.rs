//! The `lspplus translate` subcommand: translates a saved HL7v3 answer to a FHIR Bundle and can
//! compare it with an expected Bundle.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

/// Output format of the Bundle.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// FHIR JSON.
    Json,
    /// FHIR XML.
    Xml,
}

/// Options of `lspplus translate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// HL7v3 answer file: a bare interaction, a SOAP envelope, an HTTP capture or an MCCI_IN200101 batch.
    pub file: PathBuf,
    /// Format of the printed Bundle.
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,
    /// Expected FHIR Bundle (XML or JSON) to compare with; prints the differences by path instead of
    /// the Bundle and exits with status 1 when there are any.
    #[arg(long, value_name = "EXPECTED")]
    pub compare: Option<PathBuf>,
    /// FHIR base URL used for the fullUrls.
    #[arg(long, default_value = "https://lspplus.localhost:8441/fhir")]
    pub base_url: String,
}

/// Runs `lspplus translate`.
pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let input = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let ctx = translate::Context::new(&args.base_url);
    let translation = translate::translate(&input, &ctx)
        .with_context(|| format!("cannot translate {}", args.file.display()))?;
    let self_link = format!("{}/translate", ctx.base_url);
    let bundle = translation.to_bundle(&ctx, &self_link);
    let Some(expected_path) = args.compare else {
        match args.format {
            Format::Json => println!("{}", bundle.to_json()),
            Format::Xml => print!("{}", bundle.to_xml()),
        }
        return Ok(ExitCode::SUCCESS);
    };
    let expected = read_expected(&expected_path)?;
    let comparison = fhir::compare_resources(&bundle, &expected);
    for difference in &comparison.differences {
        println!("{difference}");
    }
    println!(
        "{}/{} expected elements agree, {} differences",
        comparison.agreeing,
        comparison.expected_leaves,
        comparison.differences.len()
    );
    Ok(if comparison.differences.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn read_expected(path: &PathBuf) -> anyhow::Result<fhir::Resource> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let parsed = if text.trim_start().starts_with('{') {
        fhir::Resource::from_json(&text)
    } else {
        fhir::Resource::from_xml(&text)
    };
    parsed.with_context(|| format!("{} is not a FHIR resource", path.display()))
}
