//! One module per OPEN data category.

pub(crate) mod documents;
pub(crate) mod episodes;
pub(crate) mod intolerances;
pub(crate) mod journal;
pub(crate) mod medication;
pub(crate) mod results;
