//! CAP 1.2 XML: alerts written out for the feed, and alerts read from the town
//! hall's own alerting tools.
//!
//! Written: each language block is a CAP `<info>` repeating the message's
//! classification; the area is INSEE geocodes (or the territory's EPCI code)
//! with the communes' names as `<areaDesc>`. Read: the same shape; what
//! Beffroi cannot represent (polygons, other geocodes, private scopes) is
//! refused with a clear message rather than dropped, and so is what the CAP
//! 1.2 schema does not allow (an element inside `<contact>`, a second
//! `<headline>`). Any BCP 47 language is kept, and several `<info>` blocks
//! in one language (one per event or audience) too. A document with a DTD is refused outright, and no entity other
//! than XML's five predefined ones and character references is resolved, so
//! external entities and entity expansion cannot happen.

use std::fmt::Write as _;

use beffroi_domain::alert::{
    AlertCategory, AlertDraft, AlertMessage, AlertStatus, AlertText, Area, Certainty,
    EVENT_CODE_NAME, GEOCODE_INSEE, GEOCODE_TERRITORY, MsgType, Reference, Severity, Urgency,
};
use beffroi_domain::shape::{Circle, Polygon, ShapeError};
use beffroi_domain::{InseeCode, Lang, LangTag};
use quick_xml::XmlVersion;
use quick_xml::events::Event;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

pub const NAMESPACE: &str = "urn:oasis:names:tc:emergency:cap:1.2";
/// The media type of a CAP document.
pub const MEDIA_TYPE: &str = "application/cap+xml";

/// How the territory and its communes are named in `<areaDesc>`.
pub trait AreaNames {
    fn territory(&self) -> (&str, &str);
    fn commune(&self, code: &InseeCode) -> Option<&str>;
    /// The communes an area's shapes reach (none known by default).
    fn reached(&self, _area: &Area) -> Vec<InseeCode> {
        Vec::new()
    }
}

/// A CAP date-time: seconds, a numeric offset, UTC written `-00:00`.
pub fn cap_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}-00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}

fn element(out: &mut String, indent: &str, name: &str, text: &str) {
    let _ = writeln!(out, "{indent}<{name}>{}</{name}>", esc(text));
}

/// How the area reads: the territory's name, or its communes' names and the
/// number of its shapes on the map.
pub fn area_desc(area: &Area, names: &dyn AreaNames) -> String {
    match area {
        Area::Territory => names.territory().1.to_owned(),
        Area::Communes {
            communes,
            polygons,
            circles,
        } => {
            // Listed communes, then those the shapes reach.
            let mut codes = communes.clone();
            if !(polygons.is_empty() && circles.is_empty()) {
                codes.extend(names.reached(area));
            }
            codes.sort();
            codes.dedup();
            let desc: Vec<&str> = codes
                .iter()
                .map(|c| names.commune(c).unwrap_or(c.as_str()))
                .collect();
            desc.join(", ")
        }
    }
}

/// The area's description, shapes and geocodes.
fn area_xml(out: &mut String, area: &Area, names: &dyn AreaNames) {
    out.push_str("    <area>\n");
    match area {
        Area::Territory => {
            let (code, name) = names.territory();
            element(out, "      ", "areaDesc", name);
            geocode(out, GEOCODE_TERRITORY, code);
        }
        Area::Communes {
            communes,
            polygons,
            circles,
        } => {
            element(out, "      ", "areaDesc", &area_desc(area, names));
            // The schema's order: areaDesc, polygon*, circle*, geocode*.
            for p in polygons {
                element(out, "      ", "polygon", &p.to_cap());
            }
            for c in circles {
                element(out, "      ", "circle", &c.to_cap());
            }
            for c in communes {
                geocode(out, GEOCODE_INSEE, c.as_str());
            }
        }
    }
    out.push_str("    </area>\n");
}

fn geocode(out: &mut String, name: &str, value: &str) {
    out.push_str("      <geocode>\n");
    element(out, "        ", "valueName", name);
    element(out, "        ", "value", value);
    out.push_str("      </geocode>\n");
}

/// A message as a CAP 1.2 document.
pub fn to_xml(m: &AlertMessage, sender_name: &str, names: &dyn AreaNames) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<alert xmlns=\"{NAMESPACE}\">");
    element(&mut out, "  ", "identifier", &m.identifier);
    element(&mut out, "  ", "sender", &m.sender);
    element(&mut out, "  ", "sent", &cap_time(m.sent));
    element(&mut out, "  ", "status", m.body.status.cap());
    element(&mut out, "  ", "msgType", m.msg_type.cap());
    element(&mut out, "  ", "scope", "Public");
    if !m.references.is_empty() {
        let refs: Vec<String> = m
            .references
            .iter()
            .map(|r| format!("{},{},{}", r.sender, r.identifier, cap_time(r.sent)))
            .collect();
        element(&mut out, "  ", "references", &refs.join(" "));
    }
    let b = &m.body;
    for t in &b.texts {
        out.push_str("  <info>\n");
        let i = "    ";
        element(&mut out, i, "language", t.lang.as_str());
        element(&mut out, i, "category", b.category.cap());
        element(&mut out, i, "event", t.event.as_ref().unwrap_or(&b.event));
        element(&mut out, i, "urgency", b.urgency.cap());
        element(&mut out, i, "severity", b.severity.cap());
        element(&mut out, i, "certainty", b.certainty.cap());
        if let Some(audience) = &t.audience {
            element(&mut out, i, "audience", audience);
        }
        if let Some(code) = &b.event_code {
            out.push_str("    <eventCode>\n");
            element(&mut out, "      ", "valueName", EVENT_CODE_NAME);
            element(&mut out, "      ", "value", code);
            out.push_str("    </eventCode>\n");
        }
        for (name, time) in [
            ("effective", b.effective),
            ("onset", b.onset),
            ("expires", b.expires),
        ] {
            if let Some(time) = time {
                element(&mut out, i, name, &cap_time(time));
            }
        }
        element(
            &mut out,
            i,
            "senderName",
            m.sender_name.as_deref().unwrap_or(sender_name),
        );
        element(&mut out, i, "headline", &t.headline);
        element(&mut out, i, "description", &t.description);
        for (name, value) in [
            ("instruction", &t.instruction),
            ("web", &t.web),
            ("contact", &t.contact),
        ] {
            if let Some(value) = value {
                element(&mut out, i, name, value);
            }
        }
        area_xml(&mut out, &b.area, names);
        out.push_str("  </info>\n");
    }
    out.push_str("</alert>\n");
    out
}

/// One entry of the Atom index.
#[derive(Debug)]
pub struct FeedEntry<'a> {
    pub message: &'a AlertMessage,
    pub url: String,
}

/// The Atom index of active alerts, with the `cap:` summary fields.
pub fn atom(
    self_url: &str,
    title: &str,
    updated: OffsetDateTime,
    entries: &[FeedEntry<'_>],
    names: &dyn AreaNames,
) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:cap=\"{NAMESPACE}\">"
    );
    element(&mut out, "  ", "id", self_url);
    element(&mut out, "  ", "title", title);
    element(
        &mut out,
        "  ",
        "updated",
        &cap_time(updated).replace("-00:00", "Z"),
    );
    let _ = writeln!(out, "  <link rel=\"self\" href=\"{}\"/>", esc(self_url));
    let _ = writeln!(out, "  <author><name>{}</name></author>", esc(title));
    for e in entries {
        let m = e.message;
        let text = m.text(Lang::Fr);
        out.push_str("  <entry>\n");
        let i = "    ";
        element(&mut out, i, "id", &e.url);
        element(
            &mut out,
            i,
            "title",
            text.map_or(m.body.event.as_str(), |t| &t.headline),
        );
        element(
            &mut out,
            i,
            "updated",
            &cap_time(m.sent).replace("-00:00", "Z"),
        );
        let _ = writeln!(
            out,
            "    <link rel=\"alternate\" type=\"{MEDIA_TYPE}\" href=\"{}\"/>",
            esc(&e.url)
        );
        element(&mut out, i, "summary", text.map_or("", |t| &t.description));
        element(&mut out, i, "cap:identifier", &m.identifier);
        element(&mut out, i, "cap:sender", &m.sender);
        element(&mut out, i, "cap:sent", &cap_time(m.sent));
        element(&mut out, i, "cap:status", m.body.status.cap());
        element(&mut out, i, "cap:msgType", m.msg_type.cap());
        element(&mut out, i, "cap:event", &m.body.event);
        element(&mut out, i, "cap:urgency", m.body.urgency.cap());
        element(&mut out, i, "cap:severity", m.body.severity.cap());
        element(&mut out, i, "cap:certainty", m.body.certainty.cap());
        if let Some(expires) = m.body.expires {
            element(&mut out, i, "cap:expires", &cap_time(expires));
        }
        element(&mut out, i, "cap:areaDesc", &area_desc(&m.body.area, names));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// Why a CAP document is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CapError {
    #[error("not well-formed XML: {0}")]
    Xml(String),
    #[error("documents with a DTD (<!DOCTYPE>) are refused: CAP needs none")]
    Doctype,
    #[error(
        "the entity &{0}; is not allowed: only XML's predefined entities and character references are"
    )]
    Entity(String),
    #[error("the root element must be <alert> in the CAP 1.2 namespace ({NAMESPACE})")]
    NotCap,
    #[error("<{0}> is missing")]
    Missing(&'static str),
    #[error("<{element}> has an unsupported value {value:?}")]
    Value {
        element: &'static str,
        value: String,
    },
    #[error("only public alerts (<scope>Public</scope>) can be published to residents")]
    NotPublic,
    #[error("<language> {0:?} is not a language tag (RFC 3066 / BCP 47, e.g. fr-FR)")]
    Language(String),
    #[error("<{element}> is not allowed in <{parent}> by the CAP 1.2 schema")]
    Schema { element: String, parent: String },
    #[error("<{element}> appears more than once in <{parent}>: the CAP 1.2 schema allows one")]
    Repeated { element: String, parent: String },
    #[error("<{0}> has text outside its elements")]
    StrayText(String),
    #[error("the <info> blocks disagree on <{0}>: a message has one classification")]
    Disagree(&'static str),
    #[error(
        "the area must be INSEE commune geocodes (valueName {GEOCODE_INSEE}), the territory's code (valueName {GEOCODE_TERRITORY} {0}), or polygons and circles"
    )]
    Area(String),
    #[error(transparent)]
    Shape(#[from] ShapeError),
    #[error("the document is nested too deeply")]
    TooDeep,
    #[error("the document is not valid {0} (UTF-8 and ISO-8859-1 are read)")]
    Encoding(String),
}

impl beffroi_domain::l10n::Localize for CapError {
    fn msg(&self) -> beffroi_domain::l10n::Msg {
        use CapError::*;
        use beffroi_domain::msg;
        match self {
            Xml(d) => msg!("cap-xml", detail = d),
            Doctype => msg!("cap-doctype"),
            Entity(e) => msg!("cap-entity", entity = e),
            NotCap => msg!("cap-not-cap", namespace = NAMESPACE),
            Missing(e) => msg!("cap-missing", element = *e),
            Value { element, value } => msg!("cap-value", element = *element, value = value),
            NotPublic => msg!("cap-not-public"),
            Language(l) => msg!("cap-language", tag = l),
            Schema { element, parent } => msg!("cap-schema", element = element, parent = parent),
            Repeated { element, parent } => {
                msg!("cap-repeated", element = element, parent = parent)
            }
            StrayText(e) => msg!("cap-stray-text", element = e),
            Disagree(e) => msg!("cap-disagree", element = *e),
            Area(t) => msg!("cap-area", territory = t),
            Shape(e) => beffroi_domain::l10n::Localize::msg(e),
            TooDeep => msg!("cap-too-deep"),
            Encoding(e) => msg!("cap-encoding", encoding = e),
        }
    }
}

/// A parsed element: its local name, its text, its children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    ns: Option<String>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    fn text_of(&self, name: &'static str) -> Result<&str, CapError> {
        self.child(name)
            .map(|n| n.text.trim())
            .filter(|t| !t.is_empty())
            .ok_or(CapError::Missing(name))
    }
    fn opt(&self, name: &str) -> Option<String> {
        self.child(name)
            .map(|n| n.text.trim().to_owned())
            .filter(|t| !t.is_empty())
    }
}

const MAX_DEPTH: usize = 16;

/// The CAP 1.2 schema's element structure: for each element with children,
/// its children and whether each may repeat. Every other element holds text
/// only. (The schema's order is not enforced: senders vary, and it changes
/// no meaning.)
fn schema(parent: &str) -> Option<&'static [(&'static str, bool)]> {
    const VALUE_PAIR: &[(&str, bool)] = &[("valueName", false), ("value", false)];
    Some(match parent {
        "alert" => &[
            ("identifier", false),
            ("sender", false),
            ("sent", false),
            ("status", false),
            ("msgType", false),
            ("source", false),
            ("scope", false),
            ("restriction", false),
            ("addresses", false),
            ("code", true),
            ("note", false),
            ("references", false),
            ("incidents", false),
            ("info", true),
            // An XML signature (xmldsig), which the schema allows last.
            ("Signature", true),
        ],
        "info" => &[
            ("language", false),
            ("category", true),
            ("event", false),
            ("responseType", true),
            ("urgency", false),
            ("severity", false),
            ("certainty", false),
            ("audience", false),
            ("eventCode", true),
            ("effective", false),
            ("onset", false),
            ("expires", false),
            ("senderName", false),
            ("headline", false),
            ("description", false),
            ("instruction", false),
            ("web", false),
            ("contact", false),
            ("parameter", true),
            ("resource", true),
            ("area", true),
        ],
        "eventCode" | "parameter" | "geocode" => VALUE_PAIR,
        "resource" => &[
            ("resourceDesc", false),
            ("mimeType", false),
            ("size", false),
            ("uri", false),
            ("derefUri", false),
            ("digest", false),
        ],
        "area" => &[
            ("areaDesc", false),
            ("polygon", true),
            ("circle", true),
            ("geocode", true),
            ("altitude", false),
            ("ceiling", false),
        ],
        _ => return None,
    })
}

/// Refuses what the CAP 1.2 schema does not allow rather than dropping it:
/// an unknown element, a second single element, an element inside a text
/// element, text beside elements.
fn check_schema(node: &Node) -> Result<(), CapError> {
    if node.name == "Signature" {
        return Ok(());
    }
    let Some(allowed) = schema(&node.name) else {
        return match node.children.first() {
            Some(child) => Err(CapError::Schema {
                element: child.name.clone(),
                parent: node.name.clone(),
            }),
            None => Ok(()),
        };
    };
    if !node.text.trim().is_empty() {
        return Err(CapError::StrayText(node.name.clone()));
    }
    for (i, child) in node.children.iter().enumerate() {
        let Some((_, repeats)) = allowed.iter().find(|(name, _)| *name == child.name) else {
            return Err(CapError::Schema {
                element: child.name.clone(),
                parent: node.name.clone(),
            });
        };
        if !repeats && node.children[..i].iter().any(|c| c.name == child.name) {
            return Err(CapError::Repeated {
                element: child.name.clone(),
                parent: node.name.clone(),
            });
        }
        check_schema(child)?;
    }
    Ok(())
}

fn parse_tree(xml: &str) -> Result<Node, CapError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Node> = vec![Node::default()];
    let err = |e: &dyn std::fmt::Display| CapError::Xml(e.to_string());
    loop {
        match reader.read_event().map_err(|e| err(&e))? {
            Event::DocType(_) => return Err(CapError::Doctype),
            Event::Start(e) | Event::Empty(e) if stack.len() > MAX_DEPTH => {
                let _ = e;
                return Err(CapError::TooDeep);
            }
            Event::Start(e) => {
                let node = start_node(&e)?;
                stack.push(node);
            }
            Event::Empty(e) => {
                let node = start_node(&e)?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(node);
                }
            }
            Event::End(_) => {
                let node = stack
                    .pop()
                    .ok_or_else(|| CapError::Xml("unbalanced".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => return Err(CapError::Xml("unbalanced".into())),
                }
            }
            Event::Text(t) => {
                let text = t.xml_content(XmlVersion::Implicit1_0);
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&text);
                }
            }
            Event::CData(t) => {
                let text = t.xml_content(XmlVersion::Implicit1_0);
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| err(&e))? {
                    Some(c) => c.to_string(),
                    None => {
                        let name: &str = &r;
                        quick_xml::escape::resolve_predefined_entity(name)
                            .ok_or_else(|| CapError::Entity(name.to_string()))?
                            .to_owned()
                    }
                };
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    let mut root = stack.pop().ok_or_else(|| CapError::Xml("empty".into()))?;
    if !stack.is_empty() {
        return Err(CapError::Xml("unclosed element".into()));
    }
    root.children
        .pop()
        .filter(|n| n.name == "alert" && n.ns.as_deref() == Some(NAMESPACE))
        .ok_or(CapError::NotCap)
}

fn start_node(e: &quick_xml::events::BytesStart<'_>) -> Result<Node, CapError> {
    let qname = e.name();
    let local = qname.local_name().as_ref().to_owned();
    let prefix = qname.prefix().map(|p| p.as_ref().to_owned());
    let mut ns = None;
    for attr in e.attributes() {
        let attr = attr.map_err(|e| CapError::Xml(e.to_string()))?;
        let key = attr.key.as_ref().to_owned();
        let wanted = match &prefix {
            Some(p) => format!("xmlns:{p}"),
            None => "xmlns".to_owned(),
        };
        if key == wanted {
            ns = Some(
                attr.normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|e| CapError::Xml(e.to_string()))?
                    .into_owned(),
            );
        }
    }
    Ok(Node {
        name: local,
        ns,
        ..Node::default()
    })
}

/// Parses a CAP date-time (`-00:00` is UTC).
pub fn parse_time(s: &str, element: &'static str) -> Result<OffsetDateTime, CapError> {
    let s = s.trim();
    let normal = s.strip_suffix("-00:00").map(|p| format!("{p}+00:00"));
    OffsetDateTime::parse(normal.as_deref().unwrap_or(s), &Rfc3339).map_err(|_| CapError::Value {
        element,
        value: s.to_owned(),
    })
}

fn value<T>(
    node: &Node,
    element: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, CapError> {
    let text = node.text_of(element)?;
    parse(text).ok_or_else(|| CapError::Value {
        element,
        value: text.to_owned(),
    })
}

/// Reads a CAP 1.2 document into a message. `territory` is the EPCI code the
/// whole territory is addressed by.
/// A CAP document's text, decoded as its XML declaration says: UTF-8 (the
/// default), or ISO-8859-1 (and its superset windows-1252, US-ASCII) as
/// some senders still write it. Any other encoding is refused by name.
pub fn decode(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, CapError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let declared = bytes
        .strip_prefix(b"<?xml")
        .and_then(|rest| rest.split(|&b| b == b'>').next())
        .and_then(|decl| {
            let decl = std::str::from_utf8(decl).ok()?;
            let at = decl.find("encoding")?;
            let value = decl[at + "encoding".len()..]
                .trim_start()
                .strip_prefix('=')?;
            let value = value.trim_start();
            let quote = value.chars().next().filter(|q| *q == '"' || *q == '\'')?;
            let value = &value[1..];
            Some(value[..value.find(quote)?].to_ascii_lowercase())
        });
    match declared.as_deref() {
        None | Some("utf-8" | "utf8") => std::str::from_utf8(bytes)
            .map(std::borrow::Cow::Borrowed)
            .map_err(|_| CapError::Encoding("UTF-8".into())),
        Some("iso-8859-1" | "latin1" | "iso_8859-1" | "windows-1252" | "us-ascii") => {
            Ok(encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0)
        }
        Some(other) => Err(CapError::Encoding(other.into())),
    }
}

pub fn from_xml(xml: &str, territory: &str) -> Result<AlertMessage, CapError> {
    let alert = parse_tree(xml)?;
    check_schema(&alert)?;
    let identifier = alert.text_of("identifier")?.to_owned();
    let sender = alert.text_of("sender")?.to_owned();
    let sent = parse_time(alert.text_of("sent")?, "sent")?;
    let status = value(&alert, "status", AlertStatus::from_cap)?;
    let msg_type = value(&alert, "msgType", MsgType::from_cap)?;
    if alert.text_of("scope")? != "Public" {
        return Err(CapError::NotPublic);
    }
    let references = alert
        .opt("references")
        .map(|refs| {
            refs.split_whitespace()
                .map(|r| {
                    let bad = || CapError::Value {
                        element: "references",
                        value: r.to_owned(),
                    };
                    let mut parts = r.splitn(3, ',');
                    let (Some(sender), Some(identifier), Some(sent)) =
                        (parts.next(), parts.next(), parts.next())
                    else {
                        return Err(bad());
                    };
                    Ok(Reference {
                        sender: sender.to_owned(),
                        identifier: identifier.to_owned(),
                        sent: parse_time(sent, "references").map_err(|_| bad())?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();

    let infos: Vec<&Node> = alert.all("info").collect();
    let first = infos.first().ok_or(CapError::Missing("info"))?;
    let category = value(first, "category", AlertCategory::from_cap)?;
    let urgency = value(first, "urgency", Urgency::from_cap)?;
    let severity = value(first, "severity", Severity::from_cap)?;
    let certainty = value(first, "certainty", Certainty::from_cap)?;
    let event_code = first
        .all("eventCode")
        .find(|c| c.opt("valueName").as_deref() == Some(EVENT_CODE_NAME))
        .and_then(|c| c.opt("value"));
    let time_of = |name: &'static str| -> Result<Option<OffsetDateTime>, CapError> {
        first.opt(name).map(|t| parse_time(&t, name)).transpose()
    };
    let (effective, onset, expires) = (
        time_of("effective")?,
        time_of("onset")?,
        time_of("expires")?,
    );
    let area = area_of(first, territory)?;

    let mut texts: Vec<AlertText> = Vec::new();
    let mut event: Option<String> = None;
    let mut french = false;
    for info in &infos {
        for (name, same) in [
            (
                "category",
                info.opt("category").as_deref() == Some(category.cap()),
            ),
            (
                "urgency",
                info.opt("urgency").as_deref() == Some(urgency.cap()),
            ),
            (
                "severity",
                info.opt("severity").as_deref() == Some(severity.cap()),
            ),
            (
                "certainty",
                info.opt("certainty").as_deref() == Some(certainty.cap()),
            ),
            ("expires", info.opt("expires") == first.opt("expires")),
        ] {
            if !same {
                return Err(CapError::Disagree(name));
            }
        }
        if area_of(info, territory)? != area {
            return Err(CapError::Disagree("area"));
        }
        // CAP's default language is en-US.
        let tag = info.opt("language").unwrap_or_else(|| "en-US".into());
        let lang = LangTag::parse(&tag).map_err(|_| CapError::Language(tag.clone()))?;
        let this_event = info.text_of("event")?.to_owned();
        // The message's event is the first French block's (it is translated
        // per block); a block whose event differs keeps its own.
        if event.is_none() || (lang.ui_lang() == Some(Lang::Fr) && !french) {
            french = lang.ui_lang() == Some(Lang::Fr);
            event = Some(this_event.clone());
        }
        texts.push(AlertText {
            lang,
            event: Some(this_event),
            audience: info.opt("audience"),
            headline: info.text_of("headline")?.to_owned(),
            description: info.opt("description").unwrap_or_default(),
            instruction: info.opt("instruction"),
            web: info.opt("web"),
            contact: info.opt("contact"),
        });
    }
    let event = event.unwrap_or_default();
    for t in &mut texts {
        if t.event.as_ref() == Some(&event) {
            t.event = None;
        }
    }
    let sender_name = first.opt("senderName");
    Ok(AlertMessage {
        identifier,
        sender,
        sent,
        msg_type,
        references,
        sender_name,
        body: AlertDraft {
            status,
            category,
            event,
            event_code,
            urgency,
            severity,
            certainty,
            texts,
            area,
            effective,
            onset,
            expires,
        },
    })
}

fn area_of(info: &Node, territory: &str) -> Result<Area, CapError> {
    let bad = || CapError::Area(territory.to_owned());
    let mut communes = Vec::new();
    let (mut polygons, mut circles) = (Vec::new(), Vec::new());
    let mut whole = false;
    let areas: Vec<&Node> = info.all("area").collect();
    if areas.is_empty() {
        return Err(CapError::Missing("area"));
    }
    for area in areas {
        for p in area.all("polygon") {
            polygons.push(Polygon::from_cap(&p.text)?);
        }
        for c in area.all("circle") {
            circles.push(Circle::from_cap(&c.text)?);
        }
        for g in area.all("geocode") {
            match (g.opt("valueName").as_deref(), g.opt("value")) {
                (Some(GEOCODE_INSEE), Some(code)) => {
                    communes.push(code.parse::<InseeCode>().map_err(|_| bad())?);
                }
                (Some(GEOCODE_TERRITORY), Some(code)) if code == territory => whole = true,
                _ => return Err(bad()),
            }
        }
    }
    beffroi_domain::shape::check_all(&polygons, &circles)?;
    communes.sort();
    communes.dedup();
    if whole {
        Ok(Area::Territory)
    } else if communes.is_empty() && polygons.is_empty() && circles.is_empty() {
        Err(bad())
    } else {
        Ok(Area::Communes {
            communes,
            polygons,
            circles,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Names;
    impl AreaNames for Names {
        fn territory(&self) -> (&str, &str) {
            ("200030195", "Métropole Nice Côte d'Azur")
        }
        fn commune(&self, code: &InseeCode) -> Option<&str> {
            (code.as_str() == "06088").then_some("Nice")
        }
    }

    fn message() -> AlertMessage {
        AlertMessage {
            identifier: "bf-0192".into(),
            sender: "beffroi.example".into(),
            sent: parse_time("2026-11-23T09:00:00-00:00", "sent").expect("time"),
            msg_type: MsgType::Update,
            references: vec![Reference {
                sender: "beffroi.example".into(),
                identifier: "bf-0191".into(),
                sent: parse_time("2026-11-23T08:00:00+01:00", "sent").expect("time"),
            }],
            sender_name: Some("Mairie".into()),
            body: AlertDraft {
                status: AlertStatus::Actual,
                category: AlertCategory::Health,
                event: "Confinement".into(),
                event_code: Some("confinement".into()),
                urgency: Urgency::Immediate,
                severity: Severity::Severe,
                certainty: Certainty::Observed,
                texts: vec![
                    AlertText {
                        lang: Lang::Fr.into(),
                        event: None,
                        audience: None,
                        headline: "Confinement <renforcé> & couvre-feu".into(),
                        description: "Restez chez vous.".into(),
                        instruction: Some("Attestation obligatoire.".into()),
                        web: Some("https://www.nice.fr/".into()),
                        contact: None,
                    },
                    AlertText {
                        lang: Lang::It.into(),
                        event: Some("Confinamento".into()),
                        audience: None,
                        headline: "Confinamento".into(),
                        description: "Restate a casa.".into(),
                        instruction: None,
                        web: None,
                        contact: Some("Mairie 3906".into()),
                    },
                ],
                area: Area::Communes {
                    communes: vec!["06088".parse().expect("code")],
                    polygons: vec![
                        Polygon::from_cap(
                            "43.692,7.264 43.702,7.264 43.702,7.277 43.692,7.277 43.692,7.264",
                        )
                        .expect("a polygon"),
                    ],
                    circles: vec![Circle::from_cap("43.7281,7.3617 1.5").expect("a circle")],
                },
                effective: None,
                onset: Some(parse_time("2026-11-23T12:00:00+01:00", "onset").expect("t")),
                expires: Some(parse_time("2026-12-01T00:00:00+01:00", "expires").expect("t")),
            },
        }
    }

    #[test]
    fn a_message_survives_cap_and_back() {
        let m = message();
        let xml = to_xml(&m, "Mairie", &Names);
        assert!(xml.contains("&lt;renforcé&gt; &amp; couvre-feu"), "{xml}");
        assert_eq!(from_xml(&xml, "200030195"), Ok(m));
    }

    #[test]
    fn a_document_declared_iso_8859_1_is_read_as_such() {
        let m = message();
        let xml =
            to_xml(&m, "Mairie", &Names).replace(r#"encoding="UTF-8""#, r#"encoding="ISO-8859-1""#);
        // Every character of the test message is in Latin-1.
        let latin1: Vec<u8> = xml
            .chars()
            .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
            .collect();
        assert!(std::str::from_utf8(&latin1).is_err(), "not UTF-8 any more");
        let text = decode(&latin1).expect("decoded");
        assert_eq!(from_xml(&text, "200030195"), Ok(m));
        // UTF-8 as declared (or not declared), and nothing else.
        assert!(decode(xml.replace("ISO-8859-1", "UTF-8").as_bytes()).is_ok());
        assert_eq!(
            decode(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><alert>\xE9</alert>"),
            Err(CapError::Encoding("UTF-8".into()))
        );
        assert_eq!(
            decode(b"<?xml version='1.0' encoding='Shift_JIS'?><alert/>"),
            Err(CapError::Encoding("shift_jis".into()))
        );
    }

    #[test]
    fn hostile_documents_are_refused() {
        let xee = r#"<?xml version="1.0"?>
<!DOCTYPE alert [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>"#;
        assert_eq!(from_xml(xee, "1"), Err(CapError::Doctype));
        let bomb = r#"<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol9;</identifier></alert>"#;
        assert_eq!(from_xml(bomb, "1"), Err(CapError::Entity("lol9".into())));
        let deep = format!(
            "<alert xmlns=\"{NAMESPACE}\">{}{}</alert>",
            "<a>".repeat(100),
            "</a>".repeat(100)
        );
        assert_eq!(from_xml(&deep, "1"), Err(CapError::TooDeep));
        assert_eq!(from_xml("<alert/>", "1"), Err(CapError::NotCap));
    }

    fn nice_xml() -> String {
        to_xml(&message(), "Mairie", &Names)
    }

    #[test]
    fn what_the_schema_does_not_allow_is_refused_not_dropped() {
        let refused =
            |from: &str, to: &str| from_xml(&nice_xml().replacen(from, to, 1), "200030195");
        assert_eq!(
            refused("<contact>Mairie 3906", "<contact><b>Mairie</b> 3906"),
            Err(CapError::Schema {
                element: "b".into(),
                parent: "contact".into()
            })
        );
        assert_eq!(
            refused("<headline>", "<headline>Autre</headline>\n    <headline>"),
            Err(CapError::Repeated {
                element: "headline".into(),
                parent: "info".into()
            })
        );
        assert_eq!(
            refused("<urgency>", "<urgence>Immédiate</urgence><urgency>"),
            Err(CapError::Schema {
                element: "urgence".into(),
                parent: "info".into()
            })
        );
        assert_eq!(
            refused("<info>", "<info>Confinement"),
            Err(CapError::StrayText("info".into()))
        );
        assert_eq!(
            refused("<valueName>INSEE", "<valueName><x/>INSEE"),
            Err(CapError::Schema {
                element: "x".into(),
                parent: "valueName".into()
            })
        );
        // What the schema allows and Beffroi does not show is read without error.
        let extra = nice_xml().replacen(
            "<senderName>",
            "<responseType>Shelter</responseType><parameter><valueName>p</valueName><value>1</value></parameter><senderName>",
            1,
        );
        assert!(from_xml(&extra, "200030195").is_ok());
    }

    #[test]
    fn long_headlines_other_languages_and_blocks_per_audience_are_kept() {
        let mut m = message();
        m.body.texts[0].headline = "Confinement ".repeat(20).trim_end().to_owned();
        let mut schools = m.body.texts[0].clone();
        schools.audience = Some("Écoles et crèches".into());
        schools.headline = "Écoles fermées".into();
        m.body.texts.push(schools);
        for (tag, headline) in [
            ("de-DE", "Ausgangssperre"),
            ("he-IL", "עוצר"),
            ("zh-MO", "宵禁"),
            ("pt-PT", "Confinamento"),
        ] {
            m.body.texts.push(AlertText {
                lang: tag.parse().expect("tag"),
                event: Some(headline.into()),
                audience: None,
                headline: headline.into(),
                description: String::new(),
                instruction: None,
                web: None,
                contact: None,
            });
        }
        let xml = to_xml(&m, "Mairie", &Names);
        assert!(xml.contains("<language>he-IL</language>"), "{xml}");
        assert!(
            xml.contains("<audience>Écoles et crèches</audience>"),
            "{xml}"
        );
        let back = from_xml(&xml, "200030195").expect("read");
        assert_eq!(back, m);
        assert_eq!(back.body.validate(), Ok(()));
        assert!(back.body.validate_staff(&[]).is_err(), "staff keep 160");
        // A tag that is not one is refused by name.
        assert_eq!(
            from_xml(&xml.replacen("he-IL", "hébreu", 1), "200030195"),
            Err(CapError::Language("hébreu".into()))
        );
    }
}
