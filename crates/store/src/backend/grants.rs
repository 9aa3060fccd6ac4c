//! Consents, codes and tokens.

/// Implements [`crate::GrantStore`].
macro_rules! impl_grant_store {
    ($store:ty, $conn:ty) => {
        impl $store {
            #[allow(clippy::too_many_arguments)]
            async fn insert_access_token(
                conn: &mut $conn,
                hash: &str,
                consent_id: i64,
                client_id: &str,
                gegevensdiensten: &str,
                correlation_id: Option<&str>,
                issued_at: i64,
                expires_at: i64,
            ) -> Result<(), $crate::StoreError> {
                sqlx::query(
                    "INSERT INTO access_tokens (hash, consent_id, client_id, gegevensdiensten, \
                     correlation_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(hash)
                .bind(consent_id)
                .bind(client_id)
                .bind(gegevensdiensten)
                .bind(correlation_id)
                .bind(issued_at)
                .bind(expires_at)
                .execute(&mut *conn)
                .await
                .map_err($crate::StoreError::from_insert)?;
                Ok(())
            }

            /// Revokes the tokens issued from a replayed code; returns how many were revoked.
            async fn revoke_code_tokens(
                conn: &mut $conn,
                code: &$crate::CodeRecord,
                now: i64,
            ) -> Result<u64, $crate::StoreError> {
                let mut revoked = 0;
                if let Some(hash) = &code.access_token_hash {
                    revoked += sqlx::query(
                        "UPDATE access_tokens SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL",
                    )
                    .bind(now)
                    .bind(hash)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
                }
                if let Some(hash) = &code.refresh_token_hash {
                    revoked += sqlx::query(
                        "UPDATE refresh_tokens SET revoked_at = $1 WHERE hash = $2 AND revoked_at IS NULL",
                    )
                    .bind(now)
                    .bind(hash)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
                }
                Ok(revoked)
            }
        }

        #[async_trait::async_trait]
        impl $crate::GrantStore for $store {
            async fn issue_code(
                &self,
                consent: &$crate::NewConsent,
                code: &$crate::NewCode,
            ) -> Result<$crate::Consent, $crate::StoreError> {
                use sqlx::Row;
                let gegevensdiensten = $crate::ids_to_text(&consent.gegevensdiensten);
                let given_at = $crate::to_micros(consent.given_at);
                let mut tx = self.pool.begin().await?;
                let row = sqlx::query(
                    "INSERT INTO consents (client_id, aanbieder, gegevensdiensten, bsn_enc, bsn_lookup, \
                     duration, correlation_id, given_at, last_used_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
                )
                .bind(&consent.client_id)
                .bind(&consent.aanbieder)
                .bind(&gegevensdiensten)
                .bind(self.cipher.encrypt(&consent.bsn)?)
                .bind(self.cipher.lookup(&consent.bsn))
                .bind(consent.duration.as_str())
                .bind(&consent.correlation_id)
                .bind(given_at)
                .fetch_one(&mut *tx)
                .await?;
                let id: i64 = row.try_get("id")?;
                sqlx::query(
                    "INSERT INTO codes (hash, consent_id, client_id, redirect_uri, gegevensdiensten, \
                     correlation_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&code.hash)
                .bind(id)
                .bind(&consent.client_id)
                .bind(&code.redirect_uri)
                .bind(&gegevensdiensten)
                .bind(&consent.correlation_id)
                .bind($crate::to_micros(code.issued_at))
                .bind($crate::to_micros(code.expires_at))
                .execute(&mut *tx)
                .await
                .map_err($crate::StoreError::from_insert)?;
                tx.commit().await?;
                Ok($crate::Consent {
                    id,
                    client_id: consent.client_id.clone(),
                    aanbieder: consent.aanbieder.clone(),
                    gegevensdiensten: consent.gegevensdiensten.clone(),
                    bsn: consent.bsn.clone(),
                    duration: consent.duration,
                    correlation_id: consent.correlation_id.clone(),
                    given_at: $crate::from_micros(given_at)?,
                    last_used_at: $crate::from_micros(given_at)?,
                    revoked_at: None,
                })
            }

            async fn redeem_code(
                &self,
                code_hash: &str,
                client_id: &str,
                redirect_uri: &str,
                tokens: &$crate::NewTokens,
                now: time::OffsetDateTime,
            ) -> Result<$crate::Redemption, $crate::StoreError> {
                let now = $crate::to_micros(now);
                let mut tx = self.pool.begin().await?;
                // The conditional update is the claim: only one transaction can move used_at from
                // NULL, and it starts with a write so SQLite takes the write lock before any read.
                let claimed = sqlx::query(
                    "UPDATE codes SET used_at = $1 WHERE hash = $2 AND used_at IS NULL \
                     AND expires_at > $1 AND client_id = $3 AND redirect_uri = $4 \
                     AND EXISTS (SELECT 1 FROM consents c WHERE c.id = codes.consent_id \
                     AND c.revoked_at IS NULL)",
                )
                .bind(now)
                .bind(code_hash)
                .bind(client_id)
                .bind(redirect_uri)
                .execute(&mut *tx)
                .await?
                .rows_affected();

                let Some(mut code) = Self::load_code(&mut tx, code_hash).await? else {
                    return Ok($crate::Redemption::Unknown);
                };
                let mut consent = self
                    .load_consent(&mut tx, code.consent_id)
                    .await?
                    .ok_or_else(|| $crate::StoreError::Corrupt("code without consent".into()))?;

                if claimed != 1 {
                    if code.used_at.is_some() {
                        let revoked_tokens = Self::revoke_code_tokens(&mut tx, &code, now).await?;
                        tx.commit().await?;
                        return Ok($crate::Redemption::Replayed {
                            code,
                            revoked_tokens,
                        });
                    }
                    return Ok($crate::Redemption::Rejected {
                        consent_revoked: consent.revoked_at.is_some(),
                        code,
                    });
                }

                let gegevensdiensten = $crate::ids_to_text(&code.gegevensdiensten);
                Self::insert_access_token(
                    &mut tx,
                    &tokens.access_hash,
                    code.consent_id,
                    &code.client_id,
                    &gegevensdiensten,
                    code.correlation_id.as_deref(),
                    now,
                    $crate::to_micros(tokens.access_expires_at),
                )
                .await?;
                if let Some(refresh) = &tokens.refresh {
                    sqlx::query(
                        "INSERT INTO refresh_tokens (hash, consent_id, client_id, kind, issued_at, \
                         last_used_at) VALUES ($1, $2, $3, $4, $5, $5)",
                    )
                    .bind(&refresh.hash)
                    .bind(code.consent_id)
                    .bind(&code.client_id)
                    .bind(if refresh.placeholder { "placeholder" } else { "redeemable" })
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::StoreError::from_insert)?;
                }
                let refresh_hash = tokens.refresh.as_ref().map(|refresh| refresh.hash.clone());
                sqlx::query(
                    "UPDATE codes SET access_token_hash = $1, refresh_token_hash = $2 WHERE hash = $3",
                )
                .bind(&tokens.access_hash)
                .bind(&refresh_hash)
                .bind(code_hash)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE consents SET last_used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(code.consent_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;

                code.access_token_hash = Some(tokens.access_hash.clone());
                code.refresh_token_hash = refresh_hash;
                consent.last_used_at = $crate::from_micros(now)?;
                Ok($crate::Redemption::Redeemed { code, consent })
            }

            async fn get_access_token(
                &self,
                hash: &str,
            ) -> Result<Option<$crate::AccessTokenRecord>, $crate::StoreError> {
                use sqlx::Row;
                let mut conn = self.pool.acquire().await?;
                let row = sqlx::query("SELECT * FROM access_tokens WHERE hash = $1")
                    .bind(hash)
                    .fetch_optional(&mut *conn)
                    .await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let consent = self
                    .load_consent(&mut conn, row.try_get("consent_id")?)
                    .await?
                    .ok_or_else(|| $crate::StoreError::Corrupt("token without consent".into()))?;
                Ok(Some($crate::AccessTokenRecord {
                    hash: row.try_get("hash")?,
                    consent,
                    client_id: row.try_get("client_id")?,
                    gegevensdiensten: $crate::ids_from_text(
                        &row.try_get::<String, _>("gegevensdiensten")?,
                    ),
                    correlation_id: row.try_get("correlation_id")?,
                    issued_at: $crate::from_micros(row.try_get("issued_at")?)?,
                    expires_at: $crate::from_micros(row.try_get("expires_at")?)?,
                    revoked_at: $crate::from_micros_opt(row.try_get("revoked_at")?)?,
                }))
            }

            async fn get_refresh_token(
                &self,
                hash: &str,
            ) -> Result<Option<$crate::RefreshTokenRecord>, $crate::StoreError> {
                use sqlx::Row;
                let mut conn = self.pool.acquire().await?;
                let row = sqlx::query("SELECT * FROM refresh_tokens WHERE hash = $1")
                    .bind(hash)
                    .fetch_optional(&mut *conn)
                    .await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let consent = self
                    .load_consent(&mut conn, row.try_get("consent_id")?)
                    .await?
                    .ok_or_else(|| $crate::StoreError::Corrupt("token without consent".into()))?;
                let kind: String = row.try_get("kind")?;
                Ok(Some($crate::RefreshTokenRecord {
                    hash: row.try_get("hash")?,
                    consent,
                    client_id: row.try_get("client_id")?,
                    placeholder: kind == "placeholder",
                    issued_at: $crate::from_micros(row.try_get("issued_at")?)?,
                    last_used_at: $crate::from_micros(row.try_get("last_used_at")?)?,
                    revoked_at: $crate::from_micros_opt(row.try_get("revoked_at")?)?,
                }))
            }

            async fn refresh(
                &self,
                refresh_hash: &str,
                access_hash: &str,
                access_expires_at: time::OffsetDateTime,
                now: time::OffsetDateTime,
            ) -> Result<bool, $crate::StoreError> {
                use sqlx::Row;
                let now = $crate::to_micros(now);
                let mut tx = self.pool.begin().await?;
                let claimed = sqlx::query(
                    "UPDATE refresh_tokens SET last_used_at = $1 WHERE hash = $2 \
                     AND revoked_at IS NULL AND kind = 'redeemable' \
                     AND EXISTS (SELECT 1 FROM consents c WHERE c.id = refresh_tokens.consent_id \
                     AND c.revoked_at IS NULL)",
                )
                .bind(now)
                .bind(refresh_hash)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if claimed != 1 {
                    return Ok(false);
                }
                let row = sqlx::query(
                    "SELECT c.id, c.client_id, c.gegevensdiensten, c.correlation_id \
                     FROM refresh_tokens r JOIN consents c ON c.id = r.consent_id WHERE r.hash = $1",
                )
                .bind(refresh_hash)
                .fetch_one(&mut *tx)
                .await?;
                let consent_id: i64 = row.try_get("id")?;
                let client_id: String = row.try_get("client_id")?;
                let gegevensdiensten: String = row.try_get("gegevensdiensten")?;
                let correlation_id: Option<String> = row.try_get("correlation_id")?;
                Self::insert_access_token(
                    &mut tx,
                    access_hash,
                    consent_id,
                    &client_id,
                    &gegevensdiensten,
                    correlation_id.as_deref(),
                    now,
                    $crate::to_micros(access_expires_at),
                )
                .await?;
                sqlx::query("UPDATE consents SET last_used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(consent_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn get_consent(
                &self,
                id: i64,
            ) -> Result<Option<$crate::Consent>, $crate::StoreError> {
                let mut conn = self.pool.acquire().await?;
                self.load_consent(&mut conn, id).await
            }

            async fn consents_for_bsn(
                &self,
                bsn: &common::Bsn,
            ) -> Result<Vec<$crate::Consent>, $crate::StoreError> {
                let rows = sqlx::query("SELECT * FROM consents WHERE bsn_lookup = $1 ORDER BY id DESC")
                    .bind(self.cipher.lookup(bsn))
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|row| self.consent_from_row(row)).collect()
            }

            async fn revoke_consent(
                &self,
                id: i64,
                now: time::OffsetDateTime,
            ) -> Result<bool, $crate::StoreError> {
                let now = $crate::to_micros(now);
                let mut tx = self.pool.begin().await?;
                let revoked = sqlx::query(
                    "UPDATE consents SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                )
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if revoked != 1 {
                    return Ok(false);
                }
                for statement in [
                    "UPDATE access_tokens SET revoked_at = $1 WHERE consent_id = $2 AND revoked_at IS NULL",
                    "UPDATE refresh_tokens SET revoked_at = $1 WHERE consent_id = $2 AND revoked_at IS NULL",
                ] {
                    sqlx::query(statement)
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn purge_expired_grants(
                &self,
                before: time::OffsetDateTime,
            ) -> Result<u64, $crate::StoreError> {
                let before = $crate::to_micros(before);
                let mut tx = self.pool.begin().await?;
                let mut deleted = 0;
                for statement in [
                    "DELETE FROM codes WHERE expires_at < $1",
                    "DELETE FROM access_tokens WHERE expires_at < $1",
                ] {
                    deleted += sqlx::query(statement)
                        .bind(before)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                }
                tx.commit().await?;
                Ok(deleted)
            }
        }
    };
}
