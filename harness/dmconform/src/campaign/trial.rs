//! One trial of a campaign: a package drawn from the suite's generators
//! ([`crate::generate`]), sent to the target, and judged by oracles that need
//! no expected code.
//!
//! A trial is either a package sent as a case (well-formed, or with one to
//! three mutation families applied) in one encoding, judged by the runner:
//! the invariants of `checks::invariants` on every reply (the Status for the
//! SyncHdr first, one Status per command in order with matching CmdRef and
//! MsgRef, SessionID and MsgIDs consistent, the reply decodes) and the answers
//! the mutation families allow (a command that must fail never gets a 2xx);
//! or a package sent as WBXML broken on purpose ([`crate::generate::wbxml`]),
//! judged by [`refused`]: no command of a message the client cannot read is
//! reported as done.

use super::rng::Rng;
use crate::TargetProfile;
use crate::client::Target;
use crate::client::runner::run_case;
use crate::client::session::{Outgoing, Session};
use crate::codec;
use crate::generate::package::{Op, container, leaf};
use crate::generate::wbxml::{WbxmlMutation, refused};
use crate::generate::{Mutation, Package, regression};
use crate::placeholders::Bindings;
use crate::run::RunOptions;
use crate::transcript::SessionError;
use crate::verdict::FindingKind;
use crate::wire::Encoding;
use syncml::tree::Element;

/// What a trial sends.
#[derive(Clone, Debug)]
pub enum Trial {
    /// A package sent as a case, in this encoding.
    Case {
        package: Package,
        encoding: Encoding,
    },
    /// A well-formed package sent as WBXML broken this way.
    BrokenWbxml {
        package: Package,
        mutation: WbxmlMutation,
    },
}

/// How a trial went.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Messages exchanged with the target (package 1 and each reply count one).
    pub exchanges: u64,
    /// What an oracle saw wrong, if anything.
    pub failure: Option<String>,
    /// What kind of failure it is (the verdict and the checks that failed,
    /// without CmdIDs and codes, or the WBXML family), so that one fault found
    /// many times is kept once.
    pub signature: String,
}

/// Node names the packages work on, under the profile's `{node}`.
const NAMES: [&str; 4] = ["a", "b", "c", "d"];
/// Operations allowed inside an Atomic (a Get is not).
const IN_ATOMIC: [Op; 3] = [Op::Add, Op::Replace, Op::Delete];

impl Trial {
    /// Draws the next trial: one in eight sends broken WBXML, half of the rest
    /// carry mutations.
    pub fn draw(rng: &mut Rng) -> Trial {
        let mut package = Package::new(commands(rng));
        if rng.one_in(8) {
            let mutation = *rng.pick(&WbxmlMutation::ALL);
            return Trial::BrokenWbxml { package, mutation };
        }
        if rng.one_in(2) {
            for _ in 0..rng.between(1, 3) {
                let mutation = *rng.pick(&Mutation::ALL);
                package.mutate(mutation, rng.below(8));
            }
        }
        let encoding = if package.encodings().is_empty() {
            *rng.pick(&Encoding::BOTH)
        } else {
            Encoding::Xml
        };
        Trial::Case { package, encoding }
    }

    pub fn package(&self) -> &Package {
        match self {
            Trial::Case { package, .. } | Trial::BrokenWbxml { package, .. } => package,
        }
    }

    /// The same trial with another package (for minimising).
    pub fn with_package(&self, package: Package) -> Trial {
        match self {
            Trial::Case { encoding, .. } => Trial::Case {
                package,
                encoding: *encoding,
            },
            Trial::BrokenWbxml { mutation, .. } => Trial::BrokenWbxml {
                package,
                mutation: *mutation,
            },
        }
    }

    /// A one-line name: the encoding or WBXML family, and the mutation families.
    pub fn describe(&self) -> String {
        let families = families(self.package());
        match self {
            Trial::Case { encoding, .. } => format!("{families} in {encoding}"),
            Trial::BrokenWbxml { mutation, .. } => format!("WBXML {}", mutation.name()),
        }
    }

    /// Sends the trial to the target and judges the answer.
    pub fn run(&self, target: &mut dyn Target, profile: &TargetProfile) -> Outcome {
        match self {
            Trial::Case { package, encoding } => run_as_case(package, *encoding, target, profile),
            Trial::BrokenWbxml { package, mutation } => {
                run_broken_wbxml(package, *mutation, target, profile)
            }
        }
    }
}

/// The mutation families applied, or `well-formed`.
fn families(p: &Package) -> String {
    if p.applied.is_empty() {
        "well-formed".to_string()
    } else {
        p.applied
            .iter()
            .map(|m| m.name())
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// One to four top-level commands: mostly leaves, sometimes an Atomic or a
/// Sequence. CmdIDs from 10 in document order.
fn commands(rng: &mut Rng) -> Vec<Element> {
    let mut next = 10;
    (0..rng.between(1, 4))
        .map(|_| match rng.below(6) {
            0 => atomic(rng, &mut next),
            1 => {
                let id = take(&mut next);
                let children = (0..rng.between(1, 3))
                    .map(|_| {
                        if rng.one_in(4) {
                            atomic(rng, &mut next)
                        } else {
                            leaf_command(rng, &Op::ALL, &mut next)
                        }
                    })
                    .collect();
                container("Sequence", id, children)
            }
            _ => leaf_command(rng, &Op::ALL, &mut next),
        })
        .collect()
}

fn atomic(rng: &mut Rng, next: &mut u64) -> Element {
    let id = take(next);
    let children = (0..rng.between(1, 3))
        .map(|_| leaf_command(rng, &IN_ATOMIC, next))
        .collect();
    container("Atomic", id, children)
}

fn leaf_command(rng: &mut Rng, ops: &[Op], next: &mut u64) -> Element {
    let op = *rng.pick(ops);
    let mut uri = String::from("{node}");
    for _ in 0..rng.below(3) {
        uri.push('/');
        let name: &&str = rng.pick(&NAMES);
        uri.push_str(name);
    }
    let value = format!("v{}", rng.below(1000));
    let data = match op {
        Op::Add if rng.one_in(3) => None,
        Op::Add | Op::Replace => Some(value.as_str()),
        Op::Get | Op::Delete => None,
    };
    leaf(op, take(next), &uri, data)
}

/// The text with digits and quoted parts left out: `step 1, CmdRef "10"` and
/// `step 2, CmdRef "7"` are the same kind of check.
fn without_numbers(text: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted || c.is_ascii_digit() => {}
            _ => out.push(c),
        }
    }
    out
}

fn take(next: &mut u64) -> u64 {
    let id = *next;
    *next += 1;
    id
}

fn run_as_case(
    package: &Package,
    encoding: Encoding,
    target: &mut dyn Target,
    profile: &TargetProfile,
) -> Outcome {
    let case = regression::case(package);
    let run = run_case(&case, encoding, target, profile, &RunOptions::default());
    let mut kinds: Vec<String> = run
        .findings
        .iter()
        .map(|f| {
            if f.kind == FindingKind::Invariant {
                f.check.clone()
            } else {
                without_numbers(&format!("{}: {}", f.check, f.expected))
            }
        })
        .collect();
    kinds.sort_unstable();
    // The first kind names the failure: one fault shows several together.
    kinds.truncate(1);
    let failure = run.verdict.is_problem().then(|| {
        let findings: Vec<String> = run
            .findings
            .iter()
            .map(|f| format!("{}: expected {}, got {}", f.check, f.expected, f.actual))
            .collect();
        format!("{}: {}", run.verdict, findings.join("; "))
    });
    Outcome {
        exchanges: run.transcript.len() as u64,
        failure,
        signature: format!("{} {}", run.verdict, kinds.join("; ")),
    }
}

fn run_broken_wbxml(
    package: &Package,
    mutation: WbxmlMutation,
    target: &mut dyn Target,
    profile: &TargetProfile,
) -> Outcome {
    let signature = format!("wbxml-{}", mutation.name());
    let fail = |exchanges, why: String| Outcome {
        exchanges,
        failure: Some(why),
        signature: signature.clone(),
    };
    let bindings = Bindings::new(profile, "campaign", Encoding::Wbxml.name());
    let commands = match codec::parse_fragment(&bindings.apply(&package.send_text())) {
        Ok(c) => c,
        Err(e) => return fail(0, format!("the package cannot be built: {e}")),
    };
    let mut session = match Session::open(target, Encoding::Wbxml, &profile.server_uri, "p1") {
        Ok(s) => s,
        Err((_, e)) => return fail(1, format!("the target opens no session: {e}")),
    };
    let root = session.build_next(&Outgoing {
        label: mutation.name().into(),
        commands,
        ..Outgoing::default()
    });
    let body = match mutation.encode(&root) {
        Ok(b) => b,
        Err(e) => return fail(1, format!("the broken WBXML cannot be written: {e}")),
    };
    match session.send_encoded(mutation.name(), root, body) {
        Ok((sent, reply)) => Outcome {
            exchanges: 2,
            failure: refused(&sent.message, reply.as_ref().map(|r| &r.decoded.message)).err(),
            signature,
        },
        // Ending the session or refusing the bytes is an allowed answer.
        Err(SessionError::Target(_)) => Outcome {
            exchanges: 2,
            failure: None,
            signature,
        },
        Err(e) => fail(2, format!("the reply to broken WBXML: {e}")),
    }
}
