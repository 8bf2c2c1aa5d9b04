//! Report photos in the database (`report_photos`), behind the blob seam.
//! A photo is one `bytea` (at most 8 MiB, out of line), written in one
//! transaction with the report's other photos once the report committed.

use async_trait::async_trait;
use beffroi_store::{Photo, PhotoBlobs, StoreError};

use crate::{PgStore, db};

#[async_trait]
impl PhotoBlobs for PgStore {
    async fn put_photos(&self, report: &str, mut photos: Vec<Photo>) -> Result<(), StoreError> {
        // In name order: two servers putting one report's photos at once
        // take their row locks in the same order (no deadlock).
        photos.sort_by(|a, b| a.name.cmp(&b.name));
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        let put = tx
            .prepare(
                "INSERT INTO report_photos (report_id, name, bytes) VALUES ($1, $2, $3)
                 ON CONFLICT (report_id, name) DO UPDATE SET bytes = EXCLUDED.bytes
                 WHERE report_photos.bytes IS DISTINCT FROM EXCLUDED.bytes",
            )
            .await
            .map_err(db)?;
        for photo in &photos {
            tx.execute(&put, &[&report, &photo.name, &photo.bytes])
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }

    async fn photo_names(&self, report: &str) -> Result<Vec<String>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query(
                "SELECT name FROM report_photos WHERE report_id = $1 ORDER BY name",
                &[&report],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    async fn photo(&self, report: &str, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_opt(
                "SELECT bytes FROM report_photos WHERE report_id = $1 AND name = $2",
                &[&report, &name],
            )
            .await
            .map_err(db)?
            .map(|r| r.get(0)))
    }

    async fn reports_with_photos(&self) -> Result<Vec<String>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query("SELECT DISTINCT report_id FROM report_photos", &[])
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }
}
