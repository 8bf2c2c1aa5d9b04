fn main() {
    // Pack the binary's relative relocations (DT_RELR): a position-independent
    // executable otherwise carries one 24-byte entry per pointer in its
    // read-only tables, 1.7 MB of the app's binary. GNU ld ≥ 2.38 with glibc
    // ≥ 2.36 (Debian 12, Ubuntu 22.10) honour it; an older ld warns and
    // ignores it. The binary then needs glibc ≥ 2.36 to start
    // (docs/packaging.md).
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.ends_with("-linux-gnu") {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    tauri_build::build();
}
