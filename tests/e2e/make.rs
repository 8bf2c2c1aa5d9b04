//! The README's commands: `make demo` must not relink the server and the app
//! when nothing in the UI changed (issue 11, item 21).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `scripts/ui-build.sh` (what `make ui` runs) and returns its output.
fn ui_build() -> String {
    let out = Command::new("bash")
        .arg("scripts/ui-build.sh")
        .current_dir(root())
        .output()
        .expect("bash runs scripts/ui-build.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("ui/dist is built")
}

#[test]
fn the_ui_is_rebuilt_only_when_its_sources_change() {
    // Built (or found up to date) once, then nothing to do: ui/dist, which
    // the server and the app embed, is left as it was.
    ui_build();
    let dist = [
        root().join("ui/dist/app/index.html"),
        root().join("ui/dist/console/index.html"),
    ];
    let before: Vec<SystemTime> = dist.iter().map(|p| modified(p)).collect();
    assert!(ui_build().contains("up to date"));
    // `cargo test` rewrites the TypeScript bindings with the same content:
    // newer files, same sources, still nothing to rebuild.
    let binding = root().join("ui/src/bindings/Lang.ts");
    let same = std::fs::read(&binding).expect("a binding");
    std::fs::write(&binding, &same).expect("rewritten");
    assert!(ui_build().contains("up to date"));
    let after: Vec<SystemTime> = dist.iter().map(|p| modified(p)).collect();
    assert_eq!(before, after, "ui/dist was rewritten");
}
