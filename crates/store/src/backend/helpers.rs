//! Row conversions shared by the store macros.

/// Generates the inherent helpers: consent loading and row conversions.
macro_rules! impl_helpers {
    ($store:ty, $conn:ty, $row:ty) => {
        impl $store {
            fn consent_from_row(&self, row: &$row) -> Result<$crate::Consent, $crate::StoreError> {
                use sqlx::Row;
                let duration: String = row.try_get("duration")?;
                let bsn_enc: Vec<u8> = row.try_get("bsn_enc")?;
                Ok($crate::Consent {
                    id: row.try_get("id")?,
                    client_id: row.try_get("client_id")?,
                    aanbieder: row.try_get("aanbieder")?,
                    gegevensdiensten: $crate::ids_from_text(
                        &row.try_get::<String, _>("gegevensdiensten")?,
                    ),
                    bsn: self.cipher.decrypt(&bsn_enc)?,
                    duration: medmij::lifecycle::ConsentDuration::from_key(&duration).ok_or_else(
                        || $crate::StoreError::Corrupt(format!("consent duration {duration:?}")),
                    )?,
                    correlation_id: row.try_get("correlation_id")?,
                    given_at: $crate::from_micros(row.try_get("given_at")?)?,
                    last_used_at: $crate::from_micros(row.try_get("last_used_at")?)?,
                    revoked_at: $crate::from_micros_opt(row.try_get("revoked_at")?)?,
                })
            }

            async fn load_consent(
                &self,
                conn: &mut $conn,
                id: i64,
            ) -> Result<Option<$crate::Consent>, $crate::StoreError> {
                let row = sqlx::query("SELECT * FROM consents WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
                row.map(|row| self.consent_from_row(&row)).transpose()
            }

            fn code_from_row(row: &$row) -> Result<$crate::CodeRecord, $crate::StoreError> {
                use sqlx::Row;
                Ok($crate::CodeRecord {
                    hash: row.try_get("hash")?,
                    consent_id: row.try_get("consent_id")?,
                    client_id: row.try_get("client_id")?,
                    redirect_uri: row.try_get("redirect_uri")?,
                    gegevensdiensten: $crate::ids_from_text(
                        &row.try_get::<String, _>("gegevensdiensten")?,
                    ),
                    correlation_id: row.try_get("correlation_id")?,
                    issued_at: $crate::from_micros(row.try_get("issued_at")?)?,
                    expires_at: $crate::from_micros(row.try_get("expires_at")?)?,
                    used_at: $crate::from_micros_opt(row.try_get("used_at")?)?,
                    access_token_hash: row.try_get("access_token_hash")?,
                    refresh_token_hash: row.try_get("refresh_token_hash")?,
                })
            }

            async fn load_code(
                conn: &mut $conn,
                hash: &str,
            ) -> Result<Option<$crate::CodeRecord>, $crate::StoreError> {
                let row = sqlx::query("SELECT * FROM codes WHERE hash = $1")
                    .bind(hash)
                    .fetch_optional(&mut *conn)
                    .await?;
                row.map(|row| Self::code_from_row(&row)).transpose()
            }
        }
    };
}
