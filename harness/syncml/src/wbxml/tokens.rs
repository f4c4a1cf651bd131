//! The WBXML vocabulary of SyncML DM: global tokens, the tag tokens of code
//! page 0 (SyncML) and code page 1 (MetInf), the public identifiers and their
//! formal public identifier (FPI) strings.
//!
//! Token values are those of the OMA SyncML RepPro 1.2 and MetInf 1.2
//! specifications as carried by libwbxml (`src/wbxml_tables.c`,
//! `sv_syncml_syncml12_tag_table`) and by the SyncML Reference Toolkit
//! (`xlttags.c`); both agree. One table serves SyncML 1.0, 1.1 and 1.2: the
//! older versions use the same tokens 0x05–0x34, and 1.2 only adds tokens.

use crate::tree::{NS_METINF, NS_SYNCML11, NS_SYNCML12};

/// The SyncML 1.0 namespace.
pub const NS_SYNCML10: &str = "SYNCML:SYNCML1.0";

/// Global tokens, the same on every code page (WBXML 1.3 §5.8.4).
pub mod global {
    pub const SWITCH_PAGE: u8 = 0x00;
    pub const END: u8 = 0x01;
    pub const ENTITY: u8 = 0x02;
    pub const STR_I: u8 = 0x03;
    pub const LITERAL: u8 = 0x04;
    pub const EXT_I_0: u8 = 0x40;
    pub const EXT_I_2: u8 = 0x42;
    pub const PI: u8 = 0x43;
    pub const LITERAL_C: u8 = 0x44;
    pub const EXT_T_0: u8 = 0x80;
    pub const EXT_T_2: u8 = 0x82;
    pub const STR_T: u8 = 0x83;
    pub const LITERAL_A: u8 = 0x84;
    pub const EXT_0: u8 = 0xC0;
    pub const EXT_2: u8 = 0xC2;
    pub const OPAQUE: u8 = 0xC3;
    pub const LITERAL_AC: u8 = 0xC4;
}

/// Bit set on a tag token when the element has content.
pub const TAG_HAS_CONTENT: u8 = 0x40;
/// Bit set on a tag token when the element has attributes.
pub const TAG_HAS_ATTRS: u8 = 0x80;
/// The token bits of a tag byte.
pub const TAG_TOKEN_MASK: u8 = 0x3F;

/// IANA MIBenum of UTF-8, the only character set SyncML DM uses.
pub const CHARSET_UTF8: u32 = 106;

/// One code page: its number, the namespace it stands for and its tag names
/// indexed from token 0x05 (an empty name marks a reserved token).
#[derive(Debug)]
pub struct CodePage {
    pub number: u8,
    pub namespace: &'static str,
    tags: &'static [&'static str],
}

const FIRST_TAG_TOKEN: u8 = 0x05;

impl CodePage {
    /// The tag name of a token on this page.
    pub fn tag_name(&self, token: u8) -> Option<&'static str> {
        let index = usize::from(token.checked_sub(FIRST_TAG_TOKEN)?);
        self.tags.get(index).copied().filter(|n| !n.is_empty())
    }

    /// Every (token, tag name) of this page, in token order.
    pub fn tags(&self) -> impl Iterator<Item = (u8, &'static str)> + '_ {
        (FIRST_TAG_TOKEN..)
            .zip(self.tags.iter().copied())
            .filter(|(_, name)| !name.is_empty())
    }

    /// The token of a tag name on this page.
    pub fn token_of(&self, name: &str) -> Option<u8> {
        // Length and first letter first: most names differ there, and a full
        // comparison is a call to memcmp.
        let first = *name.as_bytes().first()?;
        let index = self
            .tags
            .iter()
            .position(|t| t.len() == name.len() && t.as_bytes()[0] == first && *t == name)?;
        // The tables hold fewer than 0x3B entries, so the sum stays below 0x40.
        Some(FIRST_TAG_TOKEN + index as u8)
    }
}

/// Code page 0: SyncML RepPro 1.2, tokens 0x05–0x3C (0x30 is reserved).
pub const SYNCML_PAGE: CodePage = CodePage {
    number: 0,
    namespace: NS_SYNCML12,
    tags: &[
        "Add",             // 0x05
        "Alert",           // 0x06
        "Archive",         // 0x07
        "Atomic",          // 0x08
        "Chal",            // 0x09
        "Cmd",             // 0x0A
        "CmdID",           // 0x0B
        "CmdRef",          // 0x0C
        "Copy",            // 0x0D
        "Cred",            // 0x0E
        "Data",            // 0x0F
        "Delete",          // 0x10
        "Exec",            // 0x11
        "Final",           // 0x12
        "Get",             // 0x13
        "Item",            // 0x14
        "Lang",            // 0x15
        "LocName",         // 0x16
        "LocURI",          // 0x17
        "Map",             // 0x18
        "MapItem",         // 0x19
        "Meta",            // 0x1A
        "MsgID",           // 0x1B
        "MsgRef",          // 0x1C
        "NoResp",          // 0x1D
        "NoResults",       // 0x1E
        "Put",             // 0x1F
        "Replace",         // 0x20
        "RespURI",         // 0x21
        "Results",         // 0x22
        "Search",          // 0x23
        "Sequence",        // 0x24
        "SessionID",       // 0x25
        "SftDel",          // 0x26
        "Source",          // 0x27
        "SourceRef",       // 0x28
        "Status",          // 0x29
        "Sync",            // 0x2A
        "SyncBody",        // 0x2B
        "SyncHdr",         // 0x2C
        "SyncML",          // 0x2D
        "Target",          // 0x2E
        "TargetRef",       // 0x2F
        "",                // 0x30 reserved for future use
        "VerDTD",          // 0x31
        "VerProto",        // 0x32
        "NumberOfChanges", // 0x33
        "MoreData",        // 0x34
        "Field",           // 0x35
        "Filter",          // 0x36
        "Record",          // 0x37
        "FilterType",      // 0x38
        "SourceParent",    // 0x39
        "TargetParent",    // 0x3A
        "Move",            // 0x3B
        "Correlator",      // 0x3C
    ],
};

/// Code page 1: MetInf 1.2, tokens 0x05–0x16.
pub const METINF_PAGE: CodePage = CodePage {
    number: 1,
    namespace: NS_METINF,
    tags: &[
        "Anchor",     // 0x05
        "EMI",        // 0x06
        "Format",     // 0x07
        "FreeID",     // 0x08
        "FreeMem",    // 0x09
        "Last",       // 0x0A
        "Mark",       // 0x0B
        "MaxMsgSize", // 0x0C
        "Mem",        // 0x0D
        "MetInf",     // 0x0E
        "Next",       // 0x0F
        "NextNonce",  // 0x10
        "SharedMem",  // 0x11
        "Size",       // 0x12
        "Type",       // 0x13
        "Version",    // 0x14
        "MaxObjSize", // 0x15
        "FieldLevel", // 0x16
    ],
};

/// The code pages of a SyncML document, by number.
pub fn code_page(number: u8) -> Option<&'static CodePage> {
    match number {
        0 => Some(&SYNCML_PAGE),
        1 => Some(&METINF_PAGE),
        _ => None,
    }
}

/// The documents a public identifier can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    SyncMl10,
    SyncMl11,
    SyncMl12,
    MetInf12,
    DevInf10,
    DevInf11,
    DevInf12,
    DmDdf12,
}

impl DocumentKind {
    /// The namespace of the root element, for the SyncML message documents.
    pub fn syncml_namespace(self) -> Option<&'static str> {
        match self {
            DocumentKind::SyncMl10 => Some(NS_SYNCML10),
            DocumentKind::SyncMl11 => Some(NS_SYNCML11),
            DocumentKind::SyncMl12 => Some(NS_SYNCML12),
            _ => None,
        }
    }

    /// The SyncML message document whose root carries this namespace.
    pub fn from_syncml_namespace(ns: &str) -> Option<DocumentKind> {
        match ns {
            NS_SYNCML10 => Some(DocumentKind::SyncMl10),
            NS_SYNCML11 => Some(DocumentKind::SyncMl11),
            NS_SYNCML12 => Some(DocumentKind::SyncMl12),
            _ => None,
        }
    }

    /// The registered numeric public identifier, if there is one.
    pub fn numeric_id(self) -> Option<u32> {
        PUBLIC_IDS
            .iter()
            .find(|p| p.kind == self)
            .and_then(|p| p.numeric)
    }

    /// The FPI an encoder writes (the first, usual spelling).
    pub fn fpi(self) -> &'static str {
        PUBLIC_IDS
            .iter()
            .find(|p| p.kind == self)
            .map_or("", |p| p.fpis[0])
    }
}

/// A registered document type: its numeric id (if any) and its FPI spellings,
/// the usual one first.
#[derive(Debug)]
pub struct PublicIdEntry {
    pub kind: DocumentKind,
    pub numeric: Option<u32>,
    pub fpis: &'static [&'static str],
}

/// The WBXML "unknown or missing public identifier" value (WBXML 1.3 §7.2.1).
pub const PUBLIC_ID_UNKNOWN: u32 = 0x01;

/// Public identifiers of the SyncML family (libwbxml `wbxml_tables.h`; the
/// alternate spellings are those of the OMA DTD comments and of the OMNA
/// registry tables, see dm-facts §1.3 and §6).
pub const PUBLIC_IDS: &[PublicIdEntry] = &[
    PublicIdEntry {
        kind: DocumentKind::SyncMl10,
        numeric: Some(0x0FD1),
        fpis: &["-//SYNCML//DTD SyncML 1.0//EN"],
    },
    PublicIdEntry {
        kind: DocumentKind::DevInf10,
        numeric: Some(0x0FD2),
        fpis: &["-//SYNCML//DTD DevInf 1.0//EN"],
    },
    PublicIdEntry {
        kind: DocumentKind::SyncMl11,
        numeric: Some(0x0FD3),
        fpis: &["-//SYNCML//DTD SyncML 1.1//EN"],
    },
    PublicIdEntry {
        kind: DocumentKind::DevInf11,
        numeric: Some(0x0FD4),
        fpis: &["-//SYNCML//DTD DevInf 1.1//EN"],
    },
    PublicIdEntry {
        kind: DocumentKind::SyncMl12,
        numeric: Some(0x1201),
        fpis: &[
            "-//SYNCML//DTD SyncML 1.2//EN",
            "-//OMA//DTD SYNCML 1.2//EN",
        ],
    },
    PublicIdEntry {
        kind: DocumentKind::MetInf12,
        numeric: Some(0x1202),
        fpis: &[
            "-//SYNCML//DTD MetInf 1.2//EN",
            "-//SYNCML//DTD MetaInf 1.2//EN",
            "-//OMA//DTD SYNCML-METINF 1.2//EN",
        ],
    },
    PublicIdEntry {
        kind: DocumentKind::DevInf12,
        numeric: Some(0x1203),
        fpis: &["-//SYNCML//DTD DevInf 1.2//EN"],
    },
    PublicIdEntry {
        kind: DocumentKind::DmDdf12,
        numeric: None,
        fpis: &["-//OMA//DTD-DM-DDF 1.2//EN"],
    },
];

/// The document a numeric public identifier names.
pub fn kind_of_numeric(id: u32) -> Option<DocumentKind> {
    PUBLIC_IDS
        .iter()
        .find(|p| p.numeric == Some(id))
        .map(|p| p.kind)
}

/// The document an FPI names, in any of its known spellings.
pub fn kind_of_fpi(fpi: &str) -> Option<DocumentKind> {
    PUBLIC_IDS
        .iter()
        .find(|p| p.fpis.contains(&fpi))
        .map(|p| p.kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syncml_page_matches_the_reppro_table() {
        assert_eq!(SYNCML_PAGE.token_of("SyncML"), Some(0x2D));
        assert_eq!(SYNCML_PAGE.token_of("Final"), Some(0x12));
        assert_eq!(SYNCML_PAGE.token_of("Correlator"), Some(0x3C));
        assert_eq!(SYNCML_PAGE.tag_name(0x2F), Some("TargetRef"));
        assert_eq!(SYNCML_PAGE.tag_name(0x31), Some("VerDTD"));
        assert_eq!(SYNCML_PAGE.tag_name(0x30), None, "0x30 is reserved");
        assert_eq!(SYNCML_PAGE.tag_name(0x3D), None);
        assert_eq!(SYNCML_PAGE.tag_name(0x04), None);
        assert_eq!(SYNCML_PAGE.token_of(""), None);
    }

    #[test]
    fn metinf_page_matches_the_metinf_table() {
        assert_eq!(METINF_PAGE.token_of("Anchor"), Some(0x05));
        assert_eq!(METINF_PAGE.token_of("MaxMsgSize"), Some(0x0C));
        assert_eq!(METINF_PAGE.token_of("NextNonce"), Some(0x10));
        assert_eq!(METINF_PAGE.token_of("FieldLevel"), Some(0x16));
        assert_eq!(METINF_PAGE.tag_name(0x17), None);
        assert!(code_page(2).is_none());
    }

    #[test]
    fn every_name_round_trips_through_its_token() {
        for page in [&SYNCML_PAGE, &METINF_PAGE] {
            for token in 0..0x40u8 {
                if let Some(name) = page.tag_name(token) {
                    assert_eq!(page.token_of(name), Some(token), "{name}");
                }
            }
        }
    }

    #[test]
    fn public_ids_and_their_spellings() {
        assert_eq!(kind_of_numeric(0x1201), Some(DocumentKind::SyncMl12));
        assert_eq!(kind_of_numeric(0x0FD3), Some(DocumentKind::SyncMl11));
        assert_eq!(kind_of_numeric(0x0FD1), Some(DocumentKind::SyncMl10));
        assert_eq!(kind_of_numeric(0x1202), Some(DocumentKind::MetInf12));
        assert_eq!(kind_of_numeric(0x1203), Some(DocumentKind::DevInf12));
        assert_eq!(kind_of_numeric(PUBLIC_ID_UNKNOWN), None);
        assert_eq!(
            kind_of_fpi("-//OMA//DTD SYNCML 1.2//EN"),
            Some(DocumentKind::SyncMl12)
        );
        assert_eq!(
            kind_of_fpi("-//SYNCML//DTD MetaInf 1.2//EN"),
            Some(DocumentKind::MetInf12)
        );
        assert_eq!(
            DocumentKind::SyncMl12.fpi(),
            "-//SYNCML//DTD SyncML 1.2//EN"
        );
        assert_eq!(DocumentKind::DmDdf12.numeric_id(), None);
        assert_eq!(
            DocumentKind::from_syncml_namespace(NS_SYNCML11),
            Some(DocumentKind::SyncMl11)
        );
    }
}
