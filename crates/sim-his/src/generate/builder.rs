//! A builder for synthetic records with dates given in days before the day of generation.

use time::{Date, Duration, PrimitiveDateTime, Time};

use super::model::{
    Alert, ClinicalData, Consultation, Episode, GStandaard, GStandaardCode, Intolerance, Letter,
    LetterStatus, Measurement, MedicationAgreement, ResultValue,
};
use super::pdf;

/// A G-Standaard product: PRK code and name, GPK code and name.
pub(super) type Product = (&'static str, &'static str, &'static str, &'static str);

/// A result code and display name from NHG table 45 ("Codes diagnostische bepalingen").
pub(super) type Nhg45 = (&'static str, &'static str);

/// The SOEP lines of one consultation.
pub(super) type Soep = [&'static str; 4];

pub(super) struct RecordBuilder {
    today: Date,
    prefix: &'static str,
    counter: u32,
    data: ClinicalData,
}

impl RecordBuilder {
    /// Starts a record whose local ids start with `prefix`.
    pub(super) fn new(today: Date, prefix: &'static str) -> Self {
        Self {
            today,
            prefix,
            counter: 0,
            data: ClinicalData::default(),
        }
    }

    fn next_id(&mut self) -> String {
        self.counter += 1;
        format!("{}-{:04}", self.prefix, self.counter)
    }

    /// Returns the date `days` days before today.
    pub(super) fn days_ago(&self, days: i64) -> Date {
        self.today.saturating_sub(Duration::days(days))
    }

    /// Adds an episode and returns its index.
    pub(super) fn episode(
        &mut self,
        title: &str,
        icpc: (&str, &str),
        started_days_ago: i64,
        ended_days_ago: Option<i64>,
        attentiewaarde: bool,
    ) -> usize {
        let id = self.next_id();
        let episode = Episode {
            id,
            title: title.to_owned(),
            icpc: icpc.0.to_owned(),
            icpc_display: icpc.1.to_owned(),
            start: self.days_ago(started_days_ago),
            end: ended_days_ago.map(|days| self.days_ago(days)),
            attentiewaarde,
        };
        self.data.episodes.push(episode);
        self.data.episodes.len() - 1
    }

    /// Adds a consultation (NHG table 14 `03` consult, or `01` visite when `visit`) at 09:00 plus
    /// `slot` quarters of an hour, and returns its index.
    pub(super) fn consultation(
        &mut self,
        days_ago: i64,
        slot: u8,
        visit: bool,
        episode: Option<usize>,
        soep: Soep,
    ) -> usize {
        let id = self.next_id();
        let minutes = i64::from(slot) * 15;
        let start = PrimitiveDateTime::new(self.days_ago(days_ago), Time::MIDNIGHT)
            + Duration::hours(9)
            + Duration::minutes(minutes);
        let (contact_code, contact_display) = if visit {
            ("01", "visite")
        } else {
            ("03", "consult")
        };
        let [subjective, objective, evaluation, plan] = soep.map(str::to_owned);
        self.data.consultations.push(Consultation {
            id,
            start,
            minutes: if visit { 30 } else { 10 },
            contact_code: contact_code.to_owned(),
            contact_display: contact_display.to_owned(),
            episode,
            subjective,
            objective,
            evaluation,
            plan,
            diagnosis: None,
        });
        self.data.consultations.len() - 1
    }

    /// Adds a quantity result; `lab` chooses a lab result over a general measurement.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn quantity(
        &mut self,
        lab: bool,
        code: Nhg45,
        days_ago: i64,
        value: &str,
        unit: &str,
        range: (Option<&str>, Option<&str>),
        episode: Option<usize>,
        consultation: Option<usize>,
    ) {
        let value = ResultValue::Quantity {
            value: value.to_owned(),
            unit: unit.to_owned(),
        };
        let range = Some((range.0.map(str::to_owned), range.1.map(str::to_owned)));
        self.result(lab, code, days_ago, value, range, episode, consultation);
    }

    /// Adds a coded lab result with a code from the NHG table 45 result codes.
    pub(super) fn coded_lab(
        &mut self,
        code: Nhg45,
        days_ago: i64,
        result: Nhg45,
        episode: Option<usize>,
    ) {
        let value = ResultValue::Coded {
            code: result.0.to_owned(),
            display: result.1.to_owned(),
        };
        self.result(true, code, days_ago, value, None, episode, None);
    }

    #[allow(clippy::too_many_arguments)]
    fn result(
        &mut self,
        lab: bool,
        (code, display): Nhg45,
        days_ago: i64,
        value: ResultValue,
        reference_range: Option<(Option<String>, Option<String>)>,
        episode: Option<usize>,
        consultation: Option<usize>,
    ) {
        let measurement = Measurement {
            id: self.next_id(),
            code: code.to_owned(),
            display: display.to_owned(),
            date: self.days_ago(days_ago),
            value,
            reference_range,
            episode,
            consultation,
        };
        if lab {
            self.data.lab_results.push(measurement);
        } else {
            self.data.measurements.push(measurement);
        }
    }

    /// Adds a medication agreement; `ended_days_ago` `None` means "tot nader order".
    pub(super) fn medication(
        &mut self,
        (prk, prk_display, gpk, gpk_display): Product,
        started_days_ago: i64,
        ended_days_ago: Option<i64>,
        times_per_day: u8,
        episode: Option<usize>,
    ) {
        let agreement = MedicationAgreement {
            id: self.next_id(),
            product: vec![
                GStandaardCode::new(GStandaard::Prk, prk, prk_display),
                GStandaardCode::new(GStandaard::Gpk, gpk, gpk_display),
            ],
            start: self.days_ago(started_days_ago),
            end: ended_days_ago.map(|days| self.days_ago(days)),
            times_per_day,
            episode,
            consultation: None,
        };
        self.data.medication.push(agreement);
    }

    /// Adds a medication intolerance for a G-Standaard Thesaurus 122 group.
    pub(super) fn intolerance(
        &mut self,
        group: (&str, &str),
        started_days_ago: i64,
        ended_days_ago: Option<i64>,
    ) {
        let intolerance = Intolerance {
            id: self.next_id(),
            substance: GStandaardCode::new(GStandaard::Thesaurus122, group.0, group.1),
            start: self.days_ago(started_days_ago),
            end: ended_days_ago.map(|days| self.days_ago(days)),
        };
        self.data.intolerances.push(intolerance);
    }

    /// Adds an alert coded in G-Standaard Thesaurus 40.
    pub(super) fn alert(&mut self, code: (&str, &str)) {
        let alert = Alert {
            id: self.next_id(),
            code: code.0.to_owned(),
            display: code.1.to_owned(),
        };
        self.data.alerts.push(alert);
    }

    /// Adds a letter with a one-page PDF that shows the title, sender, date and `body` lines.
    pub(super) fn letter(
        &mut self,
        days_ago: i64,
        title: &str,
        loinc: (&str, &str),
        sender: &str,
        episode: Option<usize>,
        body: &[&str],
    ) {
        let date = self.days_ago(days_ago);
        let dated = format!("Datum: {date}");
        let from = format!("Van: {sender}");
        let mut lines = vec![
            title,
            "TESTDOCUMENT - fictieve gegevens",
            from.as_str(),
            dated.as_str(),
            "",
        ];
        lines.extend_from_slice(body);
        let letter = Letter {
            id: self.next_id(),
            date,
            title: title.to_owned(),
            loinc: loinc.0.to_owned(),
            loinc_display: loinc.1.to_owned(),
            sender: sender.to_owned(),
            episode,
            status: LetterStatus::Current,
            pdf: pdf::one_page(&lines),
        };
        self.data.letters.push(letter);
    }

    pub(super) fn finish(self) -> ClinicalData {
        self.data
    }
}
