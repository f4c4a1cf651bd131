//! `dmconform convert`: SyncML between XML and WBXML, a file or a whole folder.
//! The input's encoding is detected from its bytes; the output's comes from
//! `--to`, else from the output's extension, else it is the other encoding.

use crate::codec;
use crate::wire::Encoding;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The output encodings of `convert`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum To {
    Xml,
    Wbxml,
}

/// Options of `dmconform convert`.
#[derive(Args, Debug)]
#[command(after_help = "Examples:
  dmconform convert pkg1.xml -o pkg1.wbxml        XML to WBXML (WBXML 1.2, public id 0x1201)
  dmconform convert reply.wbxml                    WBXML to XML on standard output
  dmconform convert msg.xml --to xml               XML written back in canonical form
  dmconform convert corpus/real/fleet/messages -o /tmp/wbxml --to wbxml   a whole folder

Exit status: 0 when every file converted, 1 when some file could not be read, 2 on usage error.")]
pub struct ConvertArgs {
    /// A SyncML file (XML or WBXML, detected from its bytes) or a folder of them.
    pub input: PathBuf,
    /// Where to write: a file, or a folder when the input is a folder (default: standard output).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// The output encoding (default: from the output's extension, else the other encoding).
    #[arg(long, value_enum)]
    pub to: Option<To>,
    /// In WBXML, write elements and attributes that have no token (markup inside Data,
    /// `msft:` attributes) with the LITERAL tokens instead of refusing them.
    #[arg(long)]
    pub literals: bool,
}

/// Runs `dmconform convert`.
pub fn run(args: ConvertArgs) -> ExitCode {
    if args.input.is_dir() {
        let Some(out_dir) = &args.output else {
            eprintln!("dmconform convert: a folder needs -o OUT_FOLDER");
            return ExitCode::from(2);
        };
        return convert_dir(&args.input, out_dir, args.to, args.literals);
    }
    let to = args
        .to
        .or_else(|| args.output.as_deref().and_then(encoding_of_extension));
    match convert_file(&args.input, to, args.literals) {
        Ok((bytes, _)) => match &args.output {
            Some(path) => match std::fs::write(path, bytes) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("dmconform convert: cannot write {}: {e}", path.display());
                    ExitCode::from(2)
                }
            },
            None => {
                use std::io::Write;
                let _ = std::io::stdout().write_all(&bytes);
                ExitCode::SUCCESS
            }
        },
        Err(e) => {
            eprintln!("dmconform convert: {}: {e}", args.input.display());
            ExitCode::from(1)
        }
    }
}

fn encoding_of_extension(path: &Path) -> Option<To> {
    match path.extension()?.to_str()? {
        "wbxml" | "bin" => Some(To::Wbxml),
        "xml" => Some(To::Xml),
        _ => None,
    }
}

/// Converts one file; the bytes and the encoding written.
fn convert_file(
    path: &Path,
    to: Option<To>,
    literals: bool,
) -> Result<(Vec<u8>, Encoding), String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let decoded = codec::decode(&bytes, &syncml::Limits::default())?;
    let target = match to {
        Some(To::Xml) => Encoding::Xml,
        Some(To::Wbxml) => Encoding::Wbxml,
        None if decoded.encoding == Encoding::Xml => Encoding::Wbxml,
        None => Encoding::Xml,
    };
    let out = match target {
        Encoding::Xml => syncml::xml::write(
            &decoded.root,
            &syncml::xml::WriteOptions {
                declaration: true,
                indent: Some(2),
            },
        ),
        Encoding::Wbxml => {
            let opts = syncml::wbxml::EncodeOptions {
                literals,
                ..Default::default()
            };
            syncml::wbxml::encode(&decoded.root, &opts).map_err(|e| {
                if literals {
                    e.to_string()
                } else {
                    format!("{e}; --literals writes such elements with LITERAL tokens")
                }
            })?
        }
    };
    Ok((out, target))
}

fn convert_dir(input: &Path, out_dir: &Path, to: Option<To>, literals: bool) -> ExitCode {
    if let Err(e) = std::fs::create_dir_all(out_dir) {
        eprintln!(
            "dmconform convert: cannot create {}: {e}",
            out_dir.display()
        );
        return ExitCode::from(2);
    }
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(input) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect(),
        Err(e) => {
            eprintln!("dmconform convert: cannot read {}: {e}", input.display());
            return ExitCode::from(2);
        }
    };
    entries.sort();
    let (mut ok, mut failed) = (0, 0);
    for path in entries {
        match convert_file(&path, to, literals) {
            Ok((bytes, enc)) => {
                let name = path.with_extension(enc.name());
                let out = out_dir.join(name.file_name().unwrap_or_default());
                match std::fs::write(&out, bytes) {
                    Ok(()) => ok += 1,
                    Err(e) => {
                        eprintln!("{}: cannot write: {e}", out.display());
                        failed += 1;
                    }
                }
            }
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                failed += 1;
            }
        }
    }
    eprintln!("converted {ok} files, {failed} failed");
    ExitCode::from(if failed == 0 { 0 } else { 1 })
}
