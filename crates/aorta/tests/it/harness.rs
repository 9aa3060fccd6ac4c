//! A running SOAP simulator with a small answer source, and a client configured against it.

use std::sync::Arc;
use std::time::Duration;

use aorta::{AortaConfig, Client, Counters, HisTarget};
use common::{Bsn, FixedClock};
use hl7v3::Interaction;
use sim_his::source::{AnswerSource, QueryContext};
use sim_his::{FaultSwitch, SoapOptions};
use time::macros::datetime;
use tls::ClientAuth;
use tls::pki::TestPki;
use tokio::sync::oneshot;

/// The GP system the source answers for.
pub const HIS_APP_ID: &str = "4001";
/// A patient with data.
pub const BSN: &str = "999911120";

/// Answers every query to [`HIS_APP_ID`] with one episode for the queried patient.
#[derive(Debug)]
pub struct OneEpisode;

impl AnswerSource for OneEpisode {
    fn answer(&self, interaction: Interaction, query: &QueryContext) -> Option<String> {
        if query.receiver_app_id != HIS_APP_ID {
            return None;
        }
        let response = if interaction.is_query() {
            interaction.response()?
        } else {
            interaction
        };
        let target_extension = query.message_id.extension.as_deref().unwrap_or_default();
        Some(format!(
            r#"<{response} xmlns="urn:hl7-org:v3">
  <id root="2.16.840.1.113883.2.4.6.6.{HIS_APP_ID}.1" extension="{id}"/>
  <creationTime value="20261204120000"/>
  <versionCode code="NICTIZEd2005-Okt"/>
  <interactionId root="2.16.840.1.113883.1.6" extension="{response}"/>
  <profileId root="2.16.840.1.113883.2.4.3.11.1" extension="810"/>
  <processingCode code="P"/>
  <processingModeCode code="T"/>
  <acceptAckCode code="NE"/>
  <acknowledgement typeCode="AA"><targetMessage><id root="{target_root}" extension="{target_extension}"/></targetMessage></acknowledgement>
  <receiver><device><id root="2.16.840.1.113883.2.4.6.6" extension="{sender}"/></device></receiver>
  <sender><device><id root="2.16.840.1.113883.2.4.6.6" extension="{HIS_APP_ID}"/></device></sender>
  <ControlActProcess moodCode="EVN">
    <subject><organizer classCode="CLUSTER" moodCode="EVN">
      <recordTarget><patientRole><id root="2.16.840.1.113883.2.4.6.3" extension="{bsn}"/></patientRole></recordTarget>
    </organizer></subject>
    <queryAck><queryResponseCode code="OK"/></queryAck>
  </ControlActProcess>
</{response}>"#,
            id = uuid::Uuid::new_v4(),
            target_root = query.message_id.root,
            sender = query.sender_app_id,
            bsn = query.bsn.as_str(),
        ))
    }
}

/// A simulator on an ephemeral port and the pieces a test needs to talk to it.
pub struct Harness {
    pub pki: TestPki,
    pub url: String,
    pub faults: FaultSwitch,
    pub client_clock: FixedClock,
    pub server_clock: FixedClock,
    _dir: tempfile::TempDir,
    _stop: oneshot::Sender<()>,
}

impl Harness {
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let pki = TestPki::load_or_generate(dir.path()).unwrap();
        let server_identity = pki.issue_server("lsp.localhost").unwrap();
        let signer = pki.issue_signing("lspplus.localhost").unwrap();
        let config = tls::server_config(
            &server_identity,
            ClientAuth::Required(pki.ca_pem().to_owned()),
        )
        .unwrap();
        let listener = tls::bind("127.0.0.1:0".parse().unwrap(), "LSP simulator")
            .await
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let faults = FaultSwitch::new();
        let now = datetime!(2026-12-04 12:00 UTC);
        let server_clock = FixedClock::new(now);
        let options = SoapOptions {
            source: Arc::new(OneEpisode),
            faults: faults.clone(),
            clock: Arc::new(server_clock.clone()),
            trusted_signer_pem: signer.cert_chain_pem.clone(),
        };
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(sim_his::soap::serve(listener, config, options, async {
            let _ = stopped.await;
        }));
        Self {
            pki,
            url: format!("https://lsp.localhost:{port}/aorta"),
            faults,
            client_clock: FixedClock::new(now),
            server_clock,
            _dir: dir,
            _stop: stop,
        }
    }

    /// Returns demo client settings with a short deadline and no pause between attempts.
    pub fn config(&self) -> AortaConfig {
        let identity = self.pki.issue_server("lspplus.localhost").unwrap();
        let signing = self.pki.issue_signing("lspplus.localhost").unwrap();
        let mut config = AortaConfig::demo(&self.url, self.pki.ca_pem(), identity, signing);
        config.timeouts.request = Duration::from_secs(3);
        config.retry.backoff = Duration::ZERO;
        config
    }

    /// Builds a client from `config` that counts its queries in the returned counters.
    pub fn client(&self, config: AortaConfig) -> (Client, Arc<Counters>) {
        let counters = Arc::new(Counters::default());
        let client = Client::new(config, Arc::new(self.client_clock.clone()))
            .unwrap()
            .with_metrics(counters.clone());
        (client, counters)
    }
}

pub fn his() -> HisTarget {
    HisTarget {
        app_id: HIS_APP_ID.to_owned(),
        name: "huisartsenpraktijk De Linde".to_owned(),
    }
}

pub fn bsn() -> Bsn {
    Bsn::parse(BSN).unwrap()
}
