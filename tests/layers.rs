//! The library is layered: a module imports only from modules below it, so there is no
//! import cycle of any length among the top-level modules of `model-check/src/`.
//!
//! The test reads every source file, takes the `crate::…` paths its code names (comments and
//! doc comments are skipped: a doc link is not an import), and fails on any cycle, naming the
//! files and paths that close it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `expect/metric.rs` → `expect`, `fmt.rs` → `fmt`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str();
    first.to_string_lossy().trim_end_matches(".rs").to_string()
}

/// The code of a file without its comments and string literals, which name paths that are
/// not imports.
fn code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let next = bytes.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < bytes.len() && bytes[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            while i + 1 < bytes.len() && !(bytes[i] == '*' && bytes[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '"' {
            i += 1;
            while i < bytes.len() && bytes[i] != '"' {
                if bytes[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The top-level modules named by `crate::` paths in `code`, including those in grouped
/// imports (`use crate::{a::X, b::Y}`).
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        // `$crate::` in macros and `model_check::` outside are not this crate's own paths.
        if code[..at].ends_with('$') {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The first name of each item at the group's own depth.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        item_start = false;
                        let name = ident(&group[i..]);
                        if !name.is_empty() {
                            found.insert(name);
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

type Edges = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// The library's modules, and for each the modules it imports with the files that do.
fn imports() -> (BTreeSet<String>, Edges) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("model-check/src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();

    // module → module it imports → the files that import it.
    let mut edges: Edges = BTreeMap::new();
    for file in &files {
        let from = module_of(&src, file);
        // The crate root re-exports everything; it is the top, not a layer.
        if from == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for to in named_modules(&code(&text)) {
            if to != from && modules.contains(&to) {
                edges
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(file.strip_prefix(&src).unwrap().display().to_string());
            }
        }
    }
    assert!(
        edges.values().map(BTreeMap::len).sum::<usize>() > 10,
        "the scan found the imports"
    );
    (modules, edges)
}

#[test]
fn no_module_imports_a_module_that_imports_it() {
    let (modules, edges) = imports();

    // A cycle exists exactly when a depth-first search meets a module still on its stack.
    fn visit(
        node: &str,
        edges: &Edges,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
        cycles: &mut Vec<Vec<String>>,
    ) {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flat_map(BTreeMap::keys) {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                0 => visit(next, edges, state, stack, cycles),
                1 => {
                    let start = stack.iter().position(|m| m == next).unwrap();
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    cycles.push(cycle);
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
    }
    let mut state = BTreeMap::new();
    let mut cycles = Vec::new();
    for module in &modules {
        if state.get(module.as_str()).copied().unwrap_or(0) == 0 {
            visit(module, &edges, &mut state, &mut Vec::new(), &mut cycles);
        }
    }
    let explain = |cycle: &Vec<String>| {
        cycle
            .windows(2)
            .map(|w| {
                let files: Vec<&String> = edges[&w[0]][&w[1]].iter().collect();
                format!("{} → {} (in {files:?})", w[0], w[1])
            })
            .collect::<Vec<_>>()
            .join("\n    ")
    };
    assert!(
        cycles.is_empty(),
        "import cycles among model-check's modules:\n  {}",
        cycles.iter().map(explain).collect::<Vec<_>>().join("\n  ")
    );
}

#[test]
fn the_scan_sees_grouped_imports_and_skips_comments_and_strings() {
    let text = "use crate::{data::{Dataset, Labels}, model::Model};\n// crate::report is only mentioned\nlet s = \"crate::runner\";\nfn f() { crate::fmt::number(1.0); }\n";
    let found = named_modules(&code(text));
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["data", "fmt", "model"]
    );
}

#[test]
fn the_crate_docs_list_every_module_in_an_order_the_imports_respect() {
    let (modules, edges) = imports();
    let lib = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("model-check/src/lib.rs"),
    )
    .unwrap();
    // The table under "Modules, from the leaves up": `//! | [`name`] | … |`.
    let table = lib
        .split("## Modules, from the leaves up")
        .nth(1)
        .expect("the crate docs have a module map");
    let listed: Vec<String> = table
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("//!"))
        .filter_map(|l| l.strip_prefix("//! | "))
        .filter_map(|cell| {
            let name = cell.split('|').next()?.trim().trim_matches(['[', ']', '`']);
            (!name.is_empty() && name != "module" && !name.starts_with('-'))
                .then(|| name.to_string())
        })
        .collect();
    let mut expected: Vec<&String> = modules.iter().filter(|m| *m != "lib").collect();
    let mut documented: Vec<&String> = listed.iter().collect();
    expected.sort();
    documented.sort();
    assert_eq!(
        documented, expected,
        "the module map lists every module once"
    );

    let rank = |m: &str| listed.iter().position(|l| l == m).unwrap();
    let upward: Vec<String> = edges
        .iter()
        .flat_map(|(from, to)| to.iter().map(move |(to, files)| (from, to, files)))
        .filter(|(from, to, _)| rank(to) > rank(from))
        .map(|(from, to, files)| format!("{from} imports {to}, listed above it (in {files:?})"))
        .collect();
    assert!(upward.is_empty(), "{}", upward.join("\n"));
}
