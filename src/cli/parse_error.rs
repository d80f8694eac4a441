//! clap's own errors (an unknown flag, a value that is not a number) as one line: what was wrong,
//! clap's tip when it has one, and the `--help` that lists what the command takes.

/// One line for a parse error clap rendered as several: its `error:` line, its `tip:` line, and
/// the help of the command it was parsing (read from its usage line).
pub fn one_line(rendered: &str, bin_name: &str) -> String {
    let lines: Vec<&str> = rendered.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
    let error = lines.iter().find(|line| line.starts_with("error:")).copied().unwrap_or("error: invalid arguments");
    let mut text = error.to_string();
    if let Some(tip) = lines.iter().find_map(|line| line.strip_prefix("tip:")) {
        text.push_str(&format!(" ({})", tip.trim()));
    }
    // "Usage: vae-explorer export grid [OPTIONS] --out <OUT>" names the command parsed.
    let command = lines
        .iter()
        .find_map(|line| line.strip_prefix("Usage:"))
        .map(|usage| {
            let words: Vec<&str> =
                usage.split_whitespace().take_while(|word| !word.starts_with(['[', '<', '-'])).collect();
            words.iter().skip(1).fold(bin_name.to_string(), |command, word| format!("{command} {word}"))
        })
        .unwrap_or_else(|| bin_name.to_string());
    text.push_str(&format!("; see `{command} --help`"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_flag_is_one_line_naming_the_commands_help() {
        let rendered = "error: unexpected argument '--steps' found\n\nUsage: vae_main export grid [OPTIONS] --out <OUT>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(rendered, "vae-explorer"),
            "error: unexpected argument '--steps' found; see `vae-explorer export grid --help`"
        );
    }

    #[test]
    fn a_tip_is_kept_and_a_bad_value_without_usage_points_at_the_top_help() {
        let rendered = "error: unrecognized subcommand 'trian'\n\n  tip: a similar subcommand exists: 'train'\n\nUsage: vae_main [OPTIONS]\n       vae_main <COMMAND>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(rendered, "vae-explorer"),
            "error: unrecognized subcommand 'trian' (a similar subcommand exists: 'train'); see `vae-explorer --help`"
        );
        let rendered = "error: invalid value 'x' for '--epochs <EPOCHS>': invalid digit found in string\n\nFor more information, try '--help'.\n";
        let line = one_line(rendered, "vae-explorer");
        assert_eq!(
            line,
            "error: invalid value 'x' for '--epochs <EPOCHS>': invalid digit found in string; see `vae-explorer --help`"
        );
        assert!(!line.contains('\n'));
    }
}
