//! `refdm`: the reference DM client, an implementation under test like any vendor's.
