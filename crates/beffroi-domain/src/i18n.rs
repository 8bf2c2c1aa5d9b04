//! Fluent messages for the Rust side (feature `l10n`). The UI and Rust read
//! the same files under `locales/<lang>/`; French is the source, and a
//! message missing in another language falls back to French. The server
//! renders its errors with it in the request's language, the client and the
//! CLI in the resident's.

use std::borrow::Cow;

use crate::Lang;
use crate::l10n::{Arg, Msg};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

macro_rules! ftl {
    ($lang:ident, $dir:literal, $file:literal) => {
        (
            Lang::$lang,
            $file,
            include_str!(concat!("../../../locales/", $dir, "/", $file)),
        )
    };
}

/// The Fluent files embedded in Rust binaries: (language, file name, source).
pub const FILES: &[(Lang, &str, &str)] = &[
    ftl!(Fr, "fr", "cli.ftl"),
    ftl!(En, "en", "cli.ftl"),
    ftl!(It, "it", "cli.ftl"),
    ftl!(Fr, "fr", "directory.ftl"),
    ftl!(En, "en", "directory.ftl"),
    ftl!(It, "it", "directory.ftl"),
    ftl!(Fr, "fr", "alerts.ftl"),
    ftl!(En, "en", "alerts.ftl"),
    ftl!(It, "it", "alerts.ftl"),
    ftl!(Fr, "fr", "errors.ftl"),
    ftl!(En, "en", "errors.ftl"),
    ftl!(It, "it", "errors.ftl"),
    ftl!(Fr, "fr", "measures.ftl"),
    ftl!(En, "en", "measures.ftl"),
    ftl!(It, "it", "measures.ftl"),
    ftl!(Fr, "fr", "pages.ftl"),
    ftl!(En, "en", "pages.ftl"),
    ftl!(It, "it", "pages.ftl"),
    ftl!(Fr, "fr", "aid.ftl"),
    ftl!(En, "en", "aid.ftl"),
    ftl!(It, "it", "aid.ftl"),
    ftl!(Fr, "fr", "server.ftl"),
    ftl!(En, "en", "server.ftl"),
    ftl!(It, "it", "server.ftl"),
];

#[derive(Debug, thiserror::Error)]
#[error("locales/{lang}/{file} does not parse: {detail}")]
pub struct LocaleError {
    pub lang: Lang,
    pub file: &'static str,
    pub detail: String,
}

fn bundle(lang: Lang) -> Result<FluentBundle<FluentResource>, LocaleError> {
    let langid = lang.tag().parse().map_err(|e| LocaleError {
        lang,
        file: "-",
        detail: format!("{e:?}"),
    })?;
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Terminals show Unicode isolation marks as garbage.
    bundle.set_use_isolating(false);
    for (l, file, src) in FILES.iter().filter(|(l, ..)| *l == lang) {
        let res = FluentResource::try_new((*src).to_owned()).map_err(|(_, errs)| LocaleError {
            lang: *l,
            file,
            detail: format!("{errs:?}"),
        })?;
        bundle.add_resource(res).map_err(|errs| LocaleError {
            lang: *l,
            file,
            detail: format!("{errs:?}"),
        })?;
    }
    Ok(bundle)
}

/// Formats messages in one language, falling back to French.
pub struct Localizer {
    lang: Lang,
    primary: FluentBundle<FluentResource>,
    fallback: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Localizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Localizer")
            .field("lang", &self.lang)
            .finish()
    }
}

impl Localizer {
    pub fn new(lang: Lang) -> Result<Self, LocaleError> {
        Ok(Self {
            lang,
            primary: bundle(lang)?,
            fallback: bundle(Lang::Fr)?,
        })
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The embedded messages of `lang`, parsed once per process and shared
    /// (the server, the app and the core all read the same catalogues).
    pub fn shared(lang: Lang) -> Result<&'static Localizer, LocaleError> {
        static ALL: [std::sync::OnceLock<Localizer>; 3] = [const { std::sync::OnceLock::new() }; 3];
        let slot = &ALL[Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)];
        if let Some(l) = slot.get() {
            return Ok(l);
        }
        // Two threads may both parse on first use; one result is kept.
        let parsed = Localizer::new(lang)?;
        Ok(slot.get_or_init(|| parsed))
    }

    /// The message `id` with its `{ $name }` variables; the id itself if no
    /// language has it (a test keeps that from shipping).
    pub fn msg(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, v.clone());
        }
        for bundle in [&self.primary, &self.fallback] {
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                // Fluent renders what it can; a missing variable shows as its
                // name (the locale tests keep that from shipping).
                let mut errors = vec![];
                let text: Cow<'_, str> = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
                return text.into_owned();
            }
        }
        id.to_owned()
    }
}

impl Localizer {
    /// A message of the errors' catalogue with its arguments.
    pub fn render(&self, m: &Msg) -> String {
        let args: Vec<(&str, FluentValue<'_>)> = m
            .args
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Arg::Str(s) => FluentValue::from(s.as_str()),
                    Arg::Num(n) => FluentValue::from(*n),
                };
                (*k, v)
            })
            .collect();
        self.msg(m.id, &args)
    }

    /// Whether the language (or French) defines `id`.
    pub fn has(&self, id: &str) -> bool {
        self.primary.has_message(id) || self.fallback.has_message(id)
    }
}

/// The message ids a Fluent source defines, or its parse errors.
pub fn message_ids(src: &str) -> Result<Vec<String>, String> {
    let res = FluentResource::try_new(src.to_owned()).map_err(|(_, errs)| format!("{errs:?}"))?;
    Ok(res
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    /// Every file under `locales/` (the UI's too): each language parses and has
    /// exactly the ids of the French source.
    #[test]
    fn every_language_has_every_message_of_the_french_source() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales");
        let ids = |lang: Lang, file: &str| -> BTreeSet<String> {
            let path = root.join(lang.tag()).join(file);
            let src = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("locales/{lang}/{file}: {e}"));
            message_ids(&src)
                .unwrap_or_else(|e| panic!("locales/{lang}/{file} does not parse: {e}"))
                .into_iter()
                .collect()
        };
        let mut files: Vec<_> = std::fs::read_dir(root.join("fr"))
            .expect("locales/fr")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|f| f.ends_with(".ftl"))
            .collect();
        files.sort();
        assert!(files.len() >= 3, "{files:?}");
        for file in &files {
            let source = ids(Lang::Fr, file);
            for lang in [Lang::En, Lang::It] {
                let other = ids(lang, file);
                let missing: Vec<_> = source.difference(&other).collect();
                let extra: Vec<_> = other.difference(&source).collect();
                assert!(
                    missing.is_empty() && extra.is_empty(),
                    "locales/{lang}/{file}: missing {missing:?}, not in French {extra:?}"
                );
            }
        }
    }

    /// Every message id given to `msg!` in the Rust sources names a message of every
    /// language's `errors.ftl` (or `measures.ftl`, where rules in force are said).
    #[test]
    fn every_message_the_code_uses_exists_in_every_language() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut sources = vec![];
        let mut dirs = vec![root.join("crates"), root.join("src-tauri/src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("source dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    sources.push(std::fs::read_to_string(&path).expect("source"));
                }
            }
        }
        let mut used = BTreeSet::new();
        for src in &sources {
            for (i, _) in src.match_indices("msg!(") {
                let rest = src[i + 5..].trim_start();
                if let Some(id) = rest.strip_prefix('"').and_then(|r| r.split('"').next())
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    used.insert(id.to_owned());
                }
            }
        }
        assert!(
            used.len() > 80,
            "{} ids found: the scan is broken",
            used.len()
        );
        for lang in Lang::ALL {
            let mut ids = BTreeSet::new();
            for file in ["errors.ftl", "measures.ftl", "server.ftl"] {
                let path = root.join("locales").join(lang.tag()).join(file);
                let src = std::fs::read_to_string(&path).expect("a locale file");
                ids.extend(message_ids(&src).expect("parses"));
            }
            let missing: Vec<_> = used.difference(&ids).collect();
            assert!(
                missing.is_empty(),
                "locales/{lang}/ (errors.ftl, measures.ftl, server.ftl) lacks {missing:?}"
            );
        }
    }

    /// The `{ $name }` variables of a Fluent source, per message.
    fn variables(src: &str) -> std::collections::BTreeMap<String, BTreeSet<String>> {
        let mut out = std::collections::BTreeMap::new();
        let mut current: Option<String> = None;
        for line in src.lines() {
            if let Some((id, _)) = line
                .split_once(" =")
                .filter(|(id, _)| !id.is_empty() && !id.starts_with([' ', '#']))
            {
                current = Some(id.to_owned());
            }
            let Some(id) = &current else { continue };
            let vars: &mut BTreeSet<String> = out.entry(id.clone()).or_default();
            for (i, _) in line.match_indices('$') {
                let name: String = line[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                vars.insert(name);
            }
        }
        out
    }

    /// A message says the same things in every language: the same variables
    /// as the French source (a missing one would drop a value; an extra one
    /// would show as its name).
    #[test]
    fn every_language_uses_the_variables_of_the_french_source() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales");
        for entry in std::fs::read_dir(root.join("fr")).expect("locales/fr") {
            let file = entry.expect("entry").file_name();
            let read = |lang: &str| {
                std::fs::read_to_string(root.join(lang).join(&file)).expect("a locale file")
            };
            let french = variables(&read("fr"));
            for lang in ["en", "it"] {
                let other = variables(&read(lang));
                for (id, vars) in &french {
                    assert_eq!(
                        other.get(id),
                        Some(vars),
                        "locales/{lang}/{}: {id}",
                        file.to_string_lossy()
                    );
                }
            }
        }
    }

    #[test]
    fn a_domain_error_reads_in_each_language() {
        use crate::l10n::Localize;
        let e = crate::report::ReportError::DescriptionTooLong(4321);
        let texts: Vec<String> = Lang::ALL
            .iter()
            .map(|l| Localizer::new(*l).expect("locale").render(&e.msg()))
            .collect();
        assert!(texts[0].starts_with("La description a 4"), "{texts:?}");
        assert!(texts[1].starts_with("The description has 4"), "{texts:?}");
        assert!(texts[2].starts_with("La descrizione ha 4"), "{texts:?}");
        assert!(texts.iter().all(|t| !t.contains('$')), "{texts:?}");
    }

    #[test]
    fn a_broken_file_is_reported() {
        assert!(message_ids("ok = fine\nbroken = { $\n").is_err());
        assert_eq!(
            message_ids("a = 1\n# c\nb = 2\n"),
            Ok(vec!["a".into(), "b".into()])
        );
    }

    #[test]
    fn every_language_formats_with_variables() {
        for lang in Lang::ALL {
            let l10n = Localizer::new(lang).expect("locale parses");
            let text = l10n.msg(
                "cli-sync-done",
                &[
                    ("count", 51.into()),
                    ("changed", 3.into()),
                    ("server", "http://x".into()),
                ],
            );
            assert!(
                text.contains("51") && text.contains("http://x"),
                "{lang}: {text}"
            );
            assert_ne!(l10n.msg("no-such-id", &[]), "", "unknown ids show the id");
        }
        let fr = Localizer::new(Lang::Fr).expect("fr");
        assert_ne!(
            fr.msg(
                "cli-offline",
                &[("server", "s".into()), ("reason", "r".into())]
            ),
            Localizer::new(Lang::En).expect("en").msg(
                "cli-offline",
                &[("server", "s".into()), ("reason", "r".into())]
            )
        );
    }
}
