//! The suite against the built-in reference client under `cargo test`: one
//! named trial per case and encoding (`cargo test -p dmconform --test suite -- atomic`),
//! with status snapshots in `snapshots/reference/`.

use dmconform::TargetProfile;
use dmconform::client::reference::{Reference, client_config};
use dmconform::libtest::Harness;

fn main() {
    let snapshots = concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots/reference");
    Harness::new(|| {
        let profile = TargetProfile::reference();
        Box::new(Reference::new(client_config(&profile), Vec::new()))
    })
    .snapshots(snapshots)
    .main()
}
