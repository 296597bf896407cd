//! Every control the built-in pack cites is in data/controls.yaml, the
//! catalogue checked against the frameworks' own texts (../shared/CONTROLS.md):
//! none is invented, and every one prints with its official title.

use vouch::policy::load::{self, PackSource};
use vouch::report::controls::{catalogue, control_title};

#[test]
fn every_cited_control_is_in_the_catalogue() {
    let policies = load::load(&PackSource::builtin(), &Default::default()).unwrap();
    let mut missing = Vec::new();
    for rule in &policies.rules {
        assert!(
            !rule.def.controls.is_empty(),
            "{} cites no control",
            rule.def.id
        );
        for control in &rule.def.controls {
            if control_title(control).is_none() {
                missing.push(format!("{}: {control}", rule.def.id));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "controls not in data/controls.yaml:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_catalogue_pins_versions_and_titles() {
    let c = catalogue();
    assert_eq!(c["nist-800-53"].name, "NIST SP 800-53 Rev. 5");
    assert_eq!(
        control_title("nist-800-53:IA-5(7)"),
        Some("Authenticator Management | No Embedded Unencrypted Static Authenticators")
    );
    assert_eq!(
        control_title("cis-aws:4.6"),
        Some("Ensure rotation for customer-created symmetric CMKs is enabled")
    );
    assert_eq!(
        control_title("iso27001:A.8.31"),
        Some("Separation of development, test and production environments")
    );
    assert_eq!(
        control_title("nist-800-53:IA-5(1)"),
        Some("Authenticator Management | Password-based Authentication")
    );
    assert_eq!(control_title("nist-800-53:XX-1"), None);
}
