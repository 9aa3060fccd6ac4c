//! MedMij stelselnode simulator: serves the OAuth Client List, Whitelist, Gegevensdienstnamenlijst and Zorgaanbiederslijst.

#![forbid(unsafe_code)]
