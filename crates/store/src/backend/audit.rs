//! The append-only audit trail.

/// Implements [`crate::AuditStore`].
macro_rules! impl_audit_store {
    ($store:ty, $row:ty) => {
        impl $store {
            fn audit_from_row(
                &self,
                row: &$row,
            ) -> Result<$crate::StoredAuditEvent, $crate::StoreError> {
                use sqlx::Row;
                let kind: String = row.try_get("kind")?;
                let bsn_enc: Option<Vec<u8>> = row.try_get("bsn_enc")?;
                let detail: String = row.try_get("detail")?;
                Ok($crate::StoredAuditEvent {
                    id: row.try_get("id")?,
                    event: $crate::AuditEvent {
                        at: $crate::from_micros(row.try_get("at")?)?,
                        kind: $crate::AuditKind::from_key(&kind).ok_or_else(|| {
                            $crate::StoreError::Corrupt(format!("audit kind {kind:?}"))
                        })?,
                        client_id: row.try_get("client_id")?,
                        aanbieder: row.try_get("aanbieder")?,
                        consent_id: row.try_get("consent_id")?,
                        bsn: bsn_enc.map(|enc| self.cipher.decrypt(&enc)).transpose()?,
                        correlation_id: row.try_get("correlation_id")?,
                        request_id: row.try_get("request_id")?,
                        detail: serde_json::from_str(&detail)
                            .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?,
                    },
                })
            }
        }

        #[async_trait::async_trait]
        impl $crate::AuditStore for $store {
            async fn append_audit(
                &self,
                event: &$crate::AuditEvent,
            ) -> Result<i64, $crate::StoreError> {
                use sqlx::Row;
                let (bsn_enc, bsn_lookup) = match &event.bsn {
                    Some(bsn) => (Some(self.cipher.encrypt(bsn)?), Some(self.cipher.lookup(bsn))),
                    None => (None, None),
                };
                let row = sqlx::query(
                    "INSERT INTO audit_events (at, kind, client_id, aanbieder, consent_id, bsn_enc, \
                     bsn_lookup, correlation_id, request_id, detail) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                )
                .bind($crate::to_micros(event.at))
                .bind(event.kind.as_str())
                .bind(&event.client_id)
                .bind(&event.aanbieder)
                .bind(event.consent_id)
                .bind(bsn_enc)
                .bind(bsn_lookup)
                .bind(&event.correlation_id)
                .bind(&event.request_id)
                .bind(event.detail.to_string())
                .fetch_one(&self.pool)
                .await?;
                Ok(row.try_get("id")?)
            }

            async fn audit_events(
                &self,
                query: &$crate::AuditQuery,
            ) -> Result<Vec<$crate::StoredAuditEvent>, $crate::StoreError> {
                let limit = if query.limit == 0 { 1000 } else { i64::from(query.limit) };
                let rows = sqlx::query(
                    "SELECT * FROM audit_events WHERE ($1 IS NULL OR at >= $1) \
                     AND ($2 IS NULL OR at < $2) AND ($3 IS NULL OR bsn_lookup = $3) \
                     AND ($4 IS NULL OR kind = $4) ORDER BY id LIMIT $5",
                )
                .bind(query.since.map($crate::to_micros))
                .bind(query.until.map($crate::to_micros))
                .bind(query.bsn.as_ref().map(|bsn| self.cipher.lookup(bsn)))
                .bind(query.kind.map(|kind| kind.as_str()))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|row| self.audit_from_row(row)).collect()
            }
        }
    };
}
