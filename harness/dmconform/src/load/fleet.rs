//! The simulated devices of a fleet load. Each device is the reference DM client
//! (`harness/refdm`: it answers Get, Replace, Add, Delete, Exec, Atomic, Sequence and
//! large objects as the suite's reference does, and ends sessions as the rules say),
//! with its own DevId and credentials made from templates (`{n}` is the device's
//! number), and its own tree made when its session opens. Between sessions a device
//! keeps only what a Windows client carries over: the number of its next session
//! (SessionIDs go up session by session) and its nonces ([`refdm::Carried`]), a few
//! dozen bytes, so that a hundred thousand devices fit in little memory.

use crate::TargetProfile;
use refdm::{Carried, Client, ClientConfig, Faults};
use serde::Deserialize;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// `[load]` of a target profile: the templates each device's identity is made from.
/// `{n}` stands for the device's number (1 to N). Left out, the DevId is the profile's
/// `[device] dev_id` followed by `-{n}`, and the user and password are those of
/// `[credentials]` (the same account for every device).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LoadTemplate {
    #[serde(default)]
    pub dev_id: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

/// `template` with `{n}` replaced by the device number.
pub fn expand(template: &str, n: u64) -> String {
    template.replace("{n}", &n.to_string())
}

/// One device between sessions.
#[derive(Debug, Default)]
struct Device {
    /// In a session now: a device never runs two at once.
    busy: AtomicBool,
    carried: Mutex<Carried>,
}

/// The devices of one shard.
#[derive(Debug)]
pub struct Fleet {
    config: ClientConfig,
    dev_id: String,
    user: String,
    password: String,
    numbers: Range<u64>,
    devices: Vec<Device>,
}

/// A device taken for one session: its number, its client, and the fleet to give it back to.
pub struct InSession<'f> {
    pub number: u64,
    pub client: Client,
    fleet: &'f Fleet,
}

impl Fleet {
    /// The devices numbered `numbers`, set up from `profile` to talk to `server_uri`.
    pub fn new(profile: &TargetProfile, server_uri: &str, numbers: Range<u64>) -> Fleet {
        let mut config = crate::client::reference::client_config(profile);
        config.server_uri = server_uri.to_string();
        config.man = profile.device.man.clone();
        config.model = profile.device.model.clone();
        config.lang = profile.device.lang.clone();
        config.dm_v = profile.device.dm_v.clone();
        let template = profile.load.clone().unwrap_or_default();
        let dev_id = template
            .dev_id
            .unwrap_or_else(|| format!("{}-{{n}}", profile.device.dev_id));
        let user = template.user.unwrap_or_else(|| config.user.clone());
        let password = template.password.unwrap_or_else(|| config.password.clone());
        let start = Carried {
            next_session: config.first_session_id.max(1),
            client_nonce: config.client_nonce.clone(),
            server_nonce: config
                .server_auth
                .as_ref()
                .map(|s| s.nonce.clone())
                .unwrap_or_default(),
        };
        let devices = numbers
            .clone()
            .map(|_| Device {
                busy: AtomicBool::new(false),
                carried: Mutex::new(start.clone()),
            })
            .collect();
        Fleet {
            config,
            dev_id,
            user,
            password,
            numbers,
            devices,
        }
    }

    /// The device numbers of this fleet.
    pub fn numbers(&self) -> Range<u64> {
        self.numbers.clone()
    }

    /// Device `n` for a session, unless it is in one already (or not of this fleet).
    pub fn take(&self, n: u64) -> Option<InSession<'_>> {
        let device = self
            .devices
            .get(n.checked_sub(self.numbers.start)? as usize)?;
        if device.busy.swap(true, Ordering::AcqRel) {
            return None;
        }
        let carried = device
            .carried
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let mut config = self.config.clone();
        config.device_id = expand(&self.dev_id, n);
        config.user = expand(&self.user, n);
        config.password = expand(&self.password, n);
        Some(InSession {
            number: n,
            client: Client::resume(config, Faults::none(), &carried),
            fleet: self,
        })
    }

    /// How many devices have opened at least one session.
    pub fn active(&self) -> u64 {
        let first = self.config.first_session_id.max(1);
        self.devices
            .iter()
            .filter(|d| d.carried.lock().map_or(true, |c| c.next_session != first))
            .count() as u64
    }
}

impl Drop for InSession<'_> {
    /// Gives the device back with what its next session carries over.
    fn drop(&mut self) {
        let i = (self.number - self.fleet.numbers.start) as usize;
        let device = &self.fleet.devices[i];
        *device.carried.lock().unwrap_or_else(|p| p.into_inner()) = self.client.carried();
        device.busy.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_get_their_own_identity_and_keep_their_session_counter() {
        let mut profile = TargetProfile::reference_server();
        profile.load = Some(LoadTemplate {
            dev_id: Some("dev-{n}".into()),
            user: Some("user-{n}".into()),
            password: None,
        });
        let fleet = Fleet::new(&profile, "https://dm.example/omadm", 5..8);
        let mut d = fleet.take(6).unwrap();
        assert!(
            fleet.take(6).is_none(),
            "a device in session is not taken twice"
        );
        assert!(fleet.take(8).is_none() && fleet.take(4).is_none());
        assert_eq!(d.client.config().device_id, "dev-6");
        assert_eq!(d.client.config().user, "user-6");
        let first = d.client.open_session().hdr.unwrap().session_id;
        drop(d);
        let mut again = fleet.take(6).unwrap();
        let second = again.client.open_session().hdr.unwrap().session_id;
        assert_ne!(first, second, "the next session has the next SessionID");
        drop(again);
        assert_eq!(fleet.active(), 1);
    }
}
