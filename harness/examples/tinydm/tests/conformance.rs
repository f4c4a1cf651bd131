//! The dmconform suite against tinydm under `cargo test`: one named test per
//! case and encoding (`cargo test -p tinydm --test conformance -- uri.`), with
//! status snapshots in `snapshots/`.

use dmconform::TargetProfile;
use dmconform::libtest::Harness;
use tinydm::{Device, TinyClient};

fn main() {
    let profile_file = concat!(env!("CARGO_MANIFEST_DIR"), "/conformance/tinydm.toml");
    let profile = TargetProfile::load(profile_file.as_ref()).unwrap_or_else(|e| panic!("{e}"));
    Harness::new(|| Box::new(TinyClient::new(Device::default())))
        .profile(profile)
        .snapshots(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"))
        .main()
}
