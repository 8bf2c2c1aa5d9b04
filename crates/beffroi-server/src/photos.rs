//! Report photos: JPEG, PNG or WebP only (told by their bytes, not their
//! name), stripped of every metadata block (EXIF with GPS, XMP, comments, text
//! chunks) without re-encoding the picture, stored under `DATA/photos/<report
//! id>/` and served to staff only.

use std::io::Write;
use std::path::{Path, PathBuf};

use axum::body::Bytes;
use img_parts::ImageEXIF;
use img_parts::jpeg::Jpeg;
use img_parts::png::Png;
use img_parts::webp::WebP;

/// The most photos a report may carry.
pub const MAX_PHOTOS: usize = 5;
/// The largest photo accepted, in bytes (the device resizes to 2048 px first).
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

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

/// A photo ready to store: its bytes without metadata, and its extension.
#[derive(Debug, Clone)]
pub struct CleanPhoto {
    pub bytes: Bytes,
    pub ext: &'static str,
}

/// Checks what a photo is and removes its metadata. `n` numbers it in errors.
pub fn clean(n: usize, raw: Bytes) -> Result<CleanPhoto, PhotoError> {
    if raw.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge(n));
    }
    let damaged = |e: img_parts::Error| PhotoError::Damaged(n, e.to_string());
    if raw.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let mut jpeg = Jpeg::from_bytes(raw).map_err(damaged)?;
        // APP0 (JFIF) and APP14 (Adobe colour transform) describe the picture;
        // every other APPn (EXIF, XMP, maker notes…) and comments go.
        jpeg.segments_mut().retain(|s| {
            let m = s.marker();
            !((0xE1..=0xED).contains(&m) || m == 0xEF || m == 0xFE)
        });
        return Ok(CleanPhoto {
            bytes: jpeg.encoder().bytes(),
            ext: "jpg",
        });
    }
    if raw.starts_with(b"\x89PNG\r\n\x1a\n") {
        let mut png = Png::from_bytes(raw).map_err(damaged)?;
        for kind in [*b"eXIf", *b"tEXt", *b"iTXt", *b"zTXt", *b"tIME"] {
            png.remove_chunks_by_type(kind);
        }
        return Ok(CleanPhoto {
            bytes: png.encoder().bytes(),
            ext: "png",
        });
    }
    if raw.len() >= 12 && raw.starts_with(b"RIFF") && &raw[8..12] == b"WEBP" {
        let mut webp = WebP::from_bytes(raw).map_err(damaged)?;
        webp.set_exif(None);
        webp.remove_chunks_by_id(*b"XMP ");
        return Ok(CleanPhoto {
            bytes: webp.encoder().bytes(),
            ext: "webp",
        });
    }
    Err(PhotoError::NotAnImage(n))
}

fn dir(data_dir: &Path, report: &str) -> PathBuf {
    data_dir.join("photos").join(report)
}

/// Writes a report's photos (synced to disk) before the report is committed.
pub fn store(data_dir: &Path, report: &str, photos: &[CleanPhoto]) -> Result<(), PhotoError> {
    let dir = dir(data_dir, report);
    std::fs::create_dir_all(&dir)?;
    for (i, p) in photos.iter().enumerate() {
        let path = dir.join(format!("{}.{}", i + 1, p.ext));
        let mut f = std::fs::File::create(&path)?;
        f.write_all(&p.bytes)?;
        f.sync_all()?;
    }
    std::fs::File::open(&dir)?.sync_all()?;
    Ok(())
}

/// The names of a report's photos, in order.
pub fn list(data_dir: &Path, report: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir(data_dir, report))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// One photo's bytes and media type; `None` for an unknown or unsafe name.
pub fn read(data_dir: &Path, report: &str, name: &str) -> Option<(Vec<u8>, &'static str)> {
    let media = match name.rsplit_once('.')?.1 {
        "jpg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        _ => return None,
    };
    let safe = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            && !s.contains("..")
    };
    if !safe(report) || !safe(name) {
        return None;
    }
    std::fs::read(dir(data_dir, report).join(name))
        .ok()
        .map(|b| (b, media))
}
