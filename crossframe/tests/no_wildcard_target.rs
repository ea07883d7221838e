//! No code path posts with target origin `"*"`.
//!
//! The type system already makes it impossible for crossframe's own sends
//! (`peer::post` takes an `Origin`, which cannot be `*`). This test keeps it
//! that way across the repository: Rust may call `post_message` only inside
//! `peer::post`, and no JavaScript or HTML file may pass `*` to `postMessage`.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::{Path, PathBuf};

const SKIP: &[&str] = &["target", "node_modules", "dist", ".git", ".tools"];

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !SKIP.contains(&name.as_str()) {
                sources(&path, found);
            }
        } else if ["rs", "js", "mjs", "html"]
            .iter()
            .any(|ext| path.extension().is_some_and(|e| e == *ext))
        {
            found.push(path);
        }
    }
}

fn repo_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = Vec::new();
    sources(&root, &mut found);
    assert!(found.len() > 10, "found only {} source files", found.len());
    found
}

#[test]
fn rust_posts_only_through_peer_post() {
    let allowed = Path::new("crossframe").join("src").join("peer.rs");
    let this_file = Path::new("crossframe")
        .join("tests")
        .join("no_wildcard_target.rs");
    for path in repo_files() {
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with(&this_file) {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.contains(".post_message") && !path.ends_with(&allowed) {
                // Tests may post to their own window, always with an exact origin.
                assert!(
                    !line.contains("\"*\""),
                    "{}:{} posts to \"*\"",
                    path.display(),
                    n + 1
                );
                // The benchmark's wasm-port pages are the baseline without
                // crossframe: they post by hand, to exact origins only.
                let baseline = ["raw_port.rs", "port_child.rs", "port_host.rs"]
                    .iter()
                    .any(|name| path.ends_with(name))
                    && path.components().any(|c| c.as_os_str() == "bench");
                assert!(
                    baseline || path.components().any(|c| c.as_os_str() == "tests"),
                    "{}:{} calls post_message outside peer::post",
                    path.display(),
                    n + 1
                );
            }
        }
    }
    let peer = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/peer.rs"))
        .expect("peer.rs");
    // Window posts always name `target.as_str()`, an `Origin`; port posts
    // (JSON text, binary as text or as a buffer) have no origin.
    let posts: Vec<&str> = peer
        .lines()
        .map(str::trim)
        .filter(|line| line.contains(".post_message"))
        .collect();
    assert_eq!(posts.len(), 6, "{posts:#?}");
    for line in posts {
        assert!(
            line.starts_with("port.")
                || (line.contains("window.post_message") && line.contains("target.as_str()")),
            "peer.rs: {line}"
        );
    }
    assert_eq!(peer.matches("window.post_message").count(), 2);
}

#[test]
fn no_script_posts_to_star() {
    for path in repo_files() {
        if path.extension().is_some_and(|e| e == "rs") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        // Join lines so a call split over several lines is still one call.
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for call in flat.split("postMessage(").skip(1) {
            let args = call.split(");").next().unwrap_or(call);
            for star in ["\"*\"", "'*'", "`*`"] {
                assert!(
                    !args.contains(star),
                    "{} posts to {star}: postMessage({args})",
                    path.display()
                );
            }
        }
    }
}
