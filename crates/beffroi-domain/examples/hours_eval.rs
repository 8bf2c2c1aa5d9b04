//! Evaluates `opening_hours` values with Beffroi's own evaluation ([`Hours`]), for the
//! differential test against opening_hours.js (`tests/opening_hours/`).
//!
//! Reads one JSON request on stdin:
//! `{"instants": ["2026-05-01T08:00:00Z", …], "expressions": [{"value": "…", "country": "FR"}, …]}`
//! and writes one JSON array on stdout, one entry per expression in order:
//! `{"error": "…"}` when Beffroi refuses the value, else `{"states": "ocu…"}` with one letter per
//! instant (`o` open, `c` closed, `u` unknown).

use std::io::{Read, Write};

use beffroi_domain::hours::{Hours, OpenState};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
struct Request {
    instants: Vec<String>,
    expressions: Vec<Expression>,
}

#[derive(Debug, Deserialize)]
struct Expression {
    value: String,
    country: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Answer {
    Error { error: String },
    States { states: String },
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let request: Request = serde_json::from_str(&input)?;
    let instants = request
        .instants
        .iter()
        .map(|s| DateTime::parse_from_rfc3339(s))
        .collect::<Result<Vec<DateTime<FixedOffset>>, _>>()?;
    let answers: Vec<Answer> = request
        .expressions
        .iter()
        .map(|e| match Hours::parse(&e.value, e.country.as_deref()) {
            Err(err) => Answer::Error { error: err.message },
            Ok(hours) => Answer::States {
                states: instants
                    .iter()
                    .map(|at| match hours.state(at) {
                        OpenState::Open => 'o',
                        OpenState::Closed => 'c',
                        OpenState::Unknown => 'u',
                    })
                    .collect(),
            },
        })
        .collect();
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &answers)?;
    out.write_all(b"\n")?;
    Ok(())
}
