//! User-visible messages as data: a Fluent id of `locales/*/errors.ftl` and
//! its arguments. The domain's, the server's and the client's errors say what
//! went wrong this way, and whoever shows them renders them in the reader's
//! language (the server in the request's, the app and the CLI in the
//! resident's: see `i18n`, feature `l10n`). Their `Display` stays English,
//! for logs.

/// An argument of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Str(String),
    Num(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Str(s.to_owned())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Str(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Str(s.clone())
    }
}

macro_rules! num_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn from(n: $t) -> Self {
                Arg::Num(n as f64)
            }
        }
    )*};
}
num_arg!(u8, u16, u32, u64, usize, i32, i64, f64);

/// A message: its id in `locales/*/errors.ftl` and its `{ $name }` values.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl Msg {
    pub fn new(id: &'static str) -> Self {
        Msg { id, args: vec![] }
    }

    #[must_use]
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }
}

/// An error that can say itself in any of the interface's languages.
pub trait Localize {
    fn msg(&self) -> Msg;
}

/// `msg!(<id literal>, name = value, …)`: a [`Msg`].
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::l10n::Msg::new($id)$(.arg(stringify!($name), $value))*
    };
}

// The domain's errors. (Their ids are checked against every language's
// `errors.ftl` by the server's locale test.)

use crate::advice::AdviceError;
use crate::aid::AidError;
use crate::alert::AlertError;
use crate::api::TileSourceError;
use crate::commune::CommuneError;
use crate::hours::HoursError;
use crate::lang::{InvalidLangTag, UnsupportedLang};
use crate::measure::MeasureError;
use crate::place::{PlaceError, UnknownCategory};
use crate::push::PushError;
use crate::report::ReportError;
use crate::shape::ShapeError;
use crate::staff::StaffError;

impl Localize for AlertError {
    fn msg(&self) -> Msg {
        use AlertError::*;
        match self {
            NoText => msg!("alert-no-text"),
            DuplicateLang(l) => msg!("alert-duplicate-lang", lang = l.as_str()),
            EmptyHeadline { lang } => msg!("alert-empty-headline", lang = lang.as_str()),
            HeadlineTooLong { lang, len, max } => {
                msg!(
                    "alert-headline-too-long",
                    lang = lang.as_str(),
                    len = *len,
                    max = *max
                )
            }
            TextTooLong {
                lang,
                field,
                len,
                max,
            } => msg!(
                "alert-text-too-long",
                lang = lang.as_str(),
                field = *field,
                len = *len,
                max = *max
            ),
            EmptyEvent => msg!("alert-empty-event"),
            InvalidEventCode(c) => msg!("alert-invalid-event-code", code = c),
            NoCommune => msg!("alert-no-commune"),
            InvalidWeb(w) => msg!("alert-invalid-web", web = w),
            ExpiresBeforeEffective => msg!("alert-expires-before-effective"),
            InvalidIdentifier(i) => msg!("alert-invalid-identifier", identifier = i),
            MissingReference(t) => msg!("alert-missing-reference", msg_type = t.cap()),
            Shape(e) => e.msg(),
        }
    }
}

impl Localize for AdviceError {
    fn msg(&self) -> Msg {
        use AdviceError::*;
        match self {
            InvalidId(id) => msg!(
                "advice-invalid-id",
                id = id,
                max = crate::advice::MAX_ADVICE_ID
            ),
            NoText => msg!("advice-no-text"),
            DuplicateLang(l) => msg!("advice-duplicate-lang", lang = l.tag()),
            NoTitle(l) => msg!("advice-no-title", lang = l.tag()),
            TitleTooLong { lang, len, max } => msg!(
                "advice-title-too-long",
                lang = lang.tag(),
                len = *len,
                max = *max
            ),
            NoBody(l) => msg!("advice-no-body", lang = l.tag()),
            BodyTooLong { lang, len, max } => msg!(
                "advice-body-too-long",
                lang = lang.tag(),
                len = *len,
                max = *max
            ),
            ControlCharacter(l) => msg!("advice-control-character", lang = l.tag()),
        }
    }
}

impl Localize for AidError {
    fn msg(&self) -> Msg {
        use AidError::*;
        match self {
            InvalidId(id) => msg!("aid-invalid-id", id = id),
            EmptyText => msg!("aid-empty-text"),
            TextTooLong { len, max } => msg!("aid-text-too-long", len = *len, max = *max),
            WhenTooLong { len, max } => msg!("aid-when-too-long", len = *len, max = *max),
            ExactAddress => msg!("aid-exact-address"),
            NoPlace => msg!("aid-no-place"),
            InvalidPoint => msg!("aid-invalid-point"),
            ExpiresTooLate { max } => msg!("aid-expires-too-late", max = *max),
            ExpiresInPast => msg!("aid-expires-in-past"),
            ControlCharacter => msg!("aid-control-character"),
            ContactInText => msg!("aid-contact-in-text"),
        }
    }
}

impl Localize for MeasureError {
    fn msg(&self) -> Msg {
        use MeasureError::*;
        match self {
            DuplicateLang(l) => msg!("measure-duplicate-lang", lang = l.tag()),
            TextTooLong { lang, len, max } => msg!(
                "measure-text-too-long",
                lang = lang.tag(),
                len = *len,
                max = *max
            ),
            OtherWithoutText => msg!("measure-other-without-text"),
            EndsBeforeStart => msg!("measure-ends-before-start"),
            InvalidTime(t) => msg!("measure-invalid-time", value = t),
            EmptyCurfew(t) => msg!("measure-empty-curfew", from = t),
            InvalidGathering(n) => msg!(
                "measure-invalid-gathering",
                value = *n,
                max = crate::measure::MAX_GATHERING
            ),
        }
    }
}

impl Localize for PushError {
    fn msg(&self) -> Msg {
        use PushError::*;
        match self {
            EndpointNotHttps => msg!("push-endpoint-not-https"),
            EndpointPrivate => msg!("push-endpoint-private"),
            EndpointTooLong => msg!("push-endpoint-too-long", max = crate::push::MAX_ENDPOINT),
            Keys => msg!("push-keys"),
            Communes => msg!("push-communes", max = crate::push::MAX_COMMUNES),
        }
    }
}

impl Localize for ShapeError {
    fn msg(&self) -> Msg {
        use ShapeError::*;
        match self {
            OutOfRange(p) => msg!("shape-out-of-range", point = p),
            TooFewPoints(n) => msg!("shape-too-few-points", len = *n),
            OpenRing => msg!("shape-open-ring"),
            TooManyPoints { len, max } => msg!("shape-too-many-points", len = *len, max = *max),
            CrossesAntimeridian => msg!("shape-antimeridian"),
            BadRadius(r) => msg!(
                "shape-bad-radius",
                radius = r,
                max = crate::shape::MAX_RADIUS_KM
            ),
            TooManyShapes { len, max } => msg!("shape-too-many", len = *len, max = *max),
            Unreadable(text, "circle") => msg!("shape-unreadable-circle", text = text),
            Unreadable(text, _) => msg!("shape-unreadable-polygon", text = text),
        }
    }
}

impl Localize for ReportError {
    fn msg(&self) -> Msg {
        use ReportError::*;
        match self {
            InvalidId(id) => msg!("report-invalid-id", id = id),
            UnknownCategory(c) => msg!("report-unknown-category", category = c),
            EmptyDescription => msg!("report-empty-description"),
            DescriptionTooLong(len) => msg!(
                "report-description-too-long",
                len = *len,
                max = crate::report::MAX_DESCRIPTION
            ),
            NoLocation => msg!("report-no-location"),
            InvalidPosition { lat, lon } => msg!("report-invalid-position", lat = *lat, lon = *lon),
            MissingAnswer(q) => msg!("report-missing-answer", question = q),
            TooLong { field, max } => msg!("field-too-long", field = *field, max = *max),
        }
    }
}

impl Localize for HoursError {
    fn msg(&self) -> Msg {
        msg!("hours-invalid", value = &self.value, detail = &self.message)
    }
}

impl Localize for PlaceError {
    fn msg(&self) -> Msg {
        use PlaceError::*;
        match self {
            NoName => msg!("place-no-name"),
            Latitude(v) => msg!("place-latitude", value = v),
            Longitude(v) => msg!("place-longitude", value = v),
            Hours(e) => e.msg(),
            CrisisHours(e) => msg!("place-crisis-hours", value = &e.value, detail = &e.message),
            LastChecked(v) => msg!("place-last-checked", value = v),
            TooLong(field, max) => msg!("field-too-long", field = *field, max = *max),
        }
    }
}

impl Localize for UnknownCategory {
    fn msg(&self) -> Msg {
        msg!("place-unknown-category", category = &self.0)
    }
}

impl Localize for CommuneError {
    fn msg(&self) -> Msg {
        match self {
            CommuneError::InvalidInseeCode(c) => msg!("commune-invalid-insee", code = c),
            CommuneError::InvalidPostalCode(c) => msg!("commune-invalid-postal", code = c),
            CommuneError::EmptyName => msg!("commune-empty-name"),
        }
    }
}

impl Localize for StaffError {
    fn msg(&self) -> Msg {
        match self {
            StaffError::UnknownRole(r) => msg!("staff-unknown-role", role = r),
            StaffError::InvalidUsername(u) => msg!("staff-invalid-username", username = u),
            StaffError::PasswordTooShort { min } => msg!("staff-password-too-short", min = *min),
        }
    }
}

impl Localize for TileSourceError {
    fn msg(&self) -> Msg {
        match self {
            TileSourceError::Url => msg!("tiles-url"),
            TileSourceError::Attribution => msg!("tiles-attribution"),
            TileSourceError::MaxZoom => msg!("tiles-max-zoom"),
        }
    }
}

impl Localize for InvalidLangTag {
    fn msg(&self) -> Msg {
        msg!("lang-tag-invalid", tag = &self.0)
    }
}

impl Localize for UnsupportedLang {
    fn msg(&self) -> Msg {
        msg!("lang-unsupported", lang = &self.0)
    }
}
