//! List copies and health check.

/// Implements [`crate::ListStore`].
macro_rules! impl_list_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::ListStore for $store {
            async fn put_list(
                &self,
                kind: medmij::lists::ListKind,
                volgnummer: u64,
                xml: &str,
                fetched_at: time::OffsetDateTime,
            ) -> Result<bool, $crate::StoreError> {
                let volgnummer = i64::try_from(volgnummer)
                    .map_err(|_| $crate::StoreError::OutOfRange("Volgnummer"))?;
                let result = sqlx::query(
                    "INSERT INTO lists (kind, volgnummer, xml, fetched_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (kind) DO UPDATE SET volgnummer = excluded.volgnummer, \
                     xml = excluded.xml, fetched_at = excluded.fetched_at \
                     WHERE lists.volgnummer < excluded.volgnummer",
                )
                .bind(kind.as_str())
                .bind(volgnummer)
                .bind(xml)
                .bind($crate::to_micros(fetched_at))
                .execute(&self.pool)
                .await?;
                Ok(result.rows_affected() == 1)
            }

            async fn get_list(
                &self,
                kind: medmij::lists::ListKind,
            ) -> Result<Option<$crate::StoredList>, $crate::StoreError> {
                use sqlx::Row;
                let row =
                    sqlx::query("SELECT volgnummer, xml, fetched_at FROM lists WHERE kind = $1")
                        .bind(kind.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let volgnummer: i64 = row.try_get("volgnummer")?;
                Ok(Some($crate::StoredList {
                    kind,
                    volgnummer: u64::try_from(volgnummer)
                        .map_err(|_| $crate::StoreError::Corrupt("negative Volgnummer".into()))?,
                    xml: row.try_get("xml")?,
                    fetched_at: $crate::from_micros(row.try_get("fetched_at")?)?,
                }))
            }
        }
    };
}
