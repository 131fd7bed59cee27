//! What the terminal can show, read from the environment here so that
//! the reporter stays a pure function of the report and its options.

/// Whether human output may draw Unicode glyphs (box drawing, `×`, `⚠`):
/// not on a dumb terminal, nor when the locale names a character set
/// other than UTF-8. The locale is the first of `LC_ALL`, `LC_CTYPE` and
/// `LANG` that is set and not empty, as the C library picks it; with none
/// set, Unicode (what every terminal emulator of this century shows).
pub fn unicode(var: impl Fn(&str) -> Option<String>) -> bool {
    if var("TERM").is_some_and(|term| term == "dumb") {
        return false;
    }
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .filter_map(&var)
        .find(|value| !value.is_empty());
    match locale {
        None => true,
        Some(locale) => {
            let locale = locale.to_ascii_lowercase();
            locale.contains("utf-8") || locale.contains("utf8")
        }
    }
}

/// [`unicode`] of this process's environment.
pub fn unicode_here() -> bool {
    unicode(|name| std::env::var(name).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> bool {
        unicode(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn the_locale_and_term_decide() {
        assert!(with(&[]));
        assert!(with(&[("LANG", "en_US.UTF-8"), ("TERM", "xterm-256color")]));
        assert!(with(&[("LANG", "C.utf8")]));
        assert!(!with(&[("TERM", "dumb"), ("LANG", "en_US.UTF-8")]));
        assert!(!with(&[("LANG", "C")]));
        assert!(!with(&[("LANG", "POSIX")]));
        assert!(!with(&[
            ("LC_ALL", "de_DE.ISO-8859-1"),
            ("LANG", "de_DE.UTF-8")
        ]));
        // LC_ALL wins over LC_CTYPE, which wins over LANG; empty is unset.
        assert!(with(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "C")]));
        assert!(!with(&[
            ("LC_ALL", ""),
            ("LC_CTYPE", "C"),
            ("LANG", "en_US.UTF-8")
        ]));
        assert!(with(&[("LC_CTYPE", "UTF-8"), ("LANG", "C")]));
    }
}
