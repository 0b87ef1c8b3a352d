//! CONFIG GET and CONFIG SET.

use crate::error::ConfigSetError;
use crate::table::{directives, lookup, DirectiveSpec, Mutability};
use crate::Config;

impl Config {
    /// CONFIG GET: `(name, value)` for every directive whose name (or
    /// alias; then the alias is reported) satisfies `matches`, in table
    /// order, values printed as Redis prints them (memory in plain bytes,
    /// booleans yes/no, enums lowercase, `dir` as the absolute working
    /// directory).
    pub fn get_matching(
        &self,
        matches: &mut dyn FnMut(&[u8]) -> bool,
    ) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for spec in directives() {
            for name in std::iter::once(&spec.name).chain(spec.aliases.iter()) {
                if matches(name.as_bytes()) {
                    out.push((*name, spec.get_value(self)));
                }
            }
        }
        out
    }

    /// CONFIG SET with one or more `(name, value)` pairs, all or nothing.
    /// As Redis 7: first every name is checked in order (unknown,
    /// immutable, protected, duplicate; reported as the client spelled it),
    /// then every value is parsed and applied in order (reported with the
    /// canonical name); on any error nothing changes.
    pub fn set_many(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<(), ConfigSetError> {
        let spelled = |name: &[u8]| String::from_utf8_lossy(name).into_owned();
        let mut specs: Vec<&'static DirectiveSpec> = Vec::with_capacity(pairs.len());
        for (name, _) in pairs {
            let spec = lookup(name).ok_or_else(|| ConfigSetError::Unknown(spelled(name)))?;
            match spec.mutability {
                Mutability::Immutable => return Err(ConfigSetError::Immutable(spelled(name))),
                Mutability::Protected => return Err(ConfigSetError::Protected(spelled(name))),
                Mutability::Mutable => {}
            }
            if specs.iter().any(|s| std::ptr::eq(*s, spec)) {
                return Err(ConfigSetError::Duplicate(spelled(name)));
            }
            specs.push(spec);
        }
        let mut next = self.clone();
        for (spec, (_, value)) in specs.iter().zip(pairs) {
            let parsed = spec
                .parse_set_value(value)
                .map_err(|reason| ConfigSetError::Invalid {
                    name: spec.name,
                    reason,
                })?;
            spec.apply(&mut next, parsed);
        }
        *self = next;
        Ok(())
    }
}
