//! The interface between the SOAP server and the data it serves: one query in, one answer message out.

use common::Bsn;
use hl7v3::query::ReceivedQuery;
use hl7v3::{Ii, Interaction};
use time::OffsetDateTime;

use crate::DemoPerson;
use crate::period::{self, Period};

/// The facts of a received query that an answer must echo or swap.
#[derive(Debug, Clone)]
pub struct QueryContext {
    /// Transmission wrapper `id` of the query, echoed in `acknowledgement/targetMessage/id`.
    pub message_id: Ii,
    /// `queryByParameter/queryId` of the query, echoed in `queryAck/queryId` when present.
    pub query_id: Option<Ii>,
    /// AORTA application id of the querying system, which becomes the answer's receiver.
    pub sender_app_id: String,
    /// AORTA application id the query was addressed to (the GP system), which becomes the answer's sender.
    pub receiver_app_id: String,
    /// The patient asked for.
    pub bsn: Bsn,
    /// Time of the answer, written as `creationTime`.
    pub now: OffsetDateTime,
}

impl QueryContext {
    /// Takes the ids, addresses and patient of a parsed query; `now` becomes the answer's `creationTime`.
    pub fn from_received(query: &ReceivedQuery, now: OffsetDateTime) -> Self {
        Self {
            message_id: query.message_id.clone(),
            query_id: query.query_id.clone(),
            sender_app_id: query.sender_app_id.clone(),
            receiver_app_id: query.receiver_app_id.clone(),
            bsn: query.bsn.clone(),
            now,
        }
    }
}

/// A source of answer messages for the SOAP server.
pub trait AnswerSource: Send + Sync {
    /// Builds the answer interaction element (transmission and ControlAct wrappers included) to a
    /// query. `interaction` may be the query or its answer interaction. A patient without data of
    /// that kind gets an answer with `queryResponseCode` `NF`. Returns `None` when the source does
    /// not serve that interaction or does not know the addressed application id.
    fn answer(&self, interaction: Interaction, query: &QueryContext) -> Option<String>;

    /// Builds the answer like [`answer`](Self::answer), then leaves out the items whose dates lie
    /// outside `period`, the query's `queryByParameter/effectiveTime` ([`ReceivedQuery::period`]).
    /// Items without a date are kept. An answer that cannot be parsed again is returned unfiltered.
    fn answer_in_period(
        &self,
        interaction: Interaction,
        query: &QueryContext,
        period: Option<&Period>,
    ) -> Option<String> {
        let answer = self.answer(interaction, query)?;
        let Some(period) = period else {
            return Some(answer);
        };
        match period::filter(&answer, period) {
            Ok(kept) => Some(kept),
            Err(error) => {
                tracing::warn!(%interaction, %error, "filtering the answer by the query period failed, returning it unfiltered");
                Some(answer)
            }
        }
    }

    /// Returns the persons this source has data for, for printing and for the DigiD login list.
    fn persons(&self) -> Vec<DemoPerson> {
        Vec::new()
    }
}
