//! Load: 1,000 concurrent FHIR searches through the gateway against the LSP simulator with 200 ms
//! latency, checking every answer, the wall time against the MedMij 60 s limit and the peak memory.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use sim_his::Fault;
use sim_pgo::{ConsentChoice, scope_for};

use crate::harness::{ADULT, DELINDE, Harness, PGO};

const EPISODES: &str = "/fhir/huisartsenpraktijk-delinde/49/EpisodeOfCare";
const CONCURRENT_SEARCHES: usize = 1_000;
const LSP_LATENCY: Duration = Duration::from_millis(200);
/// MedMij allows a resource server 60 s per request; the whole batch must fit in it.
const MEDMIJ_LIMIT: Duration = Duration::from_secs(60);
/// Bound on the peak RSS growth of the test process (gateway, simulators and client together).
/// One run on its own grew by 21 MiB (see docs/BENCHMARKS.md). The margin covers the other tests
/// of this binary, which run in the same process, and still catches per-request buffers that are
/// never freed.
const MAX_RSS_GROWTH_KIB: u64 = 128 * 1024;

/// The outcome of one search: status, body and time from send to full body.
struct Answer {
    status: u16,
    body: String,
    latency: Duration,
}

/// Reads a `kB` field such as `VmHWM` (peak resident set size) from /proc/self/status.
fn proc_status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

async fn search(client: &reqwest::Client, url: &str, token: &str, index: usize) -> Answer {
    let started = Instant::now();
    let response = client
        .get(url)
        .bearer_auth(token)
        .header("MedMij-Request-ID", uuid::Uuid::new_v4().to_string())
        .header(
            "X-Correlation-ID",
            format!("1c0ffee0-0000-4000-8000-{index:012}"),
        )
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    Answer {
        status,
        body,
        latency: started.elapsed(),
    }
}

/// Returns the `total` of a searchset Bundle and the number of `match` entries.
fn bundle_counts(body: &str) -> (u64, usize) {
    let bundle: Value = serde_json::from_str(body).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle", "{body}");
    assert_eq!(bundle["type"], "searchset", "{body}");
    let matches = bundle["entry"].as_array().map_or(0, |entries| {
        entries
            .iter()
            .filter(|entry| entry["search"]["mode"] == "match")
            .count()
    });
    (bundle["total"].as_u64().unwrap(), matches)
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

// Peak RSS is a process-wide figure, so this test runs alone: `scripts/test` starts it in its own
// process after the other tests.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "measures process memory; scripts/test runs it alone"]
async fn thousand_concurrent_searches() {
    let harness = Harness::start().await;
    let session = harness
        .pgo
        .run_flow(
            &harness.endpoints(),
            &scope_for(DELINDE, None),
            ADULT,
            ConsentChoice::Allow,
        )
        .await
        .unwrap();
    let token = Arc::new(session.token.access_token);
    // NOTE: one client means one HTTP/2 connection, which the gateway limits to 200 concurrent
    // streams, so at most 200 searches wait for the 8 AORTA slots of the GP system at a time.
    // Spread over more connections, the queue passes the 20 s AORTA deadline and searches get 504.
    let client = harness.back_client(Some(PGO));
    let url = Arc::new(format!("{}{EPISODES}", harness.gateway.back_url));

    // The reference answer: one search without latency.
    let reference = search(&client, &url, &token, 0).await;
    assert_eq!(reference.status, 200, "{}", reference.body);
    let (expected_total, expected_matches) = bundle_counts(&reference.body);
    assert!(expected_total > 0, "{}", reference.body);

    harness
        .sims
        .lsp_faults
        .set(Some(Fault::Latency(LSP_LATENCY)));
    let rss_before = proc_status_kib("VmHWM");
    let started = Instant::now();
    let tasks: Vec<_> = (1..=CONCURRENT_SEARCHES)
        .map(|index| {
            let client = client.clone();
            let url = url.clone();
            let token = token.clone();
            tokio::spawn(async move { search(&client, &url, &token, index).await })
        })
        .collect();
    let mut answers = Vec::with_capacity(tasks.len());
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    let wall = started.elapsed();
    let rss_after = proc_status_kib("VmHWM");
    harness.sims.lsp_faults.clear();

    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for answer in &answers {
        *statuses.entry(answer.status).or_default() += 1;
    }
    let mut latencies: Vec<Duration> = answers.iter().map(|answer| answer.latency).collect();
    latencies.sort();
    let growth_kib = rss_after.saturating_sub(rss_before);
    println!(
        "load: {CONCURRENT_SEARCHES} searches of {} bytes, LSP latency {} ms: wall {:.2} s, p50 {} ms, \
         p99 {} ms, max {} ms, statuses {statuses:?}, VmHWM {rss_before} -> {rss_after} KiB \
         (growth {} MiB)",
        reference.body.len(),
        LSP_LATENCY.as_millis(),
        wall.as_secs_f64(),
        percentile(&latencies, 0.50).as_millis(),
        percentile(&latencies, 0.99).as_millis(),
        latencies[latencies.len() - 1].as_millis(),
        growth_kib / 1024,
    );

    assert_eq!(
        statuses.get(&200).copied().unwrap_or(0),
        CONCURRENT_SEARCHES,
        "not every search succeeded: {statuses:?}"
    );
    for answer in &answers {
        assert!(!answer.body.contains(ADULT), "a response contains the BSN");
        assert_eq!(
            bundle_counts(&answer.body),
            (expected_total, expected_matches)
        );
    }
    let slowest = latencies[latencies.len() - 1];
    assert!(
        slowest < MEDMIJ_LIMIT,
        "the slowest search took {slowest:?}, beyond the MedMij limit of {MEDMIJ_LIMIT:?}"
    );
    assert!(
        wall < MEDMIJ_LIMIT,
        "the batch took {wall:?}, beyond the MedMij limit of {MEDMIJ_LIMIT:?}"
    );
    assert!(
        growth_kib < MAX_RSS_GROWTH_KIB,
        "peak RSS grew by {growth_kib} KiB, more than {MAX_RSS_GROWTH_KIB} KiB"
    );

    // The admin listener counts every search, the reference search included.
    let metrics = harness
        .browser()
        .get(format!("{}/metrics", harness.gateway.admin_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let expected_count = format!(
        "lspplus_fhir_requests_total{{search=\"49/EpisodeOfCare\",status=\"200\"}} {}",
        CONCURRENT_SEARCHES + 1
    );
    assert!(metrics.contains(&expected_count), "{metrics}");

    // The AORTA client reports per GP system: queries, and the breaker that stayed closed. The
    // availability check during the flow sent one episodes query too.
    let expected_queries = format!(
        "lspplus_aorta_queries_total{{his=\"4001\",interaction=\"REPC_IN990110NL\",outcome=\"ok\"}} {}",
        CONCURRENT_SEARCHES + 2
    );
    assert!(metrics.contains(&expected_queries), "{metrics}");
    assert!(
        metrics.contains("lspplus_aorta_breaker_state{his=\"4001\",state=\"closed\"} 1"),
        "{metrics}"
    );
    harness.stop().await;
}
