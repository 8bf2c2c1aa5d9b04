//! Report photos: JPEG, PNG or WebP only (told by their bytes, not their
//! name), kept to what draws the picture (every metadata block goes: EXIF
//! with GPS, XMP, comments, text chunks, a second image after the first),
//! without re-encoding, and served to staff only.
//!
//! Photos are received into a [`Staged`] set (in memory when small, else
//! in `DATA/photos/.incoming/<random>/`), and written or moved in as
//! `DATA/photos/<report id>/` only after the report that owns them
//! committed, synced before the answer, or, on a store that keeps photos
//! itself (PostgreSQL: [`Home::Database`]), written there. A report's
//! photos never change once there (a repeat of the same submission only
//! completes them); a refused submission leaves nothing behind.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Bytes;
use beffroi_store::{Photo, PhotoBlobs, StoreError};
use img_parts::ImageEXIF;
use img_parts::png::Png;
use img_parts::webp::WebP;

/// The most photos a report may carry.
pub const MAX_PHOTOS: usize = 5;
/// The largest photo accepted, in bytes (the device resizes to 2048 px first).
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

const INCOMING: &str = ".incoming";

#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("photo {0} is not a JPEG, PNG or WebP image")]
    NotAnImage(usize),
    #[error("photo {0} cannot be read: {1}")]
    Damaged(usize, String),
    #[error("photo {0} is larger than {max} MiB", max = MAX_PHOTO_BYTES / 1024 / 1024)]
    TooLarge(usize),
    #[error("at most {MAX_PHOTOS} photos per report")]
    TooMany,
    #[error("cannot store the photo: {0}")]
    Io(#[from] std::io::Error),
}

impl beffroi_domain::l10n::Localize for PhotoError {
    fn msg(&self) -> beffroi_domain::l10n::Msg {
        use beffroi_domain::msg;
        match self {
            PhotoError::NotAnImage(n) => msg!("photo-not-an-image", n = *n),
            PhotoError::Damaged(n, d) => msg!("photo-damaged", n = *n, detail = d),
            PhotoError::TooLarge(n) => msg!(
                "photo-too-large",
                n = *n,
                max = MAX_PHOTO_BYTES / 1024 / 1024
            ),
            PhotoError::TooMany => msg!("photo-too-many", max = MAX_PHOTOS),
            PhotoError::Io(_) => msg!("photo-io"),
        }
    }
}

impl PhotoError {
    /// Whether storing failed for want of disk space (the client should try
    /// again later, nothing is wrong with what it sent).
    pub fn is_disk_full(&self) -> bool {
        matches!(self, PhotoError::Io(e) if e.kind() == std::io::ErrorKind::StorageFull
            || e.raw_os_error() == Some(28))
    }
}

/// A photo ready to store: its bytes without metadata, and its extension.
#[derive(Debug, Clone)]
pub struct CleanPhoto {
    pub bytes: Bytes,
    pub ext: &'static str,
}

/// PNG chunks that draw the picture (critical ones, colour, transparency,
/// animation); every other chunk (text, EXIF, time, private ones) goes.
const PNG_KEPT: [&[u8; 4]; 16] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
    b"cICP", b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT",
];

/// WebP chunks that draw the picture; EXIF, XMP and any other go.
const WEBP_KEPT: [&[u8; 4]; 7] = [
    b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
];

/// Checks what a photo is and keeps only what draws it. `n` numbers it in errors.
pub fn clean(n: usize, raw: Bytes) -> Result<CleanPhoto, PhotoError> {
    if raw.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge(n));
    }
    let damaged = |e: img_parts::Error| PhotoError::Damaged(n, e.to_string());
    if raw.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let bytes = clean_jpeg(&raw).map_err(|why| PhotoError::Damaged(n, why.into()))?;
        return Ok(CleanPhoto {
            bytes: bytes.into(),
            ext: "jpg",
        });
    }
    if raw.starts_with(b"\x89PNG\r\n\x1a\n") {
        let mut png = Png::from_bytes(raw).map_err(damaged)?;
        png.chunks_mut()
            .retain(|c| PNG_KEPT.iter().any(|k| **k == c.kind()));
        return Ok(CleanPhoto {
            bytes: png.encoder().bytes(),
            ext: "png",
        });
    }
    if raw.len() >= 12 && raw.starts_with(b"RIFF") && &raw[8..12] == b"WEBP" {
        let mut webp = WebP::from_bytes(raw).map_err(damaged)?;
        webp.chunks_mut()
            .retain(|c| WEBP_KEPT.iter().any(|k| **k == c.id()));
        // Rewrites the VP8X flags to say what is left.
        webp.set_exif(None);
        return Ok(CleanPhoto {
            bytes: webp.encoder().bytes(),
            ext: "webp",
        });
    }
    Err(PhotoError::NotAnImage(n))
}

/// A JPEG's segments up to its first end-of-image marker, without APP1–APP13
/// and APP15 (EXIF, XMP, MPF, maker notes…) or comments, wherever they stand
/// (before the first scan or between scans). What follows the first image
/// (a second picture with its own EXIF and GPS, as phones write for MPF)
/// is not kept.
fn clean_jpeg(raw: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::with_capacity(raw.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut i = 2;
    loop {
        // A marker: one or more 0xFF, then its code.
        if raw.get(i) != Some(&0xFF) {
            return Err("a JPEG marker was expected");
        }
        while raw.get(i) == Some(&0xFF) {
            i += 1;
        }
        let code = *raw.get(i).ok_or("the image ends before its end marker")?;
        i += 1;
        match code {
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Ok(out);
            }
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, code]);
                continue;
            }
            _ => {}
        }
        let len = raw
            .get(i..i + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .ok_or("a JPEG segment is cut short")?;
        if len < 2 || i + len > raw.len() {
            return Err("a JPEG segment is cut short");
        }
        let segment = &raw[i..i + len];
        i += len;
        let metadata = (0xE1..=0xED).contains(&code) || code == 0xEF || code == 0xFE;
        if !metadata {
            out.extend_from_slice(&[0xFF, code]);
            out.extend_from_slice(segment);
        }
        if code == 0xDA {
            // The entropy-coded data of the scan: up to the next marker that
            // is neither a stuffed 0xFF00 nor a restart marker.
            let start = i;
            loop {
                i += memchr::memchr(0xFF, &raw[i..]).ok_or("the image ends inside a scan")?;
                match raw.get(i + 1) {
                    Some(0x00 | 0xD0..=0xD7) => i += 2,
                    Some(0xFF) => i += 1,
                    Some(_) => break,
                    None => return Err("the image ends inside a scan"),
                }
            }
            out.extend_from_slice(&raw[start..i]);
        }
    }
}

fn safe_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !s.starts_with('.')
}

/// A report's photo folder; `None` for an id that could name anything else.
fn dir(data_dir: &Path, report: &str) -> Option<PathBuf> {
    safe_name(report).then(|| data_dir.join("photos").join(report))
}

/// Removes what a stopped server was still receiving (photos of reports
/// that never committed).
pub fn clear_incoming(data_dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(data_dir.join("photos").join(INCOMING)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Photos being received for one submission. Small ones (what devices
/// send) stay in memory until the report commits; larger ones go to a
/// folder of the set's own (made when the first is written), removed when
/// the set is dropped.
#[derive(Debug)]
pub struct Staged {
    dir: PathBuf,
    data_dir: PathBuf,
    /// Photos received in memory, by number, as received.
    held: Vec<(usize, Bytes)>,
    /// Cleaned photos kept in memory, by file name.
    ready: Vec<(String, Bytes)>,
}

impl Staged {
    pub fn new(data_dir: &Path) -> Self {
        let dir = data_dir
            .join("photos")
            .join(INCOMING)
            .join(uuid::Uuid::now_v7().simple().to_string());
        Self {
            dir,
            data_dir: data_dir.to_owned(),
            held: Vec::new(),
            ready: Vec::new(),
        }
    }

    /// The set's folder (made by whoever writes a raw photo there).
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Where the `n`th photo as received is written (before it is cleaned).
    pub fn raw_path(&self, n: usize) -> PathBuf {
        self.dir.join(format!("raw-{n}"))
    }

    /// Keeps the `n`th photo, received in memory.
    pub fn hold(&mut self, n: usize, bytes: Bytes) {
        self.held.push((n, bytes));
    }

    /// Cleans the `n`th received photo (held, or at [`Staged::raw_path`])
    /// into its place in the set (memory or folder, where it was); returns
    /// it (for the submission's digest).
    pub fn clean(&mut self, n: usize) -> Result<CleanPhoto, PhotoError> {
        let held = self.held.iter().position(|(m, _)| *m == n);
        let raw = match held {
            Some(i) => self.held.swap_remove(i).1,
            None => {
                let path = self.raw_path(n);
                let bytes = Bytes::from(std::fs::read(&path)?);
                std::fs::remove_file(path)?;
                bytes
            }
        };
        let photo = clean(n, raw)?;
        let name = format!("{n}.{}", photo.ext);
        if held.is_some() {
            self.ready.push((name, photo.bytes.clone()));
        } else {
            std::fs::write(self.dir.join(name), &photo.bytes)?;
        }
        Ok(photo)
    }

    /// A handle that syncs the set's files on disk: run it beside the
    /// report's commit.
    pub fn syncer(&self) -> Syncer {
        Syncer(self.dir.clone())
    }

    /// Moves the set in as `report`'s photos once the report committed:
    /// a folder of the report's, the photos held in memory written there,
    /// those on disk (synced already by [`Staged::syncer`]) moved there,
    /// everything synced before the answer. When the report has its photos
    /// already, they stay, except to complete what a crash or a full disk
    /// left unfinished: this is the same submission (the report's digest
    /// covers its photos), so a photo missing or not these bytes is put
    /// back. Returns whether the set moved in.
    pub fn commit(self, report: &str) -> std::io::Result<bool> {
        let Some(target) = dir(&self.data_dir, report) else {
            return Ok(false);
        };
        let made = std::fs::create_dir(&target).or_else(|e| match e.kind() {
            // The first photos this server keeps.
            std::io::ErrorKind::NotFound => std::fs::create_dir_all(&target),
            _ => Err(e),
        });
        match made {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return self.repair(&target).map(|_| false);
            }
            Err(e) => return Err(e),
        }
        let fill = || -> std::io::Result<()> {
            for (name, bytes) in &self.ready {
                let mut f = std::fs::File::create(target.join(name))?;
                std::io::Write::write_all(&mut f, bytes)?;
                f.sync_all()?;
            }
            for (name, path) in self.on_disk()? {
                std::fs::rename(path, target.join(name))?;
            }
            // The folder's sync also commits its creation in `photos/`:
            // journaling file systems (ext4, XFS) commit a transaction
            // whole. `photos/` itself is not synced: every submission
            // changes it, so syncing it waits for the others' next commit
            // (intake with photos halved).
            std::fs::File::open(&target)?.sync_all()
        };
        if let Err(e) = fill() {
            // No truncated photo is ever shown (a full disk): the report
            // stays without photos until its device sends it again.
            let _ = std::fs::remove_dir_all(&target);
            return Err(e);
        }
        Ok(true)
    }

    /// The cleaned photos in the set's folder, by name.
    fn on_disk(&self) -> std::io::Result<Vec<(std::ffi::OsString, PathBuf)>> {
        match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries
                .map(|e| e.map(|e| (e.file_name(), e.path())))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// Puts back in `target` each photo of the set that is missing there or
    /// is not these bytes.
    fn repair(&self, target: &Path) -> std::io::Result<()> {
        put_back(target, self.wanted()?)
    }

    /// The set's cleaned photos, by name.
    fn wanted(&self) -> std::io::Result<Vec<(String, Bytes)>> {
        let mut wanted = self.ready.clone();
        for (name, path) in self.on_disk()? {
            wanted.push((
                name.to_string_lossy().into_owned(),
                std::fs::read(path)?.into(),
            ));
        }
        Ok(wanted)
    }

    /// The bytes of the set's cleaned photos (in memory and on disk).
    pub fn size(&self) -> std::io::Result<u64> {
        let mut size: u64 = self.ready.iter().map(|(_, b)| b.len() as u64).sum();
        for (_, path) in self.on_disk()? {
            size += std::fs::metadata(path)?.len();
        }
        Ok(size)
    }

    /// The set's cleaned photos, read whole, for a home that is not files
    /// (the database): what the set held in memory and what it wrote.
    pub fn into_photos(self) -> std::io::Result<Vec<beffroi_store::Photo>> {
        Ok(self
            .wanted()?
            .into_iter()
            .map(|(name, bytes)| beffroi_store::Photo {
                name,
                bytes: bytes.into(),
            })
            .collect())
    }
}

/// Puts in `target` (a report's folder, made) each photo of `wanted` that
/// is missing there or is not these bytes: written aside, synced, renamed
/// in, the folder synced if anything changed.
fn put_back(target: &Path, wanted: Vec<(String, Bytes)>) -> std::io::Result<()> {
    let mut changed = false;
    for (name, want) in wanted {
        if std::fs::read(target.join(&name)).ok().as_deref() != Some(&want[..]) {
            // A name of this writer's own: the same submission may be put
            // back by two at once.
            let tmp = target.join(format!(".{name}.{}.tmp", uuid::Uuid::now_v7().simple()));
            let mut f = std::fs::File::create(&tmp)?;
            std::io::Write::write_all(&mut f, &want)?;
            f.sync_all()?;
            std::fs::rename(&tmp, target.join(&name))?;
            changed = true;
        }
    }
    if changed {
        std::fs::File::open(target)?.sync_all()?;
    }
    Ok(())
}

/// Syncs a staged set's files on disk (see [`Staged::syncer`]).
#[derive(Debug)]
pub struct Syncer(PathBuf);

impl Syncer {
    pub fn sync(&self) -> std::io::Result<()> {
        let entries = match std::fs::read_dir(&self.0) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        for entry in entries {
            std::fs::File::open(entry?.path())?.sync_all()?;
        }
        // The folder's entries are synced by the commit's folder sync.
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Moved in or not, the set's own folder goes (if it was made).
        if self.dir.exists() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The reports that have photos in `data_dir` (never the ones still being
/// received).
fn reports_in(data_dir: &Path) -> std::io::Result<Vec<String>> {
    let entries = match std::fs::read_dir(data_dir.join("photos")) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        other => other?,
    };
    let mut reports = Vec::new();
    for entry in entries {
        let entry = entry?;
        if let Ok(name) = entry.file_name().into_string()
            && safe_name(&name)
            && entry.file_type()?.is_dir()
        {
            reports.push(name);
        }
    }
    Ok(reports)
}

/// The names of a report's photos, in order.
fn list(data_dir: &Path, report: &str) -> std::io::Result<Vec<String>> {
    let Some(dir) = dir(data_dir, report) else {
        return Ok(Vec::new());
    };
    let entries = match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        other => other?,
    };
    let mut names = Vec::new();
    for entry in entries {
        if let Ok(name) = entry?.file_name().into_string()
            && safe_name(&name)
        {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// One photo's bytes; `None` for an unknown or unsafe name.
fn read(data_dir: &Path, report: &str, name: &str) -> std::io::Result<Option<Vec<u8>>> {
    let Some(dir) = dir(data_dir, report).filter(|_| safe_name(name)) else {
        return Ok(None);
    };
    match std::fs::read(dir.join(name)) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        other => other.map(Some),
    }
}

/// The media type a photo's name says (`None`: not a photo's name).
pub fn media_type(name: &str) -> Option<&'static str> {
    match name.rsplit_once('.')?.1 {
        "jpg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        "webp" => Some("image/webp"),
        _ => None,
    }
}

/// Photos as files in a data directory (`photos/<report id>/<n>.<ext>`),
/// beside its SQLite database.
#[derive(Debug, Clone)]
pub struct FileBlobs {
    data_dir: PathBuf,
}

impl FileBlobs {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
        }
    }

    /// Runs `f` on the data directory on a blocking thread.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Path) -> std::io::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        let data_dir = self.data_dir.clone();
        tokio::task::spawn_blocking(move || f(&data_dir))
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?
            .map_err(StoreError::backend)
    }
}

#[async_trait::async_trait]
impl PhotoBlobs for FileBlobs {
    async fn put_photos(&self, report: &str, photos: Vec<Photo>) -> Result<(), StoreError> {
        let unsafe_name = photos.iter().find(|p| !safe_name(&p.name));
        let target = dir(&self.data_dir, report);
        let (Some(target), None) = (target, unsafe_name) else {
            return Err(StoreError::Corrupt(format!(
                "a photo of report {report:?} cannot be a file name"
            )));
        };
        self.blocking(move |_| {
            std::fs::create_dir_all(&target)?;
            put_back(
                &target,
                photos
                    .into_iter()
                    .map(|p| (p.name, Bytes::from(p.bytes)))
                    .collect(),
            )
        })
        .await
    }

    async fn photo_names(&self, report: &str) -> Result<Vec<String>, StoreError> {
        let report = report.to_owned();
        self.blocking(move |d| list(d, &report)).await
    }

    async fn photo(&self, report: &str, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let (report, name) = (report.to_owned(), name.to_owned());
        self.blocking(move |d| read(d, &report, &name)).await
    }

    async fn reports_with_photos(&self) -> Result<Vec<String>, StoreError> {
        self.blocking(reports_in).await
    }
}

/// Where [`adopt_files`] moves the folders it brought into the database.
const IN_DATABASE: &str = ".in-database";

/// Brings into the database the photos that a server on PostgreSQL kept as
/// files before photos went there (an upgrade): those of the reports the
/// store holds, each read back, their folders then moved aside to
/// `photos/.in-database/` (kept, never served again: delete them once
/// satisfied). Returns how many photos.
pub async fn adopt_files(
    data_dir: &Path,
    store: &dyn beffroi_store::Store,
    blobs: &dyn PhotoBlobs,
) -> Result<usize, StoreError> {
    let files = FileBlobs::new(data_dir);
    let mut known = std::collections::HashSet::new();
    for report in files.reports_with_photos().await? {
        if store.staff_report(report.clone()).await?.is_some() {
            known.insert(report);
        }
    }
    if known.is_empty() {
        return Ok(0);
    }
    let copied = beffroi_store::copy_photos(&files, blobs, |r| known.contains(r)).await?;
    let photos = data_dir.join("photos");
    let aside = photos.join(IN_DATABASE);
    let moved = std::fs::create_dir_all(&aside).and_then(|()| {
        known
            .iter()
            .try_for_each(|r| std::fs::rename(photos.join(r), aside.join(r)))
    });
    moved.map_err(StoreError::backend)?;
    tracing::info!(
        photos = copied.photos,
        reports = known.len(),
        moved_to = %aside.display(),
        "photos kept as files brought into the database"
    );
    Ok(copied.photos)
}

/// Where a server keeps the photos of the reports it accepts.
#[derive(Debug, Clone)]
pub enum Home {
    /// Files in the data directory (beside SQLite): a staged set moves in
    /// by renaming what it wrote.
    Files(FileBlobs),
    /// The database every replica shares (PostgreSQL): a staged set is
    /// written there.
    Database(Arc<dyn PhotoBlobs>),
}

impl Home {
    /// The store's own home for photos if it has one, else files in `data_dir`.
    pub fn of(store: &dyn beffroi_store::Store, data_dir: &Path) -> Self {
        match store.photo_blobs() {
            Some(blobs) => Home::Database(blobs),
            None => Home::Files(FileBlobs::new(data_dir)),
        }
    }

    pub fn blobs(&self) -> &dyn PhotoBlobs {
        match self {
            Home::Files(files) => files,
            Home::Database(blobs) => blobs.as_ref(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use base64::Engine;

    const IPHONE: &[u8] = include_bytes!("../../../tests/fixtures/photos/iphone-6-gps.jpg");
    const JOLLA: &[u8] = include_bytes!("../../../tests/fixtures/photos/jolla-xmp.jpg");
    const SMALL: &[u8] = include_bytes!("../../../tests/fixtures/photo-with-gps.jpg");

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn files_beside_sqlite_keep_the_photo_contract_and_name_nothing_outside() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::SqliteStore::open(dir.path()).unwrap();
        let home = Home::of(&store, dir.path());
        assert!(matches!(home, Home::Files(_)), "SQLite has no photo home");
        beffroi_store::contract::photos(&store, home.blobs()).await;
        assert_eq!(
            std::fs::read(dir.path().join("photos/p2/1.webp")).unwrap(),
            b"RIFF one"
        );
        // A name that is not a photo's, or a report id that is not one.
        let evil = Photo {
            name: "../../keys/report.secret".into(),
            bytes: b"x".to_vec(),
        };
        assert!(home.blobs().put_photos("p1", vec![evil]).await.is_err());
        let fine = Photo {
            name: "1.jpg".into(),
            bytes: b"x".to_vec(),
        };
        assert!(home.blobs().put_photos("..", vec![fine]).await.is_err());
        assert_eq!(
            home.blobs().photo("p1", "../p2/1.webp").await.unwrap(),
            None
        );
        assert!(home.blobs().photo_names("../p1").await.unwrap().is_empty());
        // Still being received: never listed.
        std::fs::create_dir_all(dir.path().join("photos").join(INCOMING).join("x")).unwrap();
        let mut reports = home.blobs().reports_with_photos().await.unwrap();
        reports.sort();
        assert_eq!(reports, ["p1", "p2"]);
    }

    fn has(bytes: &[u8], what: &[u8]) -> bool {
        bytes.windows(what.len()).any(|w| w == what)
    }

    /// An APPn/COM segment with `payload`.
    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let len = u16::try_from(payload.len() + 2).unwrap();
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&len.to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    /// `jpeg` with `extra` put just before its end-of-image marker, after the scan.
    fn after_scan(jpeg: &[u8], extra: &[u8]) -> Vec<u8> {
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9]);
        let mut out = jpeg[..jpeg.len() - 2].to_vec();
        out.extend_from_slice(extra);
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }

    fn cleaned(raw: Vec<u8>) -> Vec<u8> {
        clean(1, Bytes::from(raw)).unwrap().bytes.to_vec()
    }

    #[test]
    fn real_phone_photos_keep_no_metadata() {
        for (name, photo, marks) in [
            ("iphone", IPHONE, [&b"Exif"[..], b"Apple", b"iPhone"]),
            (
                "jolla",
                JOLLA,
                [&b"Exif"[..], b"Jolla", b"http://ns.adobe.com"],
            ),
        ] {
            let out = cleaned(photo.to_vec());
            for m in marks {
                assert!(has(photo, m), "{name}: the original has {m:?}");
                assert!(!has(&out, m), "{name}: {m:?} survived");
            }
            assert!(out.starts_with(&[0xFF, 0xD8]) && out.ends_with(&[0xFF, 0xD9]));
            // The picture itself is untouched: the scan data is all there.
            assert!(
                out.len() > photo.len() / 2,
                "{name}: {} bytes left",
                out.len()
            );
        }
    }

    #[test]
    fn a_second_image_after_the_first_goes_with_its_exif_and_gps() {
        // Phones write MPF: a second JPEG (with its own EXIF and GPS) after
        // the first one's end marker.
        let mut raw = SMALL.to_vec();
        raw.extend_from_slice(IPHONE);
        let out = cleaned(raw);
        assert!(!has(&out, b"Exif") && !has(&out, b"iPhone"));
        assert!(out.len() < SMALL.len(), "only the first image is kept");
        assert_eq!(out, cleaned(SMALL.to_vec()));
    }

    #[test]
    fn segments_after_the_scan_go_too() {
        let exif = segment(0xE1, b"Exif\0\0MM\0*GPS 43.70N 7.26E");
        let comment = segment(0xFE, b"appartement 3e gauche");
        for extra in [exif, comment] {
            let out = cleaned(after_scan(SMALL, &extra));
            assert!(!has(&out, b"GPS 43.70N") && !has(&out, b"3e gauche"));
            assert!(out.ends_with(&[0xFF, 0xD9]));
        }
    }

    #[test]
    fn a_truncated_or_malformed_jpeg_is_refused() {
        assert!(clean(1, Bytes::copy_from_slice(&SMALL[..SMALL.len() / 2])).is_err());
        assert!(clean(1, Bytes::from_static(&[0xFF, 0xD8, 0xFF, 0xE0, 0x00])).is_err());
    }

    #[test]
    fn png_and_webp_keep_only_the_chunks_that_draw_the_picture() {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.decode(s).unwrap();
        // 1×1 images, with a private chunk and EXIF added.
        let mut png = Png::from_bytes(Bytes::from(b64(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
        )))
        .unwrap();
        let at = png.chunks().len() - 1;
        png.chunks_mut().insert(
            at,
            img_parts::png::PngChunk::new(*b"prVt", Bytes::from_static(b"chez Mme R.")),
        );
        png.chunks_mut().insert(
            at,
            img_parts::png::PngChunk::new(*b"eXIf", Bytes::from_static(b"MM\0*GPS")),
        );
        let raw = png.encoder().bytes().to_vec();
        assert!(has(&raw, b"chez Mme R."));
        let out = cleaned(raw);
        assert!(!has(&out, b"chez Mme R.") && !has(&out, b"GPS"));
        assert!(Png::from_bytes(Bytes::from(out)).is_ok());

        let mut webp = WebP::from_bytes(Bytes::from(b64(
            "UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=",
        )))
        .unwrap();
        webp.set_exif(Some(Bytes::from_static(b"MM\0*GPS")));
        webp.chunks_mut().push(img_parts::riff::RiffChunk::new(
            *b"prVt",
            img_parts::riff::RiffContent::Data(Bytes::from_static(b"chez Mme R.")),
        ));
        let raw = webp.encoder().bytes().to_vec();
        assert!(has(&raw, b"chez Mme R.") && has(&raw, b"GPS"));
        let out = cleaned(raw);
        assert!(!has(&out, b"chez Mme R.") && !has(&out, b"GPS"));
        assert!(WebP::from_bytes(Bytes::from(out)).is_ok());
    }
}
