//! The server cases against the built-in reference DM server under `cargo test`: one
//! named trial per case and encoding, with status snapshots in `snapshots/reference-server/`.

use dmconform::TargetProfile;
use dmconform::libtest::Harness;
use dmconform::server::reference::ReferenceServer;
use dmconform::server::reference::reference_server_config;

fn main() {
    let snapshots = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../snapshots/reference-server"
    );
    Harness::for_server(|| {
        let profile = TargetProfile::reference_server();
        Box::new(ReferenceServer::new(
            reference_server_config(&profile),
            Vec::new(),
        ))
    })
    .snapshots(snapshots)
    .main()
}
