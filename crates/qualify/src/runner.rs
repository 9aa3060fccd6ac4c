//! Runs one TestScript: resolves variables and fixtures, sends the operations and evaluates the
//! asserts in order.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use time::Date;

use crate::asserts::{AssertContext, Verdict, evaluate};
use crate::catalog::ScriptFile;
use crate::http::{self, Request, Response};
use crate::report::{AssertOutcome, ScriptResult, Status};
use crate::script::{Action, Operation, TestScript};
use crate::{QualifyError, fhirpath, script, vars};

/// Bearer tokens to use instead of the Nictiz mock tokens in the scripts.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    /// A token for every patient.
    pub default: Option<String>,
    /// Tokens per patient family name as used in the script variables (`XXX_Cevat`).
    pub per_patient: Vec<(String, String)>,
}

impl Tokens {
    /// Reads `--token` values: `TOKEN` for every patient or `XXX_Name=TOKEN` for one.
    pub fn from_args(args: &[String]) -> Self {
        let mut tokens = Tokens::default();
        for arg in args {
            match arg.split_once('=') {
                Some((patient, token)) if patient.starts_with("XXX_") => {
                    tokens
                        .per_patient
                        .push((patient.to_owned(), token.to_owned()));
                }
                _ => tokens.default = Some(arg.clone()),
            }
        }
        tokens
    }

    /// The `Authorization` value for script variable `patient-token-<name>`, if overridden.
    fn for_variable(&self, variable: &str) -> Option<String> {
        let patient = variable.strip_prefix("patient-token-")?;
        let token = self
            .per_patient
            .iter()
            .find(|(name, _)| name == patient)
            .map(|(_, token)| token)
            .or(self.default.as_ref())?;
        Some(if token.starts_with("Bearer ") {
            token.clone()
        } else {
            format!("Bearer {token}")
        })
    }
}

/// Settings of a run.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// The FHIR base URL, without a trailing slash.
    pub base_url: String,
    /// Token overrides.
    pub tokens: Tokens,
    /// The date `${CURRENTDATE}` stands for.
    pub today: Date,
}

/// Runs scripts with one HTTP client.
#[derive(Debug, Clone)]
pub struct Runner {
    config: RunnerConfig,
    client: reqwest::Client,
}

impl Runner {
    /// A runner sending through `client` (see `tls::http_client` for mutual TLS).
    pub fn new(mut config: RunnerConfig, client: reqwest::Client) -> Self {
        config.base_url = config.base_url.trim_end_matches('/').to_owned();
        Runner { config, client }
    }

    /// Loads and runs one script file.
    pub async fn run_file(&self, file: &ScriptFile) -> ScriptResult {
        let script = match script::load(&file.path) {
            Ok(script) => script,
            Err(error) => {
                return ScriptResult {
                    name: file.name.clone(),
                    title: String::new(),
                    asserts: Vec::new(),
                    error: Some(error.to_string()),
                };
            }
        };
        let dir = file.path.parent().unwrap_or(Path::new("."));
        self.run(&script, dir, &file.name).await
    }

    /// Runs a parsed script; `dir` is the folder fixture references are relative to.
    pub async fn run(&self, script: &TestScript, dir: &Path, name: &str) -> ScriptResult {
        let mut result = ScriptResult {
            name: name.to_owned(),
            title: script.title.clone(),
            asserts: Vec::new(),
            error: None,
        };
        let mut state = State {
            runner: self,
            script,
            values: HashMap::new(),
            responses: HashMap::new(),
            fixtures: HashMap::new(),
            last: None,
        };
        if let Err(error) = state.prepare(dir) {
            result.error = Some(error.to_string());
            return result;
        }
        tracing::info!(script = name, "running TestScript");
        let setup_ok = state
            .run_actions("setup", &script.setup, &mut result.asserts)
            .await;
        if !setup_ok {
            result.error = Some("setup failed".into());
        } else {
            for test in &script.tests {
                state.last = None;
                state
                    .run_actions(&test.id, &test.actions, &mut result.asserts)
                    .await;
            }
        }
        state
            .run_actions("teardown", &script.teardown, &mut result.asserts)
            .await;
        result
    }
}

/// The state of one script run.
struct State<'r> {
    runner: &'r Runner,
    script: &'r TestScript,
    values: HashMap<String, String>,
    responses: HashMap<String, Response>,
    fixtures: HashMap<String, Value>,
    last: Option<Response>,
}

impl State<'_> {
    /// Resolves the variables with default values and loads the fixtures.
    fn prepare(&mut self, dir: &Path) -> Result<(), QualifyError> {
        for variable in &self.script.variables {
            if let Some(token) = self.runner.config.tokens.for_variable(&variable.name) {
                self.values.insert(variable.name.clone(), token);
                continue;
            }
            if let Some(default) = &variable.default_value {
                let value = self.substitute(default)?;
                self.values.insert(variable.name.clone(), value);
            }
        }
        for fixture in &self.script.fixtures {
            let value = self.load_fixture(dir, &fixture.id, &fixture.reference)?;
            self.fixtures.insert(fixture.id.clone(), value);
        }
        Ok(())
    }

    /// Reads a fixture, falling back to the XML file when the JSON copy is absent, with
    /// `${...}` substituted.
    fn load_fixture(&self, dir: &Path, id: &str, reference: &str) -> Result<Value, QualifyError> {
        let path = dir.join(reference);
        let xml_path = path.with_extension("xml");
        let chosen = if path.is_file() { path } else { xml_path };
        let text = std::fs::read_to_string(&chosen).map_err(|source| QualifyError::Read {
            path: chosen.clone(),
            source,
        })?;
        let text = self.substitute(&text)?;
        let fixture_error = |message: String| QualifyError::Fixture {
            id: id.to_owned(),
            message,
        };
        match http::parse_fhir(text.as_bytes(), None) {
            Ok(Some(value)) => Ok(value),
            Ok(None) => Err(fixture_error(format!("{} is not FHIR", chosen.display()))),
            Err(error) => Err(fixture_error(format!("{}: {error}", chosen.display()))),
        }
    }

    fn substitute(&self, text: &str) -> Result<String, QualifyError> {
        let mut lookup = |name: &str| self.lookup(name);
        vars::substitute(text, self.runner.config.today, &mut lookup)
    }

    /// The value of a named variable: a resolved default, or an expression or header of a
    /// response or fixture that is available by now.
    fn lookup(&self, name: &str) -> Result<Option<String>, QualifyError> {
        if let Some(value) = self.values.get(name) {
            return Ok(Some(value.clone()));
        }
        let Some(variable) = self.script.variables.iter().find(|v| v.name == name) else {
            return Ok(None);
        };
        let source = variable.source_id.as_deref();
        let response = match source {
            Some(id) => self.responses.get(id),
            None => self.last.as_ref(),
        };
        if let Some(field) = &variable.header_field {
            let value = response.and_then(|r| r.header(field)).map(str::to_owned);
            return value.map(Some).ok_or_else(|| {
                QualifyError::Variable(format!(
                    "variable {name}: no header {field} in the source response"
                ))
            });
        }
        let Some(expression) = &variable.expression else {
            return Ok(None);
        };
        let resource = source
            .and_then(|id| self.fixtures.get(id))
            .or_else(|| response.and_then(|r| r.resource.as_ref()))
            .ok_or_else(|| {
                QualifyError::Variable(format!(
                    "variable {name}: source {} has no FHIR resource",
                    source.unwrap_or("(last response)")
                ))
            })?;
        let values = fhirpath::evaluate_to_strings(expression, resource)?;
        values.into_iter().next().map(Some).ok_or_else(|| {
            QualifyError::Variable(format!("variable {name}: the expression returned no value"))
        })
    }

    /// Runs the actions of one test; returns false when an operation or a non-warning assert
    /// failed.
    async fn run_actions(
        &mut self,
        test: &str,
        actions: &[Action],
        out: &mut Vec<AssertOutcome>,
    ) -> bool {
        let mut ok = true;
        let mut stopped: Option<String> = None;
        for action in actions {
            if let Some(reason) = &stopped {
                if let Action::Assert(assert) = action {
                    out.push(AssertOutcome {
                        test: test.to_owned(),
                        description: assert.description.clone().unwrap_or_default(),
                        status: Status::Skipped,
                        message: reason.clone(),
                    });
                }
                continue;
            }
            match action {
                Action::Operation(operation) => {
                    if let Err(message) = self.operation(operation).await {
                        ok = false;
                        out.push(AssertOutcome {
                            test: test.to_owned(),
                            description: operation
                                .description
                                .clone()
                                .unwrap_or_else(|| format!("{} operation", operation.code)),
                            status: Status::Fail,
                            message: message.clone(),
                        });
                        stopped = Some(format!(
                            "not evaluated because the operation failed: {message}"
                        ));
                    }
                }
                Action::Assert(assert) => {
                    let ctx = AssertContext {
                        last: self.last.as_ref(),
                        responses: &self.responses,
                        fixtures: &self.fixtures,
                        profiles: &self.script.profiles,
                    };
                    let (status, message) = match evaluate(assert, &ctx) {
                        Verdict::Pass => (Status::Pass, String::new()),
                        Verdict::Skip(reason) => (Status::Skipped, reason),
                        Verdict::Fail(reason) if assert.warning_only => (Status::Warning, reason),
                        Verdict::Fail(reason) => (Status::Fail, reason),
                    };
                    if status == Status::Fail {
                        ok = false;
                        if assert.stop_test_on_fail {
                            stopped = Some(
                                "not evaluated because an earlier assert stopped the test".into(),
                            );
                        }
                    }
                    out.push(AssertOutcome {
                        test: test.to_owned(),
                        description: assert.description.clone().unwrap_or_default(),
                        status,
                        message,
                    });
                }
            }
        }
        ok
    }

    /// Sends one operation and keeps its response.
    async fn operation(&mut self, operation: &Operation) -> Result<(), String> {
        let request = self.request(operation).map_err(|e| e.to_string())?;
        tracing::debug!(method = %request.method, url = %request.url, "sending TestScript operation");
        let response = http::send(&self.runner.client, request).await?;
        if let Some(id) = &operation.response_id {
            self.responses.insert(id.clone(), response.clone());
        }
        self.last = Some(response);
        Ok(())
    }

    fn request(&self, operation: &Operation) -> Result<Request, QualifyError> {
        let base = &self.runner.config.base_url;
        let code = operation.code.as_str();
        let method = match code {
            "transaction" | "batch" | "create" | "post" => reqwest::Method::POST,
            "update" | "put" => reqwest::Method::PUT,
            "delete" => reqwest::Method::DELETE,
            "patch" => reqwest::Method::PATCH,
            _ => reqwest::Method::GET,
        };
        let url = if let Some(url) = &operation.url {
            let url = self.substitute(url)?;
            if url.starts_with("http://") || url.starts_with("https://") {
                url
            } else {
                format!("{base}/{}", url.trim_start_matches('/'))
            }
        } else if matches!(code, "transaction" | "batch") {
            base.clone()
        } else {
            let mut url = base.clone();
            if let Some(resource) = &operation.resource {
                url.push('/');
                url.push_str(resource);
            }
            if let Some(params) = &operation.params {
                url.push_str(&self.substitute(params)?);
            }
            url
        };

        let mut headers = Vec::new();
        if let Some(accept) = operation.accept.as_deref().and_then(media_type) {
            headers.push(("Accept".to_owned(), accept.to_owned()));
        }
        for (field, value) in &operation.request_headers {
            headers.push((field.clone(), self.substitute(value)?));
        }
        let body = match &operation.source_id {
            Some(source_id) => {
                let resource = self
                    .fixtures
                    .get(source_id)
                    .or_else(|| {
                        self.responses
                            .get(source_id)
                            .and_then(|r| r.resource.as_ref())
                    })
                    .ok_or_else(|| QualifyError::Fixture {
                        id: source_id.clone(),
                        message: "not found for the request body".into(),
                    })?;
                let format = operation.content_type.as_deref().unwrap_or("json");
                let content_type = media_type(format).unwrap_or("application/fhir+json");
                headers.push(("Content-Type".to_owned(), content_type.to_owned()));
                Some(
                    body_of(resource, format).map_err(|message| QualifyError::Fixture {
                        id: source_id.clone(),
                        message,
                    })?,
                )
            }
            None => None,
        };
        Ok(Request {
            method,
            url,
            headers,
            body,
        })
    }
}

fn media_type(format: &str) -> Option<&'static str> {
    match format {
        "json" => Some("application/fhir+json"),
        "xml" => Some("application/fhir+xml"),
        _ => None,
    }
}

fn body_of(resource: &Value, format: &str) -> Result<Vec<u8>, String> {
    if format == "xml" {
        let parsed = fhir::Resource::from_json(&resource.to_string()).map_err(|e| e.to_string())?;
        return Ok(parsed.to_xml().into_bytes());
    }
    Ok(resource.to_string().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_per_patient_and_default() {
        let tokens = Tokens::from_args(&["XXX_Cevat=abc".into(), "Bearer def".into()]);
        assert_eq!(
            tokens.for_variable("patient-token-XXX_Cevat").as_deref(),
            Some("Bearer abc")
        );
        assert_eq!(
            tokens.for_variable("patient-token-XXX_Baltus").as_deref(),
            Some("Bearer def")
        );
        assert_eq!(tokens.for_variable("X-Correlation-ID"), None);
        assert_eq!(
            Tokens::default().for_variable("patient-token-XXX_Cevat"),
            None
        );
    }
}
