//! The demo stack: every simulator and the gateway on loopback, shared by `lspplus demo` and
//! `lspplus qualify --demo`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use common::Clock;
use gateway::demo_setup;
use gateway::his_directory::HisDirectory;

/// Key that encrypts BSNs in the demo database; the demo data is fictitious.
const DEMO_STORE_KEY: &str = "6c7370706c75732064656d6f206b6579206e6f7420666f722070726f64756374";

/// The settings of a stack start.
pub struct StackOptions {
    /// Directory for the demo PKI and database.
    pub data_dir: PathBuf,
    /// First of the consecutive ports the demo uses; 0 picks free ephemeral ports.
    pub port_base: u16,
    /// Directory of real HIS response files to serve instead of the synthetic demo patients.
    pub his_data: Option<PathBuf>,
    /// The clock of every simulator and the gateway.
    pub clock: Arc<dyn Clock>,
}

/// The running simulators and gateway.
pub struct Stack {
    /// The simulators, with their URLs, PKI and test persons.
    pub sims: sim::RunningSims,
    /// The gateway's configuration.
    pub config: gateway::Config,
    running: gateway::Running,
}

impl Stack {
    /// Starts the simulators, then the gateway against them.
    pub async fn start(options: StackOptions) -> anyhow::Result<Stack> {
        let sims = sim::Demo::start(sim::DemoOptions {
            data_dir: options.data_dir.clone(),
            port_base: options.port_base,
            his_data: options.his_data.clone(),
            clock: options.clock.clone(),
        })
        .await
        .context("starting the simulators")?;

        let config = demo_setup::config_for_sims(
            &sims,
            store_url(&options.data_dir),
            DEMO_STORE_KEY.to_owned(),
        );
        let store = demo_setup::open_store(&config)
            .await
            .context("opening the demo database")?;
        let lsp = Arc::new(
            gateway::aorta_directory::AortaDirectory::from_config(&config, options.clock.clone())
                .context("setting up the AORTA client")?,
        );
        // The availability check queries the GP system over the LSP, as in production. The Nictiz
        // example files of --his-data often lack a birth date, so with them the simulator's data set
        // is read directly.
        let directory: Arc<dyn gateway::availability::PatientDirectory> =
            if options.his_data.is_some() {
                Arc::new(HisDirectory(sims.his.clone()))
            } else {
                lsp.clone()
            };
        let running =
            gateway::start_with_directory(config.clone(), options.clock, store, directory, lsp)
                .await
                .context("starting the gateway")?;
        Ok(Stack {
            sims,
            config,
            running,
        })
    }

    /// Stops the gateway, then the simulators.
    pub async fn stop(self) {
        self.running.shutdown().await;
        self.sims.stop().await;
    }
}

fn store_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("lspplus.sqlite").display())
}
