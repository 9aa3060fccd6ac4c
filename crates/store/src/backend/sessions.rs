//! Authorization sessions.

/// Implements [`crate::SessionStore`].
macro_rules! impl_session_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::SessionStore for $store {
            async fn put_session(
                &self,
                session: &$crate::AuthSession,
            ) -> Result<(), $crate::StoreError> {
                let request_json = serde_json::to_string(&session.request)
                    .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                let bsn_enc = match &session.bsn {
                    Some(bsn) => Some(self.cipher.encrypt(bsn)?),
                    None => None,
                };
                sqlx::query(
                    "INSERT INTO auth_sessions (id_hash, request_json, csrf_token, saml_request_id, \
                     bsn_enc, stage, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (id_hash) DO UPDATE SET request_json = excluded.request_json, \
                     csrf_token = excluded.csrf_token, saml_request_id = excluded.saml_request_id, \
                     bsn_enc = excluded.bsn_enc, stage = excluded.stage, \
                     expires_at = excluded.expires_at",
                )
                .bind(medmij::secret::hash(&session.id))
                .bind(request_json)
                .bind(&session.csrf_token)
                .bind(&session.saml_request_id)
                .bind(bsn_enc)
                .bind(&session.stage)
                .bind($crate::to_micros(session.created_at))
                .bind($crate::to_micros(session.expires_at))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn get_session(
                &self,
                id: &str,
                now: time::OffsetDateTime,
            ) -> Result<Option<$crate::AuthSession>, $crate::StoreError> {
                use sqlx::Row;
                let row = sqlx::query("SELECT * FROM auth_sessions WHERE id_hash = $1 AND expires_at > $2")
                    .bind(medmij::secret::hash(id))
                    .bind($crate::to_micros(now))
                    .fetch_optional(&self.pool)
                    .await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let request_json: String = row.try_get("request_json")?;
                let bsn_enc: Option<Vec<u8>> = row.try_get("bsn_enc")?;
                Ok(Some($crate::AuthSession {
                    id: id.to_owned(),
                    request: serde_json::from_str(&request_json)
                        .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?,
                    csrf_token: row.try_get("csrf_token")?,
                    saml_request_id: row.try_get("saml_request_id")?,
                    bsn: bsn_enc.map(|enc| self.cipher.decrypt(&enc)).transpose()?,
                    stage: row.try_get("stage")?,
                    created_at: $crate::from_micros(row.try_get("created_at")?)?,
                    expires_at: $crate::from_micros(row.try_get("expires_at")?)?,
                }))
            }

            async fn delete_session(&self, id: &str) -> Result<bool, $crate::StoreError> {
                let result = sqlx::query("DELETE FROM auth_sessions WHERE id_hash = $1")
                    .bind(medmij::secret::hash(id))
                    .execute(&self.pool)
                    .await?;
                Ok(result.rows_affected() == 1)
            }

            async fn purge_expired_sessions(
                &self,
                now: time::OffsetDateTime,
            ) -> Result<u64, $crate::StoreError> {
                let result = sqlx::query("DELETE FROM auth_sessions WHERE expires_at <= $1")
                    .bind($crate::to_micros(now))
                    .execute(&self.pool)
                    .await?;
                Ok(result.rows_affected())
            }
        }
    };
}
