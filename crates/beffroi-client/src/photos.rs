//! Photos attached to a report, prepared on the device before anything is
//! queued: decoded (JPEG, PNG or WebP), turned upright from their EXIF
//! orientation, scaled down to at most [`MAX_SIDE`] pixels, and re-encoded as
//! JPEG. Re-encoding writes pixels only, so no EXIF/GPS, XMP or comment block
//! survives; the server checks and strips again.

use std::io::Cursor;
use std::path::Path;

use image::{ImageDecoder, ImageReader};

/// A report carries at most this many photos (the server's limit too).
pub const MAX_PHOTOS: usize = 5;
/// The longest side of a prepared photo, in pixels.
pub const MAX_SIDE: u32 = 2048;
/// The largest file read as a photo (a phone's photo is a few MB).
pub const MAX_INPUT_BYTES: u64 = 40 * 1024 * 1024;
/// Decoding refuses images above this many pixels (a decompression bomb).
const MAX_PIXELS: u64 = 100_000_000;

#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("cannot read the photo {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path} is not a photo Beffroi can send (JPEG, PNG or WebP): {reason}")]
    NotAnImage { path: String, reason: String },
    #[error("{path} is larger than {} MB", MAX_INPUT_BYTES / 1024 / 1024)]
    TooLarge { path: String },
    #[error("a report carries at most {MAX_PHOTOS} photos")]
    TooMany,
}

impl beffroi_domain::l10n::Localize for PhotoError {
    fn msg(&self) -> beffroi_domain::l10n::Msg {
        use beffroi_domain::msg;
        match self {
            PhotoError::Read { path, reason } => {
                msg!("client-photo-read", path = path, reason = reason)
            }
            PhotoError::NotAnImage { path, .. } => msg!("client-photo-not-an-image", path = path),
            PhotoError::TooLarge { path } => msg!(
                "client-photo-too-large",
                path = path,
                max = MAX_INPUT_BYTES / 1024 / 1024
            ),
            PhotoError::TooMany => msg!("photo-too-many", max = MAX_PHOTOS),
        }
    }
}

/// Reads and prepares the photo at `path` (see the module's description).
pub fn prepare_file(path: &Path) -> Result<Vec<u8>, PhotoError> {
    let shown = path.display().to_string();
    let read = |e: std::io::Error| PhotoError::Read {
        path: shown.clone(),
        reason: e.to_string(),
    };
    if std::fs::metadata(path).map_err(read)?.len() > MAX_INPUT_BYTES {
        return Err(PhotoError::TooLarge { path: shown });
    }
    let bytes = std::fs::read(path).map_err(read)?;
    prepare(&bytes).map_err(|reason| PhotoError::NotAnImage {
        path: shown,
        reason,
    })
}

/// Prepares a photo's bytes: upright, at most [`MAX_SIDE`] px, JPEG, no metadata.
pub fn prepare(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    match reader.format() {
        Some(image::ImageFormat::Jpeg | image::ImageFormat::Png | image::ImageFormat::WebP) => {}
        Some(other) => return Err(format!("{other:?} images are not accepted")),
        None => return Err("not a JPEG, PNG or WebP image".into()),
    }
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!("{w}×{h} pixels is too large"));
    }
    let orientation = decoder.orientation().map_err(|e| e.to_string())?;
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    img.apply_orientation(orientation);
    if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
        img = img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle);
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img.to_rgb8())
        .map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 128]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut out)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn a_large_photo_is_scaled_down_keeping_its_shape() {
        let out = prepare(&jpeg(3000, 1500)).unwrap();
        let img = image::load_from_memory(&out).unwrap();
        assert_eq!((img.width(), img.height()), (2048, 1024));
    }

    #[test]
    fn a_small_photo_keeps_its_size() {
        let out = prepare(&jpeg(640, 480)).unwrap();
        let img = image::load_from_memory(&out).unwrap();
        assert_eq!((img.width(), img.height()), (640, 480));
    }

    #[test]
    fn what_is_not_an_image_is_refused() {
        assert!(prepare(b"%PDF-1.7 not a photo").is_err());
        assert!(prepare(b"").is_err());
    }
}
