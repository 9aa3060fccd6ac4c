//! Providers (zorgaanbieders) served by this DVZA.

/// Implements [`crate::ProviderStore`].
macro_rules! impl_provider_store {
    ($store:ty, $row:ty) => {
        impl $store {
            fn provider_from_row(row: &$row) -> Result<$crate::Provider, $crate::StoreError> {
                use sqlx::Row;
                let status: String = row.try_get("status")?;
                let details: String = row.try_get("details")?;
                let start: Option<String> = row.try_get("online_access_start")?;
                let online_access_start = match start {
                    Some(text) => Some(
                        time::Date::parse(&text, &time::format_description::well_known::Iso8601::DATE)
                            .map_err(|_| $crate::StoreError::Corrupt(format!("date {text:?}")))?,
                    ),
                    None => None,
                };
                Ok($crate::Provider {
                    naam: row.try_get("naam")?,
                    display_name: row.try_get("display_name")?,
                    ura: row.try_get("ura")?,
                    agb: row.try_get("agb")?,
                    his_app_id: row.try_get("his_app_id")?,
                    gegevensdiensten: $crate::ids_from_text(
                        &row.try_get::<String, _>("gegevensdiensten")?,
                    ),
                    online_access_start,
                    status: $crate::ProviderStatus::from_key(&status).ok_or_else(|| {
                        $crate::StoreError::Corrupt(format!("provider status {status:?}"))
                    })?,
                    details: serde_json::from_str(&details)
                        .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?,
                    created_at: $crate::from_micros(row.try_get("created_at")?)?,
                    updated_at: $crate::from_micros(row.try_get("updated_at")?)?,
                })
            }
        }

        #[async_trait::async_trait]
        impl $crate::ProviderStore for $store {
            async fn put_provider(
                &self,
                provider: &$crate::Provider,
            ) -> Result<(), $crate::StoreError> {
                let start = provider.online_access_start.map(|date| {
                    format!(
                        "{:04}-{:02}-{:02}",
                        date.year(),
                        u8::from(date.month()),
                        date.day()
                    )
                });
                sqlx::query(
                    "INSERT INTO providers (naam, display_name, ura, agb, his_app_id, gegevensdiensten, \
                     online_access_start, status, details, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (naam) DO UPDATE SET display_name = excluded.display_name, \
                     ura = excluded.ura, agb = excluded.agb, his_app_id = excluded.his_app_id, \
                     gegevensdiensten = excluded.gegevensdiensten, \
                     online_access_start = excluded.online_access_start, status = excluded.status, \
                     details = excluded.details, updated_at = excluded.updated_at",
                )
                .bind(&provider.naam)
                .bind(&provider.display_name)
                .bind(&provider.ura)
                .bind(&provider.agb)
                .bind(&provider.his_app_id)
                .bind($crate::ids_to_text(&provider.gegevensdiensten))
                .bind(start)
                .bind(provider.status.as_str())
                .bind(provider.details.to_string())
                .bind($crate::to_micros(provider.created_at))
                .bind($crate::to_micros(provider.updated_at))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn get_provider(
                &self,
                naam: &str,
            ) -> Result<Option<$crate::Provider>, $crate::StoreError> {
                let row = sqlx::query("SELECT * FROM providers WHERE naam = $1")
                    .bind(naam)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|row| Self::provider_from_row(&row)).transpose()
            }

            async fn list_providers(&self) -> Result<Vec<$crate::Provider>, $crate::StoreError> {
                let rows = sqlx::query("SELECT * FROM providers ORDER BY naam")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::provider_from_row).collect()
            }
        }
    };
}
