//! End-to-end tests: real servers on loopback, real SQLite files and a real PostgreSQL.

#![allow(clippy::unwrap_used)]

mod advice;
mod aid;
mod alerts;
mod api;
mod areas;
mod connections;
mod directory;
mod faults;
mod make;
mod maps;
mod measures;
mod metrics;
mod open311;
mod pages;
mod replicas;
mod reports;
mod sync;
mod threads;
mod webpush;
