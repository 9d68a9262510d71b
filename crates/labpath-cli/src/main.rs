//! The `labpath` binary: parses arguments, runs the command, maps the
//! outcome to the documented exit code.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match labpath_cli::run_then_exit(std::env::args_os(), &mut out) {
        Ok(exit) => exit as u8,
        Err(failure) => {
            let _ = out.flush();
            eprintln!("{failure}");
            failure.exit_code() as u8
        }
    };
    let _ = out.flush();
    ExitCode::from(code)
}
