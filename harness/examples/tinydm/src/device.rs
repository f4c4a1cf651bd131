//! The device a client runs on: its identity (./DevInfo), its details
//! (./DevDetail, URI limits included), its writable area, and the tree they
//! make at start-up.

use crate::tree::{Access, Content, Tree};
use crate::uri::UriLimits;

/// What the device is, and where the server may write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub dev_id: String,
    pub manufacturer: String,
    pub model: String,
    pub dm_version: String,
    pub language: String,
    pub software_version: String,
    pub hardware_version: String,
    pub uri_limits: UriLimits,
    /// The interior node (a LocURI) under which the server may create nodes.
    pub scratch: String,
    /// The DM server the client calls.
    pub server_uri: String,
}

impl Default for Device {
    fn default() -> Self {
        Device {
            dev_id: "TINYDM-0001".into(),
            manufacturer: "Example Devices".into(),
            model: "TinyDM".into(),
            dm_version: "1.2".into(),
            language: "en-US".into(),
            software_version: "0.1.0".into(),
            hardware_version: "A1".into(),
            uri_limits: UriLimits {
                max_depth: 12,
                max_tot_len: 200,
                max_seg_len: 64,
            },
            scratch: "./Vendor/Example/TinyDM".into(),
            server_uri: "https://dmconform.invalid/omadm".into(),
        }
    }
}

impl Device {
    /// The ./DevInfo leaves, by name, as package 1 reports them.
    pub fn dev_info(&self) -> [(&'static str, &str); 5] {
        [
            ("DevId", &self.dev_id),
            ("Man", &self.manufacturer),
            ("Mod", &self.model),
            ("DmV", &self.dm_version),
            ("Lang", &self.language),
        ]
    }

    /// The tree at start-up: ./DevInfo and ./DevDetail read-only, the scratch node open.
    pub fn initial_tree(&self) -> Tree {
        let mut tree = Tree::new();
        let fixed = |value: &str| Content::Leaf {
            format: "chr".into(),
            value: value.into(),
        };
        for (name, value) in self.dev_info() {
            tree.install(&format!("DevInfo/{name}"), fixed(value), Access::ReadOnly);
        }
        let limits = self.uri_limits;
        let details = [
            ("SwV", self.software_version.clone()),
            ("HwV", self.hardware_version.clone()),
            ("URI/MaxDepth", limits.max_depth.to_string()),
            ("URI/MaxTotLen", limits.max_tot_len.to_string()),
            ("URI/MaxSegLen", limits.max_seg_len.to_string()),
        ];
        for (name, value) in details {
            tree.install(
                &format!("DevDetail/{name}"),
                fixed(&value),
                Access::ReadOnly,
            );
        }
        let scratch = self.scratch.trim_start_matches("./");
        tree.install(scratch, Content::Interior, Access::Permanent);
        tree
    }
}
