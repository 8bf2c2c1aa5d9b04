//! The town hall's advice and good practices: short guidance pages
//! (confinement do's and don'ts, the family emergency plan, first aid) that
//! residents read offline and an alert may link to.
//!
//! A page has an identifier chosen by staff (it is in its link,
//! `/advice/{id}`), a title and a body per language, the body in Markdown,
//! and the communes it is for (none: the whole territory). Every change
//! makes a new version (the store keeps them all); devices sync the latest,
//! like the rules in force.
//!
//! Markdown is the author's, and an author's account can be stolen: the
//! body is rendered by [`render`] to a small allow-listed subset of HTML,
//! with raw HTML shown as text, images never loaded and links limited to
//! the web, mail and phone. Every reader (the server's pages, the web app,
//! the desktop app) gets its HTML from that one function.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::commune::InseeCode;
use crate::lang::Lang;

/// The most characters of a page's title.
pub const MAX_ADVICE_TITLE: usize = 120;
/// The most characters of a page's body in one language: a few screens.
pub const MAX_ADVICE_BODY: usize = 20_000;
/// The most characters of a page's identifier.
pub const MAX_ADVICE_ID: usize = 64;

/// A page's title and body in one of the interface's languages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AdviceText {
    pub lang: Lang,
    pub title: String,
    /// Markdown (CommonMark), rendered by [`render`].
    pub body: String,
}

/// What staff write: everything of a page but its identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AdviceDraft {
    /// The communes it is for; none means the whole territory.
    #[serde(default)]
    pub communes: Vec<InseeCode>,
    /// At least one, at most one per language.
    pub texts: Vec<AdviceText>,
}

/// A page as published: its id, its version and when that version was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Advice {
    pub id: String,
    /// 1 for the first, one more at every change.
    pub version: u32,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub draft: AdviceDraft,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub changed_at: OffsetDateTime,
}

/// One version in a page's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AdviceVersion {
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub advice: Advice,
    /// This version withdrew the page (its content is the last one's).
    pub withdrawn: bool,
}

/// Why a page is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdviceError {
    #[error("{0:?} is not a page identifier: lowercase letters, digits and dashes")]
    InvalidId(String),
    #[error("a page needs a title and a text in at least one language")]
    NoText,
    #[error("language {0} has two texts: one per language")]
    DuplicateLang(Lang),
    #[error("the {0} text has no title")]
    NoTitle(Lang),
    #[error("the {lang} title has {len} characters: at most {max}")]
    TitleTooLong { lang: Lang, len: usize, max: usize },
    #[error("the {0} text is empty")]
    NoBody(Lang),
    #[error("the {lang} text has {len} characters: at most {max}")]
    BodyTooLong { lang: Lang, len: usize, max: usize },
    #[error("the {0} text has a control character: only line breaks and tabs")]
    ControlCharacter(Lang),
}

/// A character no page needs and a terminal may obey (an escape sequence):
/// every control character but line breaks and tabs.
pub fn is_unwanted_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// Checks a page identifier: 1 to [`MAX_ADVICE_ID`] lowercase ASCII
/// letters, digits and inner dashes (`plan-familial`), so that it reads
/// well in a link and never needs escaping.
pub fn check_id(id: &str) -> Result<(), AdviceError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ADVICE_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(AdviceError::InvalidId(
            id.chars().take(MAX_ADVICE_ID + 1).collect(),
        ))
    }
}

impl AdviceDraft {
    /// Texts trimmed, blank ones dropped, in a stable order: what a form sends.
    pub fn tidied(mut self) -> Self {
        for t in &mut self.texts {
            t.title = t.title.trim().to_owned();
            t.body = t.body.trim().to_owned();
        }
        self.texts
            .retain(|t| !(t.title.is_empty() && t.body.is_empty()));
        self.texts.sort_by_key(|t| t.lang.tag());
        self.communes.sort();
        self.communes.dedup();
        self
    }

    /// Checks what residents will read; the server checks the communes exist.
    pub fn validate(&self) -> Result<(), AdviceError> {
        if self.texts.is_empty() {
            return Err(AdviceError::NoText);
        }
        let mut seen = Vec::new();
        for t in &self.texts {
            if seen.contains(&t.lang) {
                return Err(AdviceError::DuplicateLang(t.lang));
            }
            seen.push(t.lang);
            if t.title.trim().is_empty() {
                return Err(AdviceError::NoTitle(t.lang));
            }
            let len = t.title.chars().count();
            if len > MAX_ADVICE_TITLE {
                return Err(AdviceError::TitleTooLong {
                    lang: t.lang,
                    len,
                    max: MAX_ADVICE_TITLE,
                });
            }
            if t.body.trim().is_empty() {
                return Err(AdviceError::NoBody(t.lang));
            }
            if t.title
                .chars()
                .chain(t.body.chars())
                .any(is_unwanted_control)
            {
                return Err(AdviceError::ControlCharacter(t.lang));
            }
            let len = t.body.chars().count();
            if len > MAX_ADVICE_BODY {
                return Err(AdviceError::BodyTooLong {
                    lang: t.lang,
                    len,
                    max: MAX_ADVICE_BODY,
                });
            }
        }
        Ok(())
    }

    /// Whether it is for `commune` (a territory-wide page is for everyone).
    pub fn applies_to(&self, commune: &InseeCode) -> bool {
        self.communes.is_empty() || self.communes.contains(commune)
    }

    /// Its text for a reader of `lang`: theirs, else French, else the first.
    pub fn text_for(&self, lang: Lang) -> Option<&AdviceText> {
        self.texts
            .iter()
            .find(|t| t.lang == lang)
            .or_else(|| self.texts.iter().find(|t| t.lang == Lang::Fr))
            .or_else(|| self.texts.first())
    }
}

/// A page as a resident reads it: in one language, its body as safe HTML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AdvicePage {
    pub id: String,
    pub version: u32,
    /// The language of `title` and `html` (the reader's when written in it).
    pub lang: Lang,
    pub title: String,
    /// The body rendered by [`render`]: safe to put in a page as is.
    pub html: String,
    /// Whether it is for the whole territory rather than some communes.
    pub territory: bool,
    #[cfg_attr(feature = "ts", ts(type = "Array<string>"))]
    pub communes: Vec<InseeCode>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub changed_at: OffsetDateTime,
}

#[cfg(feature = "markdown")]
impl Advice {
    /// The page for a reader of `lang`; `None` if it has no text (never
    /// stored so).
    pub fn page(&self, lang: Lang) -> Option<AdvicePage> {
        let text = self.draft.text_for(lang)?;
        Some(AdvicePage {
            id: self.id.clone(),
            version: self.version,
            lang: text.lang,
            title: text.title.clone(),
            html: render(&text.body),
            territory: self.draft.communes.is_empty(),
            communes: self.draft.communes.clone(),
            changed_at: self.changed_at,
        })
    }
}

/// The pages for someone following `communes` (the territory's pages and
/// those of any of them; all of them when `communes` is empty), the latest
/// changed first, in `lang`.
#[cfg(feature = "markdown")]
pub fn pages_for(all: &[Advice], communes: &[InseeCode], lang: Lang) -> Vec<AdvicePage> {
    let mut found: Vec<&Advice> = all
        .iter()
        .filter(|a| communes.is_empty() || communes.iter().any(|c| a.draft.applies_to(c)))
        .collect();
    found.sort_by(|a, b| b.changed_at.cmp(&a.changed_at).then(a.id.cmp(&b.id)));
    found.into_iter().filter_map(|a| a.page(lang)).collect()
}

/// The elements a page's HTML may have; nothing else survives [`render`].
#[cfg(feature = "markdown")]
const TAGS: [&str; 23] = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "del",
    "a",
    "blockquote",
    "code",
    "pre",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
];

/// One heading level down (`#` becomes `<h2>`), the sixth staying sixth.
#[cfg(feature = "markdown")]
fn lower(level: pulldown_cmark::HeadingLevel) -> pulldown_cmark::HeadingLevel {
    use pulldown_cmark::HeadingLevel::*;
    match level {
        H1 => H2,
        H2 => H3,
        H3 => H4,
        H4 => H5,
        H5 | H6 => H6,
    }
}

/// A page's Markdown as HTML that is safe to show as is.
///
/// Two layers. First the Markdown events: raw HTML (blocks and inline)
/// becomes text, so `<script>` reads as what was typed; images are dropped
/// and their alt text kept, so no page makes a reader's device fetch
/// anything from anyone (a third-party image tells its host who reads what,
/// and when). Then ammonia's allow-list: only [`TAGS`] and table cells,
/// `href` on links and `start` on numbered lists, links only to `http`,
/// `https`, `mailto` and `tel` (no `javascript:`, no `data:`, no relative
/// address that would navigate the app itself), with
/// `rel="noopener noreferrer nofollow"`.
#[cfg(feature = "markdown")]
pub fn render(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    use std::collections::HashSet;
    let events = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .filter_map(|e| match e {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        // The page's title is its only first-level heading.
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level: lower(level),
            id,
            classes,
            attrs,
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(lower(level)))),
        other => Some(other),
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    ammonia::Builder::empty()
        .add_tags(TAGS)
        .add_tags(["th", "td"])
        .add_tag_attributes("a", ["href"])
        .add_tag_attributes("ol", ["start"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn text(lang: Lang, title: &str, body: &str) -> AdviceText {
        AdviceText {
            lang,
            title: title.into(),
            body: body.into(),
        }
    }

    #[test]
    fn identifiers_read_well_in_a_link() {
        for ok in [
            "plan-familial",
            "a",
            "gestes-2020",
            &"x".repeat(MAX_ADVICE_ID),
        ] {
            assert_eq!(check_id(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "Plan",
            "plan familial",
            "plan/x",
            "été",
            "../etc",
            &"x".repeat(MAX_ADVICE_ID + 1),
        ] {
            assert!(check_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_draft_needs_titled_texts_of_bounded_size() {
        let draft = |texts| AdviceDraft {
            communes: vec![],
            texts,
        };
        assert_eq!(draft(vec![]).validate(), Err(AdviceError::NoText));
        assert_eq!(
            draft(vec![text(Lang::Fr, " ", "Corps")]).validate(),
            Err(AdviceError::NoTitle(Lang::Fr))
        );
        assert_eq!(
            draft(vec![text(Lang::It, "Titolo", "")]).validate(),
            Err(AdviceError::NoBody(Lang::It))
        );
        assert_eq!(
            draft(vec![text(Lang::Fr, "A", "b"), text(Lang::Fr, "C", "d")]).validate(),
            Err(AdviceError::DuplicateLang(Lang::Fr))
        );
        let long = "é".repeat(MAX_ADVICE_BODY + 1);
        assert_eq!(
            draft(vec![text(Lang::En, "Title", &long)]).validate(),
            Err(AdviceError::BodyTooLong {
                lang: Lang::En,
                len: MAX_ADVICE_BODY + 1,
                max: MAX_ADVICE_BODY
            })
        );
        assert!(matches!(
            draft(vec![text(Lang::En, &"t".repeat(121), "b")]).validate(),
            Err(AdviceError::TitleTooLong { len: 121, .. })
        ));
        assert_eq!(
            draft(vec![text(
                Lang::Fr,
                "Titre",
                "Voir \u{1b}]52;c;ZXZpbA==\u{7}"
            )])
            .validate(),
            Err(AdviceError::ControlCharacter(Lang::Fr)),
            "a terminal escape"
        );
        assert_eq!(
            draft(vec![text(Lang::Fr, "Titre", "Ligne\r\n\tsuite")]).validate(),
            Ok(())
        );
        // Blank texts (an empty form's language) are dropped, not refused.
        let tidy = draft(vec![text(Lang::It, " ", " "), text(Lang::Fr, " A ", " b ")]).tidied();
        assert_eq!(tidy.texts, [text(Lang::Fr, "A", "b")]);
        assert_eq!(tidy.validate(), Ok(()));
    }

    #[cfg(feature = "markdown")]
    #[test]
    fn markdown_renders_to_the_allowed_subset() {
        assert_eq!(render("# Un\n\n###### Six"), "<h2>Un</h2>\n<h6>Six</h6>\n");
        let html = render(
            "## Avant\n\n- **Eau** : 3 jours\n- *Radio* à piles\n\n1. Un\n2. Deux\n\n\
             Voir [Géorisques](https://www.georisques.gouv.fr), appeler le [15](tel:15).\n\n\
             > Restez calme.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        );
        for part in [
            "<h3>Avant</h3>",
            "<strong>Eau</strong>",
            "<em>Radio</em>",
            "<ol>",
            "<li>Deux</li>",
            r#"<a href="https://www.georisques.gouv.fr" rel="noopener noreferrer nofollow">Géorisques</a>"#,
            r#"<a href="tel:15" rel="noopener noreferrer nofollow">15</a>"#,
            "<blockquote>",
            "<td>2</td>",
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
    }

    /// What an attacker with a staff account (or a pasted text) may try:
    /// every one renders inert, and the words stay readable.
    #[cfg(feature = "markdown")]
    #[test]
    fn hostile_markdown_renders_inert() {
        let hostile = [
            "<script>alert(1)</script>",
            "Texte <script>alert(1)</script> en ligne",
            "<img src=x onerror=alert(1)>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<a href=\"javascript:alert(1)\">clic</a>",
            "[clic](javascript:alert(1))",
            "[clic](JaVaScRiPt:alert(1))",
            "[clic](  javascript&#58;alert(1))",
            "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[clic](vbscript:msgbox)",
            "<javascript:alert(1)>",
            "[ref]\n\n[ref]: javascript:alert(1)",
            "![suivi](https://tracker.example/pixel.gif)",
            "![x](https://tracker.example/a.png \"t\") et ![y][i]\n\n[i]: //tracker.example/b.png",
            "<div onclick=\"alert(1)\">x</div>",
            "<style>body{display:none}</style>",
            "<svg><script>alert(1)</script></svg>",
            "<form action=https://evil.example><input name=p></form>",
            "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
            "[relative](/api/v1/admin/staff)",
            "[proto](//evil.example/x)",
            "<a href=\"https://ok.example\" onmouseover=\"alert(1)\" style=\"x\">ok</a>",
            "```html\n<script>alert(1)</script>\n```",
            "`<img src=x onerror=alert(1)>`",
        ];
        for md in hostile {
            let html = render(md);
            // Raw HTML survives as escaped text (`&lt;script`): every `<`
            // left opens markup that `render` made, so that is what is checked.
            for tag in html.split('<').skip(1) {
                let tag = tag
                    .split('>')
                    .next()
                    .unwrap_or_default()
                    .replace(r#" rel="noopener noreferrer nofollow""#, "");
                let mut words = tag.split_whitespace();
                let name = words.next().unwrap_or_default().trim_start_matches('/');
                assert!(
                    TAGS.contains(&name) || name == "th" || name == "td",
                    "{md:?} made <{tag}>"
                );
                for attr in words {
                    let (key, value) = attr.split_once('=').unwrap_or((attr, ""));
                    let value = value.trim_matches('"').to_ascii_lowercase();
                    match key {
                        "rel" | "start" => {}
                        "href" => assert!(
                            ["https://", "http://", "mailto:", "tel:"]
                                .iter()
                                .any(|s| value.starts_with(s))
                                && !value.contains("tracker.example"),
                            "{md:?} made the link {value}"
                        ),
                        _ => panic!("{md:?} made the attribute {attr}"),
                    }
                }
            }
            assert!(
                !html.contains("tracker.example"),
                "{md:?} rendered {html:?}"
            );
        }
        // The text of raw HTML and of images stays readable.
        assert!(render("<script>alert(1)</script>").contains("&lt;script&gt;"));
        assert!(render("![Le kit d'urgence](https://x.example/k.png)").contains("Le kit d"));
    }

    #[cfg(feature = "markdown")]
    #[test]
    fn a_reader_gets_their_language_else_french_and_only_their_communes() {
        let nice: InseeCode = "06088".parse().unwrap();
        let cagnes: InseeCode = "06027".parse().unwrap();
        let page = |id: &str, communes: Vec<InseeCode>, at| Advice {
            id: id.into(),
            version: 1,
            draft: AdviceDraft {
                communes,
                texts: vec![
                    text(Lang::Fr, "Titre", "Corps"),
                    text(Lang::It, "Titolo", "Corpo"),
                ],
            },
            changed_at: at,
        };
        let all = [
            page("territoire", vec![], datetime!(2020-03-16 12:00 UTC)),
            page("nice", vec![nice.clone()], datetime!(2020-03-17 12:00 UTC)),
            page("cagnes", vec![cagnes], datetime!(2020-03-18 12:00 UTC)),
        ];
        let seen = pages_for(&all, std::slice::from_ref(&nice), Lang::En);
        let ids: Vec<(&str, Lang, &str)> = seen
            .iter()
            .map(|p| (p.id.as_str(), p.lang, p.title.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("nice", Lang::Fr, "Titre"),
                ("territoire", Lang::Fr, "Titre")
            ]
        );
        assert_eq!(pages_for(&all, &[nice], Lang::It)[0].title, "Titolo");
        assert_eq!(pages_for(&all, &[], Lang::Fr).len(), 3);
    }
}
