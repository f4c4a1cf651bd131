//! The README lists every fault switch of the reference client, server and enrollment service, with the
//! text `dmconform run --list-faults` prints, so the two cannot drift apart.

#[test]
fn readme_lists_every_fault_switch() {
    let readme = include_str!("../../../../README.md");
    let missing: Vec<String> = refdm::Fault::ALL
        .iter()
        .map(|f| format!("| `{}` | {} |", f.name(), f.breaks()))
        .chain(
            refdm::ServerFault::ALL
                .iter()
                .map(|f| format!("| `{}` | {} |", f.name(), f.breaks())),
        )
        .chain(
            refdm::enroll::EnrollmentFault::ALL
                .iter()
                .map(|f| format!("| `{}` | {} |", f.name(), f.breaks())),
        )
        .filter(|row| !readme.contains(row.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "README rows missing or out of date:\n{}",
        missing.join("\n")
    );
}

#[test]
fn specs_readme_lists_every_named_check() {
    let readme = include_str!("../../../../specs/README.md");
    let missing: Vec<&str> = dmconform::checks::named::NamedCheck::ALL
        .iter()
        .map(|c| c.name())
        .filter(|name| !readme.contains(&format!("| `{name}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "named checks missing from the table of specs/README.md: {missing:?}"
    );
}
