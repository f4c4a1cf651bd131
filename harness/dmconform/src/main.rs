//! The `dmconform` command line; everything it does lives in the library's `cli` module.
//! The allocator is mimalloc: a fleet load allocates and frees small messages on every
//! worker thread at once, where the system allocator's arena locks take a quarter of the
//! harness's time.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    dmconform::cli::main()
}
