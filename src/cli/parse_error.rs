//! clap's own errors (an unknown flag, a value that is not a number) as one line: what was wrong,
//! clap's tip when it has one, and the `--help` of the command that was being parsed.

use clap::CommandFactory;

use crate::cli::Cli;

/// One line for a parse error clap rendered as several: its `error:` line, its `tip:` line, and
/// the help of `command` (e.g. "vae-explorer export grid", from [`command_path`]).
pub fn one_line(rendered: &str, command: &str) -> String {
    let lines: Vec<&str> = rendered.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
    let error = lines.iter().find(|line| line.starts_with("error:")).copied().unwrap_or("error: invalid arguments");
    let mut text = error.to_string();
    if let Some(tip) = lines.iter().find_map(|line| line.strip_prefix("tip:")) {
        text.push_str(&format!(" ({})", tip.trim()));
    }
    text.push_str(&format!("; see `{command} --help`"));
    text
}

/// The command a command line names: the program's name, then each argument that is a
/// subcommand of the one before ("vae-explorer export grid" for `export grid --steps 5`).
pub fn command_path(args: &[String]) -> String {
    let mut command = Cli::command();
    let mut path = vec![env!("CARGO_PKG_NAME").to_string()];
    for arg in args.iter().skip(1) {
        let Some(subcommand) = command.find_subcommand(arg).cloned() else { break };
        path.push(arg.clone());
        command = subcommand;
    }
    path.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn the_command_path_follows_the_subcommands_named() {
        assert_eq!(command_path(&args("vae_main export grid --steps 5")), "vae-explorer export grid");
        assert_eq!(command_path(&args("vae_main train --epochs x")), "vae-explorer train");
        assert_eq!(command_path(&args("vae_main trian")), "vae-explorer");
        assert_eq!(command_path(&args("vae_main --data d")), "vae-explorer");
    }

    #[test]
    fn an_unknown_flag_is_one_line_naming_the_commands_help() {
        let rendered = "error: unexpected argument '--steps' found\n\nUsage: vae_main export grid [OPTIONS] --out <OUT>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(rendered, "vae-explorer export grid"),
            "error: unexpected argument '--steps' found; see `vae-explorer export grid --help`"
        );
    }

    #[test]
    fn a_tip_is_kept_and_the_line_is_one() {
        let rendered = "error: unrecognized subcommand 'trian'\n\n  tip: a similar subcommand exists: 'train'\n\nUsage: vae_main [OPTIONS]\n       vae_main <COMMAND>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(rendered, "vae-explorer"),
            "error: unrecognized subcommand 'trian' (a similar subcommand exists: 'train'); see `vae-explorer --help`"
        );
        let rendered = "error: invalid value 'x' for '--epochs <EPOCHS>': invalid digit found in string\n\nFor more information, try '--help'.\n";
        let line = one_line(rendered, "vae-explorer train");
        assert_eq!(
            line,
            "error: invalid value 'x' for '--epochs <EPOCHS>': invalid digit found in string; see `vae-explorer train --help`"
        );
        assert!(!line.contains('\n'));
    }
}
